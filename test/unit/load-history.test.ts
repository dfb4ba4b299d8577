/** Each node's load over time for the Agents charts (activities/agents/load-history.ts bucketLoad). */
import { bucketLoad } from '../../activities/agents/load-history';

const MIN = 60_000;
const T0 = Date.parse('2026-11-21T10:00:00Z');

test('busy time is shared out over the buckets it spans, per slot, and tokens/s comes from calls that finished', () => {
  // Now is on a bucket edge: the buckets are 09:57, 09:58 and 09:59, the last one ending now.
  const h = bucketLoad(
    [
      { id: 'a', parallel: 2 },
      { id: 'b', parallel: 1 },
    ],
    [
      // a: one call over the whole of 09:58 and half of 09:59
      { nodeId: 'a', startedMs: T0 - 2 * MIN, finishedMs: T0 - 0.5 * MIN, succeeded: true, evalTokens: 900, evalDurationMs: 30_000 },
      // a: a second call at once during 09:59's first half: both slots busy then
      { nodeId: 'a', startedMs: T0 - MIN, finishedMs: T0 - 0.5 * MIN, succeeded: false },
      // b: still running since 09:59:30
      { nodeId: 'b', startedMs: T0 - 0.5 * MIN, succeeded: false },
      // a node that is not registered any more
      { nodeId: 'gone', startedMs: T0 - MIN, finishedMs: T0, succeeded: true },
    ],
    { nowMs: T0, buckets: 3, bucketSeconds: 60 },
  );
  expect(h.buckets).toEqual(['2026-11-21T09:57:00.000Z', '2026-11-21T09:58:00.000Z', '2026-11-21T09:59:00.000Z']);
  const [a, b] = h.nodes;
  expect(a).toEqual({ id: 'a', utilization: [0, 0.5, 0.5], tokensPerSecond: [null, null, 30], calls: [0, 0, 2] });
  expect(b).toEqual({ id: 'b', utilization: [0, 0, 0.5], tokensPerSecond: [null, null, null], calls: [0, 0, 0] });
});

test('the bucket that holds now counts only the time gone by', () => {
  const h = bucketLoad([{ id: 'a', parallel: 1 }], [{ nodeId: 'a', startedMs: T0, succeeded: false }], { nowMs: T0 + 15_000, buckets: 2, bucketSeconds: 60 });
  expect(h.buckets.at(-1)).toBe('2026-11-21T10:00:00.000Z');
  expect(h.nodes[0]!.utilization).toEqual([0, 1]);
});
