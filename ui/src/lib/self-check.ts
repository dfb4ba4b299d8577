/**
 * Runs a self-check the way the dashboard shows it: start it, and while the API
 * says it is still RUNNING, ask again every `intervalMs`, reporting each view.
 * Free of Svelte so it can be tested with a stub `request` and a fake `wait`.
 */
import { getSelfCheck, startSelfCheck, type Request, type SelfCheckView } from './api';
import { workflowStatusTone, type Tone } from './tone';

/** A completed check whose read-back did not match is not a success. */
export function selfCheckTone(view: SelfCheckView): Tone {
  if (view.result && !view.result.ok) return 'bad';
  return workflowStatusTone(view.status);
}

export interface RunOptions {
  readonly onUpdate: (view: SelfCheckView) => void;
  readonly signal?: AbortSignal;
  readonly intervalMs?: number;
  readonly wait?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

function delay(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        resolve();
      },
      { once: true },
    );
  });
}

/** Resolves with the final view; rejects with the signal's reason if aborted. */
export async function runSelfCheck(token: string, options: RunOptions, request: Request = fetch): Promise<SelfCheckView> {
  const { onUpdate, signal, intervalMs = 1000, wait = delay } = options;
  let view = await startSelfCheck(token, request);
  signal?.throwIfAborted();
  onUpdate(view);
  while (view.status === 'RUNNING') {
    await wait(intervalMs, signal);
    signal?.throwIfAborted();
    view = await getSelfCheck(token, view.workflowId, request);
    signal?.throwIfAborted();
    onUpdate(view);
  }
  return view;
}
