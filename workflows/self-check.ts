/**
 * The system self-check: writes a row to Postgres through an activity, waits
 * (an optional durable timer, which also lets tests stop the stack mid-run),
 * reads the row back, and reports what it verified.
 */
import { proxyActivities, sleep, uuid4, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities';
import { DATABASE } from './activity-profiles';

const { recordSystemCheck, readSystemCheck } = proxyActivities<Activities>(DATABASE);

export interface SelfCheckInput {
  readonly note?: string;
  /** Durable pause between the write and the read, in milliseconds. */
  readonly delayMs?: number;
}

export interface SelfCheckResult {
  readonly ok: boolean;
  readonly checkId: string;
  readonly verified: string[];
  readonly postgresVersion: string;
  readonly taskQueue: string;
  readonly startedAt: string;
  readonly finishedAt: string;
}

export async function selfCheck(input: SelfCheckInput = {}): Promise<SelfCheckResult> {
  const info = workflowInfo();
  const startedAt = new Date().toISOString();
  const checkId = uuid4();
  const note = input.note ?? `self-check ${info.workflowId}`;
  const { postgresVersion } = await recordSystemCheck({ id: checkId, note });
  if (input.delayMs !== undefined && input.delayMs > 0) await sleep(input.delayMs);
  const record = await readSystemCheck(checkId);
  const readBack = record.note === note && record.workflowId === info.workflowId;
  return {
    ok: readBack,
    checkId,
    verified: [
      'workflow started through the Temporal client',
      `activity ran on task queue ${info.taskQueue}`,
      `wrote a row to Postgres ${postgresVersion}`,
      readBack ? 'read the same row back' : 'row read back did NOT match what was written',
    ],
    postgresVersion,
    taskQueue: info.taskQueue,
    startedAt,
    finishedAt: new Date().toISOString(),
  };
}
