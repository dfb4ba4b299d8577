#!/usr/bin/env node
// Launcher for `npx whoosh`: runs cli/main.ts through tsx (no build step), with the caller's arguments, stdio and exit code.
// tsx is resolved from this package, not from the caller's folder, so `whoosh` works from anywhere.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const main = fileURLToPath(new URL('../cli/main.ts', import.meta.url));
const tsx = import.meta.resolve('tsx');
const result = spawnSync(process.execPath, ['--import', tsx, main, ...process.argv.slice(2)], { stdio: 'inherit' });
if (result.error) {
  process.stderr.write(`whoosh: ${result.error.message}\n`);
  process.exit(1);
}
process.exit(result.status ?? 1);
