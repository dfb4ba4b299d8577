/**
 * The client of the API's live feed (GET /api/v1/events, server-sent events).
 * A page names the topics it shows; it hears `onChange(topic)` when one
 * changes, and `onChange` for every topic again after a reconnect, since
 * changes may have been missed while the stream was down.
 *
 * EventSource reconnects by itself after a dropped connection (an API
 * restart), but gives up for good when an answer is not a stream (a proxy's
 * 502 while the API is down, or a 401). Then this client checks whether the
 * token still works and, if it does, opens a new stream with a growing pause.
 */

export type LiveStatus = 'connecting' | 'live' | 'reconnecting' | 'offline';

/** The part of EventSource used here, so tests can hand in a fake. */
export interface EventSourceLike {
  readonly readyState: number;
  addEventListener(type: string, listener: (event: { data?: string }) => void): void;
  close(): void;
  onerror: ((event: unknown) => void) | null;
}

export type EventSourceFactory = (url: string) => EventSourceLike;

export interface LiveOptions {
  readonly token: string;
  readonly topics: readonly string[];
  readonly onChange: (topic: string) => void;
  readonly onStatus?: (status: LiveStatus) => void;
  /** The token is no longer accepted. */
  readonly onUnauthorized?: () => void;
  /** Whether the token still works (GET /api/v1/me): true, false (401), or undefined (API unreachable). */
  readonly checkToken?: (token: string) => Promise<boolean | undefined>;
  readonly open?: EventSourceFactory;
  readonly retryMs?: { readonly first: number; readonly max: number };
  readonly timers?: { set(fn: () => void, ms: number): unknown; clear(handle: unknown): void };
}

const CLOSED = 2;
export const LIVE_PATH = '/api/v1/events';

export function liveUrl(token: string, topics: readonly string[]): string {
  const q = new URLSearchParams();
  for (const t of topics) q.append('topic', t);
  q.set('access_token', token);
  return `${LIVE_PATH}?${q}`;
}

async function defaultCheckToken(token: string): Promise<boolean | undefined> {
  try {
    const res = await fetch('/api/v1/me', { headers: { Authorization: `Bearer ${token}` } });
    if (res.status === 401) return false;
    return res.ok ? true : undefined;
  } catch {
    return undefined;
  }
}

/** Subscribes; returns the function that ends the subscription. */
export function subscribeLive(options: LiveOptions): () => void {
  const {
    token,
    topics,
    onChange,
    onStatus = () => undefined,
    onUnauthorized = () => undefined,
    checkToken = defaultCheckToken,
    open = (url) => new (globalThis as unknown as { EventSource: new (u: string) => EventSourceLike }).EventSource(url),
    retryMs = { first: 1000, max: 15_000 },
    timers = { set: (fn: () => void, ms: number) => setTimeout(fn, ms), clear: (h: unknown) => clearTimeout(h as ReturnType<typeof setTimeout>) },
  } = options;

  let source: EventSourceLike | undefined;
  let ended = false;
  let everReady = false;
  let missed = false;
  let delay = retryMs.first;
  let retryTimer: unknown;

  const connect = (): void => {
    if (ended) return;
    onStatus(everReady ? 'reconnecting' : 'connecting');
    const es = open(liveUrl(token, topics));
    source = es;
    es.addEventListener('ready', () => {
      if (ended || source !== es) return;
      delay = retryMs.first;
      onStatus('live');
      // The page loaded its data when it opened; after a gap, everything is refetched once.
      if (everReady && missed) for (const t of topics) onChange(t);
      everReady = true;
      missed = false;
    });
    es.addEventListener('change', (event) => {
      if (ended || source !== es) return;
      try {
        const { topic } = JSON.parse(event.data ?? '{}') as { topic?: unknown };
        if (typeof topic === 'string') onChange(topic);
      } catch {
        // Not ours to interpret; the next change will come.
      }
    });
    es.onerror = () => {
      if (ended || source !== es) return;
      missed = true;
      if (es.readyState !== CLOSED) {
        onStatus('reconnecting'); // the browser retries on its own
        return;
      }
      es.close();
      source = undefined;
      onStatus('offline');
      void checkToken(token).then((ok) => {
        if (ended) return;
        if (ok === false) {
          ended = true;
          onUnauthorized();
          return;
        }
        retryTimer = timers.set(connect, delay);
        delay = Math.min(delay * 2, retryMs.max);
      });
    };
  };

  connect();
  return () => {
    ended = true;
    if (retryTimer !== undefined) timers.clear(retryTimer);
    source?.close();
    source = undefined;
  };
}
