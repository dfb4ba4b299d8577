/**
 * The workflow bundle, built by a child process. Webpack takes some 200 MB
 * while it bundles, which a long-running worker would keep resident; and the
 * caches it leaves in the worker's heap swell the live set V8 sizes that heap
 * by, so every later burst of work (a pipeline carrying 10,000 items) grew
 * the worker further. The child writes the bundle to a temporary file and exits.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

// Plain JavaScript for `node -e`: argv is [node, worker package, workflows path, output file].
const BUNDLE_SCRIPT = `
const [, workerPackage, workflowsPath, out] = process.argv;
const quiet = () => undefined;
const logger = { log: quiet, trace: quiet, debug: quiet, info: quiet, warn: console.error, error: console.error };
require(workerPackage)
  .bundleWorkflowCode({ workflowsPath, logger })
  .then((bundle) => require('node:fs').writeFileSync(out, bundle.code))
  .catch((err) => { console.error(err && err.stack ? err.stack : String(err)); process.exit(1); });
`;

export async function bundleInChildProcess(workflowsPath: string): Promise<{ code: string }> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'whoosh-workflows-'));
  const out = path.join(dir, 'workflow-bundle.js');
  try {
    await promisify(execFile)(process.execPath, ['-e', BUNDLE_SCRIPT, require.resolve('@temporalio/worker'), workflowsPath, out], { maxBuffer: 16 * 1024 * 1024 }).catch((err: { stderr?: string; message: string }) => {
      throw new Error(`bundling the workflows failed: ${err.stderr?.trim() || err.message}`);
    });
    return { code: readFileSync(out, 'utf8') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
