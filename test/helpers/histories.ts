/**
 * Recorded workflow histories for replay tests. Tests call `recordHistory` on
 * the executions worth keeping; with WHOOSH_RECORD_HISTORIES=1 the histories
 * are written to test/fixtures/histories (commit them when a workflow's
 * command sequence changes on purpose, behind `patched()` for running ones).
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { WorkflowHandle } from '@temporalio/client';

export const HISTORIES_DIR = path.join(__dirname, '..', 'fixtures', 'histories');

export async function recordHistory(name: string, handle: WorkflowHandle): Promise<void> {
  if (process.env.WHOOSH_RECORD_HISTORIES !== '1') return;
  const history = await handle.fetchHistory();
  writeFileSync(path.join(HISTORIES_DIR, `${name}.json`), JSON.stringify(history, null, 1));
}
