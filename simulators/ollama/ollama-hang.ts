/**
 * The simulated Ollama's hang: while it is on, answers stop sending bytes
 * until it is switched off; when the server stops, hung answers are cut
 * instead of waited for.
 */

/** One request being served; aborted when its client goes away or the simulator dies. */
export interface RequestContext {
  readonly ac: AbortController;
}

export class Hang {
  private hung = false;
  /** How many chunks a streaming answer still sends before it stops. */
  afterChunks = 1;
  private stopping = false;
  private readonly waiters = new Set<() => void>();

  /** On: answers stop at their next whileHung. Off: they go on. */
  set(on: boolean, afterChunks = 1): void {
    this.hung = on;
    this.afterChunks = Math.max(1, afterChunks);
    if (on) return;
    this.wakeAll();
  }

  /** While the server stops, a hung answer is cut rather than waited for. */
  setStopping(stopping: boolean): void {
    this.stopping = stopping;
    if (stopping) this.wakeAll();
  }

  /** Resolves at once unless hung; then waits for set(false), or fails when stopping. */
  async whileHung(ctx: RequestContext): Promise<void> {
    const { signal } = ctx.ac;
    while (this.hung) {
      if (this.stopping) {
        ctx.ac.abort();
        throw new Error('simulator stopping');
      }
      await new Promise<void>((resolve, reject) => {
        const onAbort = (): void => {
          this.waiters.delete(wake);
          reject(new Error('request aborted'));
        };
        const wake = (): void => {
          signal.removeEventListener('abort', onAbort);
          resolve();
        };
        if (signal.aborted) return onAbort();
        this.waiters.add(wake);
        signal.addEventListener('abort', onAbort, { once: true });
      });
    }
    signal.throwIfAborted();
  }

  private wakeAll(): void {
    for (const wake of this.waiters) wake();
    this.waiters.clear();
  }
}
