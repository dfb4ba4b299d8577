/**
 * `npm start`: the whole stack on embedded defaults (or on TEMPORAL_ADDRESS /
 * DATABASE_URL), the URLs printed, everything stopped cleanly on Ctrl-C.
 * Failures a user can fix end with one line saying what to do.
 */
import path from 'node:path';
import { config as loadDotenv } from 'dotenv';
import { ConfigError, loadConfig } from './config';
import { DataDirInUseError } from './data-lock';
import { createLogger } from './logger';
import { PortInUseError } from './ports';
import { startStack } from './stack';
import { TemporalBinaryNotFoundError } from './temporal-binary';
import { ensureUiBuilt } from './ui-build';
import { VERSION } from './version';

function fail(message: string, code = 1): never {
  process.stderr.write(`whoosh: ${message}\n`);
  process.exit(code);
}

async function main(): Promise<void> {
  loadDotenv({ quiet: true });
  let loaded;
  try {
    loaded = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) fail(err.message, 2);
    throw err;
  }
  const { config } = loaded;
  const logger = createLogger(config.log_level);
  if (loaded.ignoredKeys.length > 0) logger.warn({ keys: loaded.ignoredKeys }, 'ignoring unknown top-level config keys');
  const say = (line: string): void => void process.stdout.write(`${line}\n`);

  await ensureUiBuilt(say).catch((err: unknown) => logger.warn({ err }, 'dashboard build failed; the API still serves /api'));
  const startedAt = performance.now();
  const stack = await startStack({ config, logger });
  const seconds = ((performance.now() - startedAt) / 1000).toFixed(1);

  say('');
  say(`WHOOSH ${VERSION} is ready (${seconds}s)`);
  say(`  Dashboard        ${stack.apiUrl}/`);
  say(`  API docs         ${stack.apiUrl}/api/docs`);
  say(`  Temporal Web UI  ${stack.temporalUiUrl ?? '(external Temporal; set WHOOSH_TEMPORAL_UI_URL to link it)'}`);
  say(`  Temporal         ${stack.temporalAddress}${stack.embedded.temporal ? ' (embedded dev server)' : ''}`);
  say(`  Postgres         ${stack.embedded.postgres ? `embedded, data in ${path.join(config.data_dir, 'postgres')}` : 'DATABASE_URL'}`);
  if (stack.adminToken.source === 'generated') {
    say('');
    say(`  Admin token (shown once, saved to ${stack.adminToken.file}):`);
    say(`    ${stack.adminToken.token}`);
  } else if (stack.adminToken.source === 'file') {
    say(`  Admin token      in ${stack.adminToken.file}`);
  }
  say('');
  say('Press Ctrl-C to stop.');

  // A terminal's Ctrl-C reaches every process of the group: npm and tsx pass it on too, so one
  // press can arrive two or three times within milliseconds. Only a press well after the first forces.
  let stoppingSince: number | undefined;
  const shutdown = (signal: string): void => {
    if (stoppingSince !== undefined) {
      if (Date.now() - stoppingSince < 2000) return;
      say('forced exit');
      process.exit(130);
    }
    stoppingSince = Date.now();
    say(`\n${signal}: stopping WHOOSH ...`);
    stack.stop().then(
      () => {
        say('stopped.');
        process.exit(0);
      },
      (err: unknown) => fail(`error while stopping: ${err instanceof Error ? err.message : String(err)}`),
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}

main().catch((err: unknown) => {
  if (err instanceof PortInUseError || err instanceof TemporalBinaryNotFoundError || err instanceof ConfigError || err instanceof DataDirInUseError) fail(err.message);
  const message = err instanceof Error ? err.message.split('\n')[0] : String(err);
  if (process.env.WHOOSH_LOG_LEVEL === 'debug' && err instanceof Error) process.stderr.write(`${err.stack}\n`);
  fail(`could not start: ${message} (set WHOOSH_LOG_LEVEL=debug for details)`);
});
