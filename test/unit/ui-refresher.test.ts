/** Refetching without storms (ui/src/lib/refresher.ts): bursts fold into one run, runs never overlap. */
import { createRefresher } from '../../ui/src/lib/refresher';

function fakeTimers() {
  const pending: { fn: () => void; cleared: boolean }[] = [];
  return {
    pending,
    timers: {
      set: (fn: () => void) => {
        const t = { fn, cleared: false };
        pending.push(t);
        return t;
      },
      clear: (h: unknown) => void ((h as { cleared: boolean }).cleared = true),
    },
    fire: () => {
      for (const t of pending.splice(0)) if (!t.cleared) t.fn();
    },
  };
}

const flush = () => new Promise((r) => setImmediate(r));

test('a burst of change notifications is one run; asks during a run are one more run after it', async () => {
  const t = fakeTimers();
  let runs = 0;
  let release: () => void = () => undefined;
  const r = createRefresher(
    () => {
      runs++;
      return new Promise<void>((resolve) => (release = resolve));
    },
    { timers: t.timers },
  );
  for (let i = 0; i < 10; i++) r.request();
  expect(t.pending).toHaveLength(1);
  t.fire();
  expect(runs).toBe(1);
  for (let i = 0; i < 10; i++) r.request();
  t.fire();
  r.request(true);
  expect(runs).toBe(1); // never two at once
  release();
  await flush();
  expect(runs).toBe(2); // the asks made during the run
  release();
  await flush();
  expect(runs).toBe(2);
});

test('a user’s action runs at once; a failed run does not stop the next; disposed, nothing runs', async () => {
  const t = fakeTimers();
  let runs = 0;
  const r = createRefresher(
    async () => {
      runs++;
      if (runs === 1) throw new Error('API down');
    },
    { timers: t.timers },
  );
  r.request(true);
  await flush();
  r.request(true);
  await flush();
  expect(runs).toBe(2);
  r.request();
  r.dispose();
  t.fire();
  r.request(true);
  await flush();
  expect(runs).toBe(2);
});
