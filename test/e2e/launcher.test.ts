/**
 * `npm start` as a user meets it: it comes up on embedded defaults, stops on
 * Ctrl-C, finds its data again, and a workflow started before the stop
 * completes after the restart. Mistakes end with one line saying what to do.
 */
import { chmodSync, mkdtempSync, readFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { readJson } from '../helpers/api-server';
import { launch, launcherEnv, type Launched } from '../helpers/launcher';

const tmp = (): string => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'whoosh-launch-'));
  chmodSync(dir, 0o755); // as root, Postgres runs as `postgres` and must reach its data
  return dir;
};
let running: Launched | undefined;
// Stopping a launcher under the full suite's load can take over a minute (see faults/postgres-restart).
afterEach(async () => {
  await running?.stop('SIGTERM');
  running = undefined;
}, 180_000);

test('a workflow started before a stop completes after the next start', async () => {
  const dataDir = tmp();
  const env = await launcherEnv(dataDir);

  running = launch(env);
  await running.waitForOutput(/WHOOSH .* is ready/);
  const token = (await running.waitForOutput(/shown once[^\n]*\n\s+(\S+)/))[1]!;
  expect(readFileSync(path.join(dataDir, 'admin-token'), 'utf8').trim()).toBe(token);
  expect(running.stdout()).toContain(`Temporal Web UI  http://127.0.0.1:${env.WHOOSH_TEMPORAL_UI_PORT}`);
  const auth = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };

  const dashboard = await fetch(`${running.apiUrl}/`);
  expect(dashboard.status).toBe(200);
  expect(await dashboard.text()).toContain('<div id="app">');

  // A check that waits 4 s between its write and its read: stop the stack in between.
  const started = await fetch(`${running.apiUrl}/api/v1/system/self-check`, {
    method: 'POST',
    headers: auth,
    body: JSON.stringify({ delaySeconds: 4, waitSeconds: 0, note: 'survives a restart' }),
  });
  expect(started.status).toBe(202);
  const { workflowId } = await readJson(started);

  expect(await running.stop('SIGINT')).toBe(0);
  expect(running.stdout()).toContain('stopped.');

  running = launch(env);
  await running.waitForOutput(/WHOOSH .* is ready/);
  expect(running.stdout()).not.toContain('shown once');
  expect(running.stdout()).toContain(`Admin token      in ${path.join(dataDir, 'admin-token')}`);

  let view = { status: 'RUNNING', result: undefined as undefined | { ok: boolean; verified: string[] } };
  for (let i = 0; i < 300 && view.status === 'RUNNING'; i++) {
    await new Promise((r) => setTimeout(r, 100));
    view = await readJson(await fetch(`${running.apiUrl}/api/v1/system/self-check/${encodeURIComponent(workflowId)}`, { headers: auth }));
  }
  expect(view.status).toBe('COMPLETED');
  expect(view.result?.ok).toBe(true);
  expect(running.stdout()).not.toContain('database migrations applied');
});

test('after a crash (SIGKILL), the next start takes over the orphaned servers and the workflow completes', async () => {
  const dataDir = tmp();
  const env = await launcherEnv(dataDir);
  running = launch(env);
  await running.waitForOutput(/WHOOSH .* is ready/);
  const token = readFileSync(path.join(dataDir, 'admin-token'), 'utf8').trim();
  const auth = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  const started = await fetch(`${running.apiUrl}/api/v1/system/self-check`, { method: 'POST', headers: auth, body: JSON.stringify({ delaySeconds: 3, waitSeconds: 0 }) });
  const { workflowId } = await readJson(started);

  await running.crash();
  running = launch(env);
  await running.waitForOutput(/WHOOSH .* is ready/);
  let view = { status: 'RUNNING', result: undefined as undefined | { ok: boolean } };
  for (let i = 0; i < 300 && view.status === 'RUNNING'; i++) {
    await new Promise((r) => setTimeout(r, 100));
    view = await readJson(await fetch(`${running.apiUrl}/api/v1/system/self-check/${encodeURIComponent(workflowId)}`, { headers: auth }));
  }
  expect(view).toMatchObject({ status: 'COMPLETED', result: { ok: true } });
});

describe('mistakes end with one line saying what to do', () => {
  const lines = (text: string): string[] => text.split('\n').filter((l) => l.trim() !== '');

  test('bad configuration', async () => {
    running = launch(await launcherEnv(tmp(), { WHOOSH_API_PORT: 'eighty' }));
    expect(await running.exited).toBe(2);
    expect(lines(running.stderr())).toEqual(['whoosh: Invalid configuration: WHOOSH_API_PORT: expected a whole number, got "eighty"']);
  });

  test('a port in use', async () => {
    const env = await launcherEnv(tmp());
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(Number(env.WHOOSH_API_PORT), '127.0.0.1', resolve));
    try {
      running = launch(env);
      expect(await running.exited).toBe(1);
      expect(lines(running.stderr())).toEqual([
        `whoosh: Port ${env.WHOOSH_API_PORT} (API) is already in use: stop whatever listens there, or set WHOOSH_API_PORT to another port.`,
      ]);
    } finally {
      blocker.close();
    }
  });

  test('a Temporal binary that cannot be found', async () => {
    running = launch(await launcherEnv(tmp(), { WHOOSH_TEMPORAL_BIN: '/nonexistent/temporal' }));
    expect(await running.exited).toBe(1);
    const out = lines(running.stderr());
    expect(out).toHaveLength(1);
    expect(out[0]).toMatch(/^whoosh: Temporal CLI not found \(WHOOSH_TEMPORAL_BIN=\/nonexistent\/temporal is not an executable file\)\. Fix: /);
    expect(out[0]).toContain('TEMPORAL_ADDRESS');
  });

  // Only root hands Postgres to another user; elsewhere the folder is the user's own.
  (process.getuid?.() === 0 ? test : test.skip)('a data folder the postgres user cannot reach', async () => {
    const locked = mkdtempSync(path.join(os.tmpdir(), 'whoosh-locked-'));
    chmodSync(locked, 0o700);
    running = launch(await launcherEnv(path.join(locked, 'data')));
    expect(await running.exited).toBe(1);
    expect(lines(running.stderr())).toEqual([
      `whoosh: could not start: Postgres runs as the 'postgres' user, which cannot enter ${locked}: run \`chmod o+x ${locked}\` or set WHOOSH_DATA_DIR to a folder it can reach (set WHOOSH_LOG_LEVEL=debug for details)`,
    ]);
  });
});
