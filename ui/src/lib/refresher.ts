/**
 * Runs a load at most once at a time, however often it is asked for: asks
 * that arrive while it runs fold into one more run after it, and asks that
 * arrive close together (several live topics changing at once) wait a moment
 * and become one. So a burst of change notifications is one refetch, never a
 * storm, and the data shown is never older than the last ask.
 */
export interface Refresher {
  /** Ask for a run; `immediate` skips the short wait (a user's action). */
  request(immediate?: boolean): void;
  dispose(): void;
}

export interface Timers {
  set(fn: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

const realTimers: Timers = {
  set: (fn, ms) => setTimeout(fn, ms),
  clear: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

export function createRefresher(run: () => Promise<void>, options: { debounceMs?: number; timers?: Timers } = {}): Refresher {
  const { debounceMs = 150, timers = realTimers } = options;
  let running: Promise<void> | undefined;
  let again = false;
  let timer: unknown;
  let disposed = false;

  const start = (): void => {
    timer = undefined;
    if (disposed) return;
    if (running) {
      again = true;
      return;
    }
    running = run()
      .catch(() => undefined)
      .finally(() => {
        running = undefined;
        if (again && !disposed) {
          again = false;
          start();
        }
      });
  };

  return {
    request(immediate = false) {
      if (disposed) return;
      if (immediate) {
        if (timer !== undefined) timers.clear(timer);
        start();
      } else if (timer === undefined) {
        timer = timers.set(start, debounceMs);
      }
    },
    dispose() {
      disposed = true;
      if (timer !== undefined) timers.clear(timer);
      timer = undefined;
    },
  };
}
