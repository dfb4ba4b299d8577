/**
 * The Temporal server killed and started again while team formations are in
 * flight (issue 12.2). WHOOSH runs as `npm start` against a Temporal dev server
 * of this file's own (TEMPORAL_ADDRESS) with a SQLite file, so the executions
 * survive the restart; the suite's shared server is never touched. Every
 * formation finishes once: one workflow run, one `formed` comment, one
 * container per member, none twice.
 */
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '../../infra/ports';
import { startDevServer, type DevServer } from '../../infra/temporal-server';
import { testEnv } from '../setup/test-env';
import { eventually } from '../helpers/eventually';
import { allActive, expectFormedOnce, startLaunchedStage, type LaunchedStage } from '../helpers/launched-stage';

let s: LaunchedStage | undefined;
let temporal: DevServer | undefined;
let temporalPort: number;
const temporalDir = mkdtempSync(path.join(os.tmpdir(), 'whoosh-temporal-restart-'));
const startTemporal = async () => (temporal = await startDevServer({ binary: testEnv().temporalBinary, port: temporalPort, dataDir: temporalDir }));

beforeAll(async () => {
  temporalPort = await freePort();
  await startTemporal();
  s = await startLaunchedStage({ name: 'temporal-restart', temporalAddress: temporal!.address });
}, 180_000);

afterAll(async () => {
  await s?.close();
  await temporal?.stop();
}, 180_000);

test('Temporal killed and restarted mid-formation: every team forms once, nothing lost or doubled', async () => {
  const stage = s!;
  // Slow deployments, so that the kill lands while the teams are being deployed.
  stage.docker.latency(400);
  const issues = [1, 2, 3, 4].map((i) => stage.openTask(`Add CSV export to report ${i}`));
  await stage.gitea.settled();
  expect(stage.gitea.deliveries.map((d) => d.status)).toEqual(issues.map(() => 202));
  await eventually(async () => (stage.docker.containers().length >= 2 ? true : undefined), 'the first containers', 60_000);

  // A crash, not a shutdown: no chance to flush anything.
  process.kill(temporal!.pid, 'SIGKILL');
  const killedAt = Date.now();
  await new Promise((r) => setTimeout(r, 3000));
  const containersWhileDown = stage.docker.containers().length;
  stage.docker.latency(0);
  await startTemporal();
  const restartedAt = Date.now();

  const states = await allActive(stage, issues, 90_000);
  const recoverySeconds = (Date.now() - restartedAt) / 1000;
  await expectFormedOnce(stage, issues, states);
  expect(stage.running.child.exitCode).toBeNull();
  console.warn(JSON.stringify({ fault: 'temporal-restart', formations: issues.length, containersWhileDown, containers: stage.docker.containers().length, downSeconds: (restartedAt - killedAt) / 1000, recoverySeconds }));
}, 180_000);
