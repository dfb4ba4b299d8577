/**
 * A second `npm start` on a data folder a live launcher uses is refused with
 * one line, and the first carries on (issue 12, operator defects); a folder
 * left by a crashed launcher is taken over.
 */
import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '../../infra/ports';
import { launch, launcherEnv, type Launched } from '../helpers/launcher';

let first: Launched | undefined;
// Stopping a launcher under the full suite's load can take over a minute (see faults/postgres-restart).
afterAll(async () => {
  await first?.stop('SIGINT');
}, 180_000);

test('a data folder in use is refused with one line; the first launcher is unharmed', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'whoosh-lock-'));
  chmodSync(dir, 0o755);
  const dataDir = path.join(dir, 'data');
  // A lock left by a launcher that crashed long ago does not stand in the way.
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(path.join(dataDir, 'whoosh.pid'), '999999\n');
  // Its own Temporal dev server: a launcher's schedules (whoosh-agent-health) must not take over the suite's.
  const env = await launcherEnv(dataDir, { WHOOSH_ADMIN_TOKEN: 'admin-token-lock-test-0001' });
  first = launch(env);
  await first.waitForOutput(/WHOOSH .* is ready/);

  const second = launch({ ...env, WHOOSH_API_PORT: String(await freePort()), WHOOSH_POSTGRES_PORT: String(await freePort()) });
  expect(await second.exited).toBe(1);
  const lines = second.stderr().trim().split('\n');
  expect(lines).toEqual([expect.stringMatching(new RegExp(`^whoosh: the data folder ${dataDir} is in use by a running WHOOSH \\(pid \\d+\\); stop it first`))]);

  const health = await fetch(`${first.apiUrl}/health/ready`);
  expect(health.status).toBe(200);
  expect(await first.stop('SIGINT')).toBe(0);
  expect(first.stdout()).toContain('stopped.');
  first = undefined;
}, 120_000);
