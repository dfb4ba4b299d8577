/**
 * The `npm install` step (postinstall): makes sure the Temporal CLI for the
 * embedded dev server is present and builds the dashboard. Never fails the
 * install: `npm start` reports a missing binary with the ways to fix it, and
 * builds the dashboard itself if it is missing.
 *
 * WHOOSH_SKIP_TEMPORAL_INSTALL=1 (or TEMPORAL_ADDRESS) skips the Temporal CLI.
 */
import { ensureUiBuilt } from './ui-build';
import { installTemporal, temporalVersion } from './temporal-binary';

const say = (line: string): void => console.log(`[whoosh] ${line}`);

async function main(): Promise<void> {
  if (process.env.TEMPORAL_ADDRESS || process.env.WHOOSH_SKIP_TEMPORAL_INSTALL === '1') {
    say('external Temporal configured; not installing the Temporal CLI');
  } else {
    try {
      const bin = await installTemporal(say);
      say(`Temporal CLI (${bin.source}): ${bin.path} — ${temporalVersion(bin.path).split('\n')[0]}`);
    } catch (err) {
      console.warn(`[whoosh] warning: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  try {
    await ensureUiBuilt(say);
  } catch (err) {
    console.warn(`[whoosh] warning: the dashboard did not build (${err instanceof Error ? err.message.split('\n')[0] : String(err)}); run \`npm run build\``);
  }
}

void main();
