/**
 * The outbox loop the webhook and pipeline relays share, with an in-memory
 * outbox: a row stored while a slow one is being carried goes over at once
 * (it used to wait for the slow one, then for a pass of its own), one
 * issue's rows still go in the order stored, and stop() waits for every
 * carry.
 */
import { OutboxRelay } from '../../api/webhooks/outbox-relay';
import { createLogger } from '../../infra/logger';

const silentLogger = createLogger('silent');

interface Row {
  readonly id: number;
  readonly key?: string;
}

function outbox() {
  const due: Row[] = [];
  const gates = new Map<number, () => void>();
  const events: string[] = [];
  const relay = new OutboxRelay<Row>({
    what: 'test',
    logger: silentLogger,
    pollMs: 60_000,
    claim: async (limit) => due.splice(0, limit),
    carry: async (row) => {
      events.push(`start ${row.id}`);
      await new Promise<void>((resolve) => gates.set(row.id, resolve));
      events.push(`end ${row.id}`);
    },
    orderKey: (row) => row.key,
  });
  const store = (row: Row): void => {
    due.push(row);
    relay.kick();
  };
  const until = async (what: string): Promise<void> => {
    for (let i = 0; i < 200 && !events.includes(what); i++) await new Promise((r) => setTimeout(r, 5));
    expect(events).toContain(what);
  };
  const finish = (id: number): void => gates.get(id)!();
  return { relay, store, events, until, finish };
}

test('a row stored while a slow one is carried goes over without waiting for it', async () => {
  const o = outbox();
  o.relay.start();
  o.store({ id: 1 });
  await o.until('start 1');
  o.store({ id: 2 });
  await o.until('start 2');
  o.finish(2);
  await o.until('end 2');
  expect(o.events).toEqual(['start 1', 'start 2', 'end 2']);
  o.finish(1);
  await o.relay.stop();
  expect(o.events).toEqual(['start 1', 'start 2', 'end 2', 'end 1']);
});

test("one issue's rows go in the order stored, one at a time; other issues' rows do not wait", async () => {
  const o = outbox();
  o.relay.start();
  o.store({ id: 1, key: 'acme/api#7' });
  await o.until('start 1');
  o.store({ id: 2, key: 'acme/api#7' });
  o.store({ id: 3, key: 'acme/api#8' });
  await o.until('start 3');
  expect(o.events).not.toContain('start 2');
  o.finish(1);
  await o.until('start 2');
  o.finish(2);
  o.finish(3);
  await o.relay.stop();
  expect(o.events.indexOf('end 1')).toBeLessThan(o.events.indexOf('start 2'));
});
