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
