/**
 * Named timeout/retry profiles, set once and used where activities are proxied.
 */
import type { ActivityOptions } from '@temporalio/workflow';

/** Quick database reads and writes. */
export const DATABASE: ActivityOptions = {
  startToCloseTimeout: '15s',
  retry: { initialInterval: '500ms', backoffCoefficient: 2, maximumInterval: '10s', maximumAttempts: 20 },
};

/** Work that should never fail; used by the baseline benchmark. */
export const INSTANT: ActivityOptions = {
  startToCloseTimeout: '5s',
  retry: { maximumAttempts: 3 },
};

/**
 * Calls to Gitea/GitHub: the adapter retries quick failures itself; these retries outlast a forge restart.
 * Every forge request heartbeats (activities/forge/retry.ts), so a worker that dies mid-call, or a request
 * that hangs, is given up after the heartbeat timeout — seconds — instead of the start-to-close timeout,
 * which only bounds long listings.
 */
export const FORGE: ActivityOptions = {
  startToCloseTimeout: '2m',
  heartbeatTimeout: '15s',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '1m', maximumAttempts: 15 },
};

/**
 * Deploying one agent (a pull may take minutes, and heartbeats show it is alive). The retries
 * outlast a daemon restart (about two minutes of 5xx or refused connections) before the saga
 * gives the team up; what Docker refuses outright (4xx) is not retried.
 */
export const DOCKER_DEPLOY: ActivityOptions = {
  startToCloseTimeout: '15m',
  heartbeatTimeout: '10s',
  retry: { initialInterval: '2s', backoffCoefficient: 2, maximumInterval: '30s', maximumAttempts: 8 },
};

/** Removing agents: cleanup tries hard, then the workflow records what may be left. */
export const DOCKER_REMOVE: ActivityOptions = {
  startToCloseTimeout: '5m',
  heartbeatTimeout: '10s',
  retry: { initialInterval: '2s', backoffCoefficient: 2, maximumInterval: '1m', maximumAttempts: 10 },
};
