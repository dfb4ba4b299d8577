/**
 * A Wait node on webhook: the run waits for the waitWebhookCalled signal,
 * which the API sends once it has stored the call, or for the node's limit (a
 * durable timer). The call is in Postgres before the signal, so a signal lost
 * to a Temporal outage is made up for by a look at the store every
 * RECHECK_MS; whichever of call and limit is stored first is what the node
 * outputs (advancePipeline reads it).
 */
import { condition, proxyLocalActivities, setHandler } from '@temporalio/workflow';
import type { PipelineActivities, StepDescriptor } from '../../activities/pipeline/pipeline-activities';
import { waitWebhookCalledSignal } from './definitions';

const RECHECK_MS = 5 * 60_000;

const { waitResumeStored } = proxyLocalActivities<PipelineActivities>({
  startToCloseTimeout: '1m',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '30s' },
});

let called = new Set<number>();

export function installWaitWebhookHandler(): void {
  called = new Set();
  setHandler(waitWebhookCalledSignal, ({ seq }) => {
    called.add(seq);
  });
}

/**
 * Returns once the call came or the limit passed ('resumed'), or undefined
 * when the history grew past `tooLong` while waiting: the run then continues
 * as new from the step before and waits on in a fresh history.
 */
export async function awaitWaitWebhook(step: Extract<StepDescriptor, { kind: 'webhookWait' }>, executionId: string, tooLong: () => boolean): Promise<'resumed' | undefined> {
  for (;;) {
    // The store first: a call whose signal reached an earlier run (continued as new) or never came.
    if (called.has(step.seq) || (await waitResumeStored({ executionId, seq: step.seq }))) return 'resumed';
    if (tooLong()) return undefined;
    const wakeAt = Math.min(Date.now() + RECHECK_MS, step.until ?? Infinity);
    if (await condition(() => called.has(step.seq), Math.max(1, wakeAt - Date.now()))) return 'resumed';
    if (step.until !== undefined && Date.now() >= step.until) return 'resumed';
  }
}
