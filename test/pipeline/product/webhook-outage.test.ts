/**
 * A Temporal outage during 50 webhook calls: every call is acknowledged (the
 * request is in Postgres) or refused, none is lost, and each acknowledged one
 * runs exactly once when Temporal is back — also when the relay starts a
 * request a second time. The outage is real: the API and its relay talk to a
 * Temporal server of their own that is not running yet.
 */
import { chmodSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { createActivities } from '../../../activities';
import { PipelineRequestRelay } from '../../../api/webhooks/pipeline-relay';
import { freePort } from '../../../infra/ports';
import { CLIENT_CHANNEL_ARGS } from '../../../infra/temporal-client';
import { startDevServer } from '../../../infra/temporal-server';
import { createOrchestratorWorker } from '../../../workers/orchestrator';
import { readJson, serveApi } from '../../helpers/api-server';
import { eventually } from '../../helpers/eventually';
import { silentLogger } from '../../helpers/harness';
import { testEnv } from '../../setup/test-env';
import { chain, httpNode, startPipelineStage, type PipelineStage } from '../durable/pipeline-stage';
import { webhookNode } from './trigger-stage';

let s: PipelineStage;
beforeAll(async () => {
  s = await startPipelineStage();
});
afterAll(async () => {
  await s.close();
});

test('50 webhook calls while Temporal is down: all acknowledged or refused, none lost, each runs once when it is back', async () => {
  const hookPath = `outage/${Date.now()}`;
  // Paths of this attempt only (a retried test shares the counting server with the attempt before).
  const ran = `/ran/${hookPath}`;
  const ranHere = () => Array.from({ length: 50 }, (_, n) => s.http.count(`${ran}/${n}`)).reduce((a, b) => a + b, 0);
  const doc = chain([webhookNode(hookPath), httpNode('Record', `={{ "${s.http.url}${ran}/" + $json.body.n }}`)]);
  const { id } = await readJson(await s.call('/api/v1/pipelines', { method: 'POST', body: JSON.stringify(doc) }));
  expect((await s.call(`/api/v1/pipelines/${id}/activate`, { method: 'POST' })).status).toBe(200);

  // The API's Temporal: a server of its own, not started yet.
  const port = await freePort();
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'whoosh-pipeline-down-'));
  chmodSync(dataDir, 0o755);
  const client = new Client({ connection: Connection.lazy({ address: `127.0.0.1:${port}`, channelArgs: CLIENT_CHANNEL_ARGS }) });
  const relay = new PipelineRequestRelay({ pool: s.h.pool, client, taskQueue: s.h.taskQueue, logger: silentLogger, pollMs: 200, callTimeoutMs: 1000, pipelineIds: () => [id] });
  relay.start();
  const api = await serveApi({ config: s.h.config, temporal: client, pool: s.h.pool, logger: silentLogger, version: 'test', pipelineRelay: relay });
  try {
    const answers = await Promise.all(
      Array.from({ length: 50 }, async (_, n) => {
        const res = await fetch(`${api.url}/webhook/${hookPath}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ n }) });
        return { n, status: res.status, executionId: res.headers.get('x-whoosh-execution-id') };
      }),
    );
    const acknowledged = answers.filter((a) => a.status === 200);
    // Nothing else is possible: a call is either stored and acknowledged, or refused with an error status.
    for (const a of answers) expect(a.status === 200 || a.status >= 500).toBe(true);
    expect(acknowledged.length).toBeGreaterThan(0);
    const { rows: stored } = await s.h.pool.query<{ execution_id: string }>('SELECT execution_id FROM pipeline_requests WHERE pipeline_id = $1', [id]);
    expect(stored.map((r) => r.execution_id).sort()).toEqual(acknowledged.map((a) => a.executionId).sort());

    await eventually(async () => {
      const { rows } = await s.h.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM pipeline_requests WHERE pipeline_id = $1 AND status = 'pending' AND last_error IS NOT NULL`, [id]);
      return rows[0]!.n === acknowledged.length ? true : undefined;
    }, 'every request tried and waiting for Temporal');
    expect(ranHere()).toBe(0);

    const server = await startDevServer({ binary: testEnv().temporalBinary, port, dataDir });
    const connection = await NativeConnection.connect({ address: server.address });
    const worker = await createOrchestratorWorker({
      connection,
      namespace: s.h.config.temporal.namespace,
      taskQueue: s.h.taskQueue,
      activities: createActivities({ pool: s.h.pool, config: s.h.config, temporal: client }),
      workflowBundle: { codePath: testEnv().workflowBundlePath },
    });
    const running = worker.run();
    try {
      await eventually(async () => {
        const { rows } = await s.h.pool.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM pipeline_requests r JOIN pipeline_executions e ON e.id = r.execution_id WHERE r.pipeline_id = $1 AND r.status = 'started' AND e.status = 'success'`,
          [id],
        );
        return rows[0]!.n === acknowledged.length ? true : undefined;
      }, 'every acknowledged call run', 60_000);

      // A start repeated (a relay that lost the answer, a crash before it was recorded) is the same run.
      await s.h.pool.query(`UPDATE pipeline_requests SET status = 'pending', next_attempt_at = now() WHERE pipeline_id = $1`, [id]);
      await eventually(async () => {
        const { rows } = await s.h.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM pipeline_requests WHERE pipeline_id = $1 AND status = 'started'`, [id]);
        return rows[0]!.n === acknowledged.length ? true : undefined;
      }, 'the repeated starts recorded', 60_000);
      for (const a of acknowledged) expect(s.http.count(`${ran}/${a.n}`)).toBe(1);
      expect(ranHere()).toBe(acknowledged.length);
      const { rows } = await s.h.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM pipeline_executions WHERE pipeline_key = $1', [id]);
      expect(rows[0]!.n).toBe(acknowledged.length);
    } finally {
      worker.shutdown();
      await running;
      await connection.close();
      await server.stop();
    }
  } finally {
    await relay.stop();
    await api.close();
    await client.connection.close();
  }
}, 120_000);
