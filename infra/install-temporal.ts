/**
 * `npm install` step (postinstall): makes sure the Temporal CLI for the
 * embedded dev server is present. Skipped when TEMPORAL_ADDRESS points at an
 * existing server or WHOOSH_SKIP_TEMPORAL_INSTALL=1. Never fails the install:
 * `npm start` reports a missing binary with the ways to fix it.
 */
import { installTemporal, temporalVersion } from './temporal-binary';

async function main(): Promise<void> {
  if (process.env.TEMPORAL_ADDRESS || process.env.WHOOSH_SKIP_TEMPORAL_INSTALL === '1') {
    console.log('[whoosh] external Temporal configured; not installing the Temporal CLI');
    return;
  }
  try {
    const bin = await installTemporal((line) => console.log(`[whoosh] ${line}`));
    console.log(`[whoosh] Temporal CLI (${bin.source}): ${bin.path} — ${temporalVersion(bin.path).split('\n')[0]}`);
  } catch (err) {
    console.warn(`[whoosh] warning: ${err instanceof Error ? err.message : String(err)}`);
  }
}

void main();
