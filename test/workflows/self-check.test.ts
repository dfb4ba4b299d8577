/**
 * The foundation's end-to-end path on the real dev server: client → workflow →
 * activity writing Postgres → result, and a durable timer in between.
 */
import { randomUUID } from 'node:crypto';
import { startHarness, type Harness } from '../helpers/harness';
import { recordHistory } from '../helpers/histories';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.close();
});

test('self-check writes a row to Postgres through an activity and reads it back', async () => {
  const workflowId = `self-check:${randomUUID()}`;
  const result = await h.client.workflow.execute('selfCheck', {
    workflowId,
    taskQueue: h.taskQueue,
    args: [{ note: 'from the workflow test' }],
  });
  expect(result.ok).toBe(true);
  expect(result.taskQueue).toBe(h.taskQueue);
  expect(result.verified).toContain('read the same row back');
  expect(result.postgresVersion).toMatch(/^\d+/);

  const { rows } = await h.pool.query('SELECT note, workflow_id FROM system_checks WHERE id = $1', [result.checkId]);
  expect(rows).toEqual([{ note: 'from the workflow test', workflow_id: workflowId }]);
});

test('the history shows both activities and the durable timer', async () => {
  const handle = await h.client.workflow.start('selfCheck', {
    workflowId: `self-check:${randomUUID()}`,
    taskQueue: h.taskQueue,
    args: [{ delayMs: 300 }],
  });
  await handle.result();
  const history = await handle.fetchHistory();
  const scheduled = (history.events ?? [])
    .map((e) => e.activityTaskScheduledEventAttributes?.activityType?.name)
    .filter((n): n is string => typeof n === 'string');
  expect(scheduled).toEqual(['recordSystemCheck', 'readSystemCheck']);
  expect(history.events?.some((e) => e.timerStartedEventAttributes)).toBe(true);
  expect(history.events?.some((e) => e.timerFiredEventAttributes)).toBe(true);
  await recordHistory('self-check-with-timer', handle);
});
