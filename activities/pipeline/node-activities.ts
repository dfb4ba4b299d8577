/**
 * The side-effect nodes' work, by node type: what `runPipelineNode` does for
 * the engine's activity step. Each answers the step's request with the JSON
 * result the engine resumes with; with the node's retryOnFail, a failed call
 * throws (Temporal retries the node) until the last attempt, which hands the
 * failure to the engine.
 */
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { Pool } from 'pg';
import { nonRetryableFailure } from '../../domain/failures';
import { MCP_TOOL_TYPE, type McpToolActivity, type McpToolResult } from '../../domain/pipeline/nodes/whoosh-mcp-tool';
import type { CryptoActivity, DockerNodeActivity, DockerNodeResult, ForgeNodeActivity, HttpActivityResult, HttpRequestActivity, JsonValue, Step } from '../../domain/pipeline/types';
import type { WhooshConfig } from '../../infra/config';
import type { JobRunner } from '../docker/job-runner';
import { runCrypto } from './crypto';
import { runForgeNode } from './forge-node';
import { isFailure, runHttpRequests } from './http-request';
import { runMcpToolCalls, type McpServers } from './mcp-tool';
import { withCredential } from './node-credentials';

export const HTTP_REQUEST_TYPE = 'n8n-nodes-base.httpRequest';
export const CRYPTO_TYPE = 'n8n-nodes-base.crypto';
export const FORGE_TYPE = 'whoosh.forge';
export const DOCKER_TYPE = 'whoosh.docker';

export type ActivityStep = Extract<Step, { kind: 'activity' }>;

/** What the node types' work needs from the worker. */
export interface NodeActivityDeps {
  readonly pool: Pool;
  readonly fetch?: typeof fetch;
  readonly credentialKey?: () => Buffer;
  readonly jobRunner?: () => JobRunner;
  readonly config?: WhooshConfig;
  readonly mcpServers?: McpServers;
}

type NodeWork = (deps: NodeActivityDeps, step: ActivityStep) => Promise<JsonValue>;

/** Runs `work` heartbeating every 5 s (long requests and containers stay alive to Temporal). */
async function heartbeating<T>(work: (ctx: Context) => Promise<T>): Promise<T> {
  const ctx = Context.current();
  const beat = setInterval(() => ctx.heartbeat(), 5000);
  try {
    return await work(ctx);
  } finally {
    clearInterval(beat);
  }
}

/** Throws for Temporal to retry the node while retryOnFail has attempts left. */
function retryWhileAttemptsLeft(step: ActivityStep, ctx: Context, type: string, why: string): void {
  if (step.retry && ctx.info.attempt < step.retry.maxTries) {
    throw ApplicationFailure.create({ type, message: `node "${step.node}": ${why}; trying again (attempt ${ctx.info.attempt} of ${step.retry.maxTries})` });
  }
}

const WORK: Record<string, NodeWork> = {
  [CRYPTO_TYPE]: async (_deps, step) => runCrypto(step.request as unknown as CryptoActivity) as unknown as JsonValue,

  [HTTP_REQUEST_TYPE]: (deps, step) =>
    heartbeating(async (ctx) => {
      const request = step.request as unknown as HttpRequestActivity;
      const responses = await runHttpRequests(await withCredential(deps.pool, request, deps.credentialKey), { ...(deps.fetch ? { fetch: deps.fetch } : {}) });
      const failed = responses.find((r, i) => isFailure(r, request.requests[i]!));
      if (failed) retryWhileAttemptsLeft(step, ctx, 'HttpRequestFailed', failed.ok ? `status ${failed.statusCode}` : failed.message);
      return { responses } satisfies HttpActivityResult as unknown as JsonValue;
    }),

  [DOCKER_TYPE]: (deps, step) => {
    if (!deps.jobRunner) throw nonRetryableFailure('Misconfigured', `node "${step.node}": this worker has no Docker engine configured`);
    const runner = deps.jobRunner();
    return heartbeating(async () => {
      const results = [];
      for (const job of (step.request as unknown as DockerNodeActivity).jobs) results.push(await runner.run(job));
      return { results } satisfies DockerNodeResult as unknown as JsonValue;
    });
  },

  [FORGE_TYPE]: async (deps, step) => (await runForgeNode(deps.pool, step.request as unknown as ForgeNodeActivity, { config: deps.config, credentialKey: deps.credentialKey })) as unknown as JsonValue,

  [MCP_TOOL_TYPE]: (deps, step) =>
    heartbeating(async (ctx) => {
      const results = await runMcpToolCalls(step.request as unknown as McpToolActivity, deps.mcpServers ?? { registry: {}, call_timeout_seconds: 120 }, ctx.cancellationSignal);
      const failed = results.find((r) => !r.ok || r.isError);
      if (failed) retryWhileAttemptsLeft(step, ctx, 'McpToolFailed', failed.ok ? 'the tool answered with an error' : failed.message);
      return { results } satisfies McpToolResult as unknown as JsonValue;
    }),
};

/** The node's work for its activity step: the result the engine resumes with. */
export function runNodeActivity(deps: NodeActivityDeps, step: ActivityStep): Promise<JsonValue> {
  const work = Object.hasOwn(WORK, step.nodeType) ? WORK[step.nodeType] : undefined;
  if (!work) throw nonRetryableFailure('UnsupportedNode', `node "${step.node}": ${step.nodeType} has no activity`);
  return work(deps, step);
}
