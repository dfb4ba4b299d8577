/**
 * A Temporal dev server restarted while a pipeline waits on a Wait node: the
 * durable timer survives in the server's SQLite file and the run resumes when
 * it is due, not before. The test runs a dev server of its own, so the suite's
 * shared one is not disturbed.
 */
import { mkdtempSync } from 'node:fs';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import pg from 'pg';
import { createActivities } from '../../../activities';
import { freePort } from '../../../infra/ports';
import { startDevServer, type DevServer } from '../../../infra/temporal-server';
import { readJson, serveApi, type RunningApi } from '../../helpers/api-server';
import { eventually } from '../../helpers/eventually';
import { silentLogger, testConfig } from '../../helpers/harness';
import { testEnv } from '../../setup/test-env';
import { chain, manualTrigger, OPERATOR, setNode, waitNode } from './pipeline-stage';

const config = testConfig({ security: { tokens: [{ name: 'ops', token: OPERATOR, role: 'operator' }] } });
const dataDir = mkdtempSync(path.join(testEnv().scratchDir, 'temporal-restart-'));
let port: number;
let server: DevServer | undefined;
let client: Client;
let pool: pg.Pool;
let api: RunningApi;
let worker: { connection: NativeConnection; worker: Worker; running: Promise<void> } | undefined;

async function startWorker(): Promise<void> {
  const connection = await NativeConnection.connect({ address: server!.address });
  const w = await Worker.create({
    connection,
    taskQueue: config.temporal.task_queue,
    workflowBundle: { codePath: testEnv().workflowBundlePath },
    activities: createActivities({ pool, config }),
  });
  worker = { connection, worker: w, running: w.run() };
}

async function stopWorker(): Promise<void> {
  if (!worker) return;
  worker.worker.shutdown();
  await worker.running;
  await worker.connection.close();
  worker = undefined;
}

beforeAll(async () => {
  port = await freePort();
  server = await startDevServer({ binary: testEnv().temporalBinary, port, dataDir });
  client = new Client({ connection: await Connection.connect({ address: server.address }) });
  pool = new pg.Pool({ connectionString: testEnv().databaseUrl, max: 5 });
  api = await serveApi({ config, temporal: client, pool, logger: silentLogger, version: 'test' });
  await startWorker();
}, 90_000);
afterAll(async () => {
  await stopWorker();
  await api.close();
  await client.connection.close();
  await pool.end();
  await server?.stop();
});

const call = (p: string, init: RequestInit = {}) => fetch(`${api.url}${p}`, { ...init, headers: { authorization: `Bearer ${OPERATOR}`, 'content-type': 'application/json' } });

test('the run waits across a Temporal restart and resumes when the Wait is due', async () => {
  const doc = chain([manualTrigger(), setNode('Before', { step: 'before' }), waitNode('Sleep', 15), setNode('After', { step: 'after' })]);
  const started = await call('/api/v1/pipelines/executions', { method: 'POST', body: JSON.stringify({ workflow: doc }) });
  expect(started.status).toBe(201);
  const { id, workflowId } = await readJson(started);
  const waiting = await eventually(async () => {
    const v = await readJson(await call(`/api/v1/pipelines/executions/${id}`));
    return v.status === 'waiting' ? v : undefined;
  }, 'the run to wait');
  const due = Date.parse(waiting.waitTill);

  await stopWorker();
  await server!.stop();
  server = undefined;
  // The server went down while the run waited: the timer was not due yet.
  expect(Date.now()).toBeLessThan(due);
  server = await startDevServer({ binary: testEnv().temporalBinary, port, dataDir });
  await startWorker();

  const done = await eventually(
    async () => {
      const v = await readJson(await call(`/api/v1/pipelines/executions/${id}`));
      return v.status === 'success' || v.status === 'error' ? v : undefined;
    },
    'the run to resume after the restart',
    60_000,
  );
  expect(done.status).toBe('success');
  expect(done.nodes.After).toEqual([[{ step: 'after' }]]);
  expect(Date.parse(done.stoppedAt)).toBeGreaterThanOrEqual(due);
  const history = await client.workflow.getHandle(workflowId).fetchHistory();
  const fired = history.events!.find((e) => e.timerFiredEventAttributes);
  expect(fired).toBeDefined();
  expect(Number(fired!.eventTime!.seconds) * 1000 + Math.floor((fired!.eventTime!.nanos ?? 0) / 1e6)).toBeGreaterThanOrEqual(due - 1000);
}, 150_000);
