/**
 * The live feed's pollers (api/services/change-feed.ts): one read per topic
 * and interval however many clients listen, changes told to every listener,
 * no reads for topics nobody watches.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { ChangeFeed, TooManyTopicsError, UnknownTopicError, type TopicSource } from '../../api/services/change-feed';

function counter(intervalMs = 20) {
  let value = 0;
  let reads = 0;
  let failing = false;
  const source: TopicSource = {
    intervalMs: () => intervalMs,
    signature: async () => {
      reads++;
      if (failing) throw new Error('database hiccup');
      return String(value);
    },
  };
  return {
    source,
    bump: () => value++,
    reads: () => reads,
    fail: (f: boolean) => (failing = f),
  };
}

test('many clients on one topic share one poller, and each hears every change', async () => {
  const c = counter();
  const feed = new ChangeFeed({ resolve: (t) => (t === 'teams' ? c.source : undefined) });
  const heard: string[][] = [[], [], []];
  const stops = await Promise.all(heard.map((h) => feed.subscribe(['teams'], (topic) => h.push(topic))));
  expect(feed.activeTopics).toEqual(['teams']);

  await sleep(100);
  const readsWhileQuiet = c.reads();
  // About one read per interval in all, not one per client.
  expect(readsWhileQuiet).toBeLessThanOrEqual(100 / 20 + 2);
  expect(heard.flat()).toEqual([]);

  c.bump();
  await sleep(60);
  expect(heard).toEqual([['teams'], ['teams'], ['teams']]);

  stops[0]!();
  stops[1]!();
  c.bump();
  await sleep(60);
  expect(heard.map((h) => h.length)).toEqual([1, 1, 2]);

  stops[2]!();
  expect(feed.activeTopics).toEqual([]);
  const after = c.reads();
  await sleep(80);
  expect(c.reads()).toBe(after); // nobody listens: no polling
});

test('a change between subscribing and reading the data is not missed: the baseline comes first', async () => {
  const c = counter();
  const feed = new ChangeFeed({ resolve: () => c.source });
  const heard: string[] = [];
  const stop = await feed.subscribe(['agents'], (t) => heard.push(t));
  expect(c.reads()).toBe(1); // the baseline was read before subscribe resolved
  c.bump();
  await sleep(60);
  expect(heard).toEqual(['agents']);
  stop();
});

test('a failed read is not a change; unknown topics and too many topics are refused up front', async () => {
  const c = counter();
  const errors: string[] = [];
  const feed = new ChangeFeed({ resolve: (t) => (t.startsWith('execution:') || t === 'teams' ? c.source : undefined), maxTopics: 2, onError: (t) => errors.push(t) });
  const heard: string[] = [];
  const stop = await feed.subscribe(['teams'], (t) => heard.push(t));
  c.fail(true);
  await sleep(60);
  c.fail(false);
  await sleep(60);
  expect(heard).toEqual([]);
  expect(errors.length).toBeGreaterThan(0);

  await expect(feed.subscribe(['nope'], () => undefined)).rejects.toBeInstanceOf(UnknownTopicError);
  await expect(feed.subscribe(['execution:a', 'execution:b'], () => undefined)).rejects.toBeInstanceOf(TooManyTopicsError);
  expect(feed.activeTopics).toEqual(['teams']);
  stop();
  feed.close();
});
