/**
 * Postgres frozen, not gone (issue 12.1): every process of the embedded
 * server SIGSTOPped for ten seconds under a running `npm start`, during a
 * burst of webhooks, then SIGCONTed — what a VM pause, a stalled disk or a
 * stopped container looks like from WHOOSH: connections stay open and nothing
 * answers. Every delivery is either acknowledged (2xx) and run exactly once,
 * or refused, and a refused one resent by the sender (Gitea does not redeliver
 * by itself) runs once too. The API does not hang with the database.
 */
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { pgCtlEmbedded } from '../../infra/postgres';
import { eventually } from '../helpers/eventually';
import { allActive, expectFormedOnce, LAUNCHED_ADMIN_TOKEN, startLaunchedStage, type LaunchedStage } from '../helpers/launched-stage';

let s: LaunchedStage | undefined;
let frozen: number[] = [];

beforeAll(async () => {
  // A short query deadline, so the freeze outlasts it by far.
  s = await startLaunchedStage({ name: 'pg-frozen', configYaml: 'database:\n  query_timeout_seconds: 3\n' });
}, 180_000);

afterAll(async () => {
  // Whatever happened, the server must run again, or the launcher could not stop it.
  signal(frozen, 'SIGCONT');
  await s?.close();
}, 180_000);

/** The postmaster and every process it started (backends, checkpointer, walwriter, ...). */
function postgresProcesses(dataDir: string): number[] {
  const postmaster = Number(readFileSync(path.join(dataDir, 'data', 'postgres', 'pgdata', 'postmaster.pid'), 'utf8').split('\n')[0]);
  const children = readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .filter((d) => {
      try {
        // The parent pid is the 4th field, after the command name in parentheses.
        return Number(readFileSync(`/proc/${d}/stat`, 'utf8').replace(/^.*\) /s, '').split(' ')[1]) === postmaster;
      } catch {
        return false;
      }
    })
    .map(Number);
  return [postmaster, ...children];
}

function signal(pids: number[], sig: NodeJS.Signals): void {
  for (const pid of pids) {
    try {
      process.kill(pid, sig);
    } catch {
      // gone already
    }
  }
}

async function timed(url: string, init: RequestInit): Promise<{ status: number | 'timeout'; ms: number }> {
  const started = performance.now();
  try {
    const res = await fetch(url, { ...init, signal: AbortSignal.timeout(20_000) });
    await res.arrayBuffer();
    return { status: res.status, ms: Math.round(performance.now() - started) };
  } catch {
    return { status: 'timeout', ms: Math.round(performance.now() - started) };
  }
}

test('Postgres frozen for 10 s during a webhook burst: the API answers 503 instead of hanging; every delivery acknowledged runs once, every refused one resent runs once', async () => {
  const stage = s!;
  const before = stage.openTask('Add CSV export before the freeze');
  await stage.gitea.settled();
  await allActive(stage, [before], 60_000);
  const teams = () => timed(`${stage.running.apiUrl}/api/v1/teams`, { headers: { authorization: `Bearer ${LAUNCHED_ADMIN_TOKEN}` } });
  expect((await teams()).status).toBe(200);

  frozen = postgresProcesses(stage.dataDir);
  signal(frozen, 'SIGSTOP');
  const frozenAt = Date.now();
  const burst: number[] = [];
  for (let i = 0; i < 6; i++) burst.push(stage.openTask(`Add CSV export to report ${i}`));
  // Users looking at the dashboard meanwhile: the first requests find the pool's open connections and
  // wait out the query deadline (3 s here); once that has told WHOOSH, the others are answered at once.
  const during = await Promise.all([0, 1, 2].map(() => teams()));
  for (let i = 0; i < 3; i++) during.push(await teams());
  const frozenFor = Date.now() - frozenAt;
  await new Promise((r) => setTimeout(r, Math.max(0, 10_000 - frozenFor)));
  signal(frozen, 'SIGCONT');
  frozen = [];
  const thawedAt = Date.now();
  // Every request made during the freeze was answered during it, and said why.
  expect(during.map((d) => d.status)).toEqual(during.map(() => 503));
  expect(frozenFor).toBeLessThan(10_000);
  await stage.gitea.settled();

  // Acknowledged, refused with 503, or no answer within Gitea's delivery timeout (5 s) — never a 500.
  const statuses = stage.gitea.deliveries.map((d) => String(d.status));
  expect(statuses.filter((st) => !['200', '202', '503', 'error'].includes(st))).toEqual([]);
  // The sender sends again what was not acknowledged (a Gitea replay: a new delivery id).
  const refused = stage.gitea.deliveries.filter((d) => !(typeof d.status === 'number' && d.status >= 200 && d.status < 300));
  for (const d of refused) await stage.gitea.redeliver(d.deliveryId, { newDeliveryId: true });
  await stage.gitea.settled();

  const issues = [before, ...burst];
  const states = await allActive(stage, issues, 90_000);
  const recoverySeconds = (Date.now() - thawedAt) / 1000;
  await expectFormedOnce(stage, issues, states);
  expect(stage.running.child.exitCode).toBeNull();
  await eventually(async () => ((await fetch(`${stage.running.apiUrl}/health/ready`)).status === 200 ? true : undefined), 'ready', 30_000);
  expect((await teams()).status).toBe(200);
  console.warn(JSON.stringify({ fault: 'postgres-frozen', issues: issues.length, refused: refused.length, statuses, apiDuringFreeze: during, recoverySeconds }));
}, 180_000);

test('Postgres stopped for 8 s while teams deploy: every formation completes once, none fails', async () => {
  const stage = s!;
  const pgDir = path.join(stage.dataDir, 'data', 'postgres');
  stage.docker.latency(400);
  const already = stage.docker.containers().length;
  const issues = [1, 2, 3].map((i) => stage.openTask(`Add CSV export to dashboard ${i}`));
  await stage.gitea.settled();
  expect(stage.gitea.deliveries.slice(-issues.length).map((d) => d.status)).toEqual(issues.map(() => 202));
  await eventually(async () => (stage.docker.containers().length >= already + 2 ? true : undefined), 'the first containers', 60_000);

  expect((await pgCtlEmbedded(pgDir, ['stop', '-m', 'fast', '-w'])).code).toBe(0);
  const stoppedAt = Date.now();
  await new Promise((r) => setTimeout(r, 8_000));
  stage.docker.latency(0);
  expect((await pgCtlEmbedded(pgDir, ['start', '-w', '-t', '60', '-o', `-p ${stage.env.WHOOSH_POSTGRES_PORT} -c listen_addresses=127.0.0.1 -c max_connections=200`])).code).toBe(0);
  const startedAt = Date.now();

  const states = await allActive(stage, issues, 120_000);
  const recoverySeconds = (Date.now() - startedAt) / 1000;
  await expectFormedOnce(stage, issues, states);
  console.warn(JSON.stringify({ fault: 'postgres-stopped mid-deployment', formations: issues.length, downSeconds: (startedAt - stoppedAt) / 1000, recoverySeconds }));
}, 180_000);
