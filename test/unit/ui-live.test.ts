/**
 * The dashboard's live-feed client (ui/src/lib/live.ts) with a fake
 * EventSource and fake timers: changes reach the page, a reconnect refetches
 * once, a stream the browser gave up on is reopened with a growing pause, and
 * a token that stopped working signs out instead.
 */
import { liveUrl, subscribeLive, type EventSourceLike, type LiveStatus } from '../../ui/src/lib/live';

class FakeSource implements EventSourceLike {
  readyState = 0;
  closed = false;
  onerror: ((event: unknown) => void) | null = null;
  private readonly listeners = new Map<string, ((event: { data?: string }) => void)[]>();
  constructor(readonly url: string) {}
  addEventListener(type: string, listener: (event: { data?: string }) => void): void {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), listener]);
  }
  close(): void {
    this.closed = true;
    this.readyState = 2;
  }
  emit(type: string, data?: unknown): void {
    if (type === 'ready') this.readyState = 1;
    for (const l of this.listeners.get(type) ?? []) l({ data: data === undefined ? undefined : JSON.stringify(data) });
  }
  fail(closed: boolean): void {
    this.readyState = closed ? 2 : 0;
    this.onerror?.({});
  }
}

function stage(check: () => Promise<boolean | undefined> = async () => true) {
  const sources: FakeSource[] = [];
  const changes: string[] = [];
  const statuses: LiveStatus[] = [];
  const timers: { fn: () => void; ms: number }[] = [];
  let unauthorized = 0;
  const stop = subscribeLive({
    token: 'tok en',
    topics: ['teams', 'execution:team:acme/api#1'],
    onChange: (t) => changes.push(t),
    onStatus: (s) => statuses.push(s),
    onUnauthorized: () => unauthorized++,
    checkToken: check,
    open: (url) => {
      const s = new FakeSource(url);
      sources.push(s);
      return s;
    },
    retryMs: { first: 1000, max: 4000 },
    timers: { set: (fn, ms) => timers.push({ fn, ms }), clear: () => undefined },
  });
  return { sources, changes, statuses, timers, stop, unauthorized: () => unauthorized };
}

const flush = () => new Promise((r) => setImmediate(r));

test('the stream names every topic and carries the token (EventSource cannot send headers)', () => {
  const url = new URL(liveUrl('tok en', ['teams', 'execution:team:acme/api#1']), 'http://dash.test');
  expect(url.pathname).toBe('/api/v1/events');
  expect(url.searchParams.getAll('topic')).toEqual(['teams', 'execution:team:acme/api#1']);
  expect(url.searchParams.get('access_token')).toBe('tok en');
});

test('changes reach the page; after the browser reconnects by itself, every topic is refetched once', () => {
  const s = stage();
  const [first] = s.sources;
  first!.emit('ready', { topics: [] });
  expect(s.changes).toEqual([]); // the page loaded its data as it opened
  first!.emit('change', { topic: 'teams' });
  expect(s.changes).toEqual(['teams']);

  first!.fail(false); // dropped: the browser retries on its own
  expect(s.statuses.at(-1)).toBe('reconnecting');
  first!.emit('ready', { topics: [] });
  expect(s.changes).toEqual(['teams', 'teams', 'execution:team:acme/api#1']);
  expect(s.statuses.at(-1)).toBe('live');
  expect(s.sources).toHaveLength(1);
});

test('a stream the browser gave up on is reopened with a growing pause, then refetches', async () => {
  const s = stage();
  s.sources[0]!.emit('ready');
  s.sources[0]!.fail(true);
  await flush();
  expect(s.sources[0]!.closed).toBe(true);
  expect(s.statuses.at(-1)).toBe('offline');
  expect(s.timers.map((t) => t.ms)).toEqual([1000]);
  s.timers[0]!.fn();
  expect(s.sources).toHaveLength(2);
  s.sources[1]!.fail(true); // still down
  await flush();
  s.timers[1]!.fn();
  s.sources[2]!.fail(true);
  await flush();
  s.timers[2]!.fn();
  s.sources[3]!.fail(true);
  await flush();
  expect(s.timers.map((t) => t.ms)).toEqual([1000, 2000, 4000, 4000]);
  s.timers[3]!.fn();
  s.sources[4]!.emit('ready');
  expect(s.changes.sort()).toEqual(['execution:team:acme/api#1', 'teams']);
  s.sources[4]!.fail(true);
  await flush();
  expect(s.timers.at(-1)!.ms).toBe(1000); // a good connection resets the pause
});

test('a token that no longer works signs out instead of retrying; stopping closes the stream', async () => {
  const s = stage(async () => false);
  s.sources[0]!.fail(true);
  await flush();
  expect(s.unauthorized()).toBe(1);
  expect(s.timers).toHaveLength(0);

  const t = stage();
  t.stop();
  expect(t.sources[0]!.closed).toBe(true);
  t.sources[0]!.emit('change', { topic: 'teams' });
  expect(t.changes).toEqual([]);
});
