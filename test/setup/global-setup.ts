/**
 * Starts the real servers the suite runs against, on free ports: a Temporal
 * dev server (in memory, or TEMPORAL_ADDRESS when given) and a Postgres
 * (embedded, or a fresh database on DATABASE_URL's server). Applies the
 * migrations and bundles the workflows once.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { dropDatabase, ensureDatabase, startEmbeddedPostgres } from '../../infra/postgres';
import { migrate } from '../../infra/migrate';
import { freePort } from '../../infra/ports';
import { requireTemporal } from '../../infra/temporal-binary';
import { startDevServer } from '../../infra/temporal-server';
import { WORKFLOWS_PATH } from '../../workers/orchestrator';
import { quietBundlerLogger } from '../helpers/quiet-logger';
import { ensureChromium } from './chromium';
import { publishTestEnv } from './test-env';

type Stop = () => Promise<void>;
declare global {
  var __whooshTeardown: Stop[] | undefined;
}

export default async function globalSetup(): Promise<void> {
  const missing = ensureChromium();
  if (missing !== undefined) {
    process.stderr.write(`\n${missing}\n`);
    process.exit(1);
  }
  const stops: Stop[] = [];
  globalThis.__whooshTeardown = stops;
  try {
    await setUp(stops);
  } catch (err) {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
    throw err;
  }
}

async function setUp(stops: Stop[]): Promise<void> {
  const scratchDir = mkdtempSync(path.join(os.tmpdir(), 'whoosh-test-'));
  chmodSync(scratchDir, 0o755);

  const temporalBinary = requireTemporal(process.env.WHOOSH_TEMPORAL_BIN || undefined).path;
  let temporalAddress = process.env.TEMPORAL_ADDRESS;
  const temporalStarting = temporalAddress
    ? Promise.resolve()
    : freePort().then(async (port) => {
        const server = await startDevServer({ binary: temporalBinary, port });
        stops.push(() => server.stop());
        temporalAddress = server.address;
      });

  let databaseUrl: string;
  if (process.env.DATABASE_URL) {
    const url = new URL(process.env.DATABASE_URL);
    const name = `whoosh_test_${randomBytes(4).toString('hex')}`;
    await ensureDatabase(url.toString(), name);
    stops.push(() => dropDatabase(process.env.DATABASE_URL!, name));
    url.pathname = `/${name}`;
    databaseUrl = url.toString();
  } else {
    const db = await startEmbeddedPostgres({ dir: path.join(scratchDir, 'postgres'), port: await freePort() });
    stops.push(() => db.stop());
    databaseUrl = db.url;
  }
  await migrate(databaseUrl);

  const bundle = await bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: quietBundlerLogger });
  const workflowBundlePath = path.join(scratchDir, 'workflow-bundle.js');
  writeFileSync(workflowBundlePath, bundle.code);

  await temporalStarting;
  publishTestEnv({ temporalAddress: temporalAddress!, databaseUrl, workflowBundlePath, temporalBinary, scratchDir });
}
