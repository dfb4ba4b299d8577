/**
 * The stored side of a Wait node on webhook: the call that resumes it (or
 * the limit that passed) is one row of pipeline_resumes for the waiting
 * step, and the first one wins, so an acknowledged call is never lost and a
 * second call finds the run no longer waiting.
 */
import type { Pool, PoolClient } from 'pg';
import type { ResumeResult, Step, WaitWebhook } from '../../domain/pipeline/types';
import { getExecution, getResume, getStepDescriptor } from './pipeline-store';

type Queryable = Pool | PoolClient;

type Resume = Extract<ResumeResult, { kind: 'waited' | 'webhookResumed' }>;

/** Stores what resumes step `seq`; false when something resumed it already. */
export async function claimWaitResume(db: Queryable, executionId: string, seq: number, result: Resume): Promise<boolean> {
  const r = await db.query(`INSERT INTO pipeline_resumes (execution_id, seq, result) VALUES ($1, $2, $3) ON CONFLICT (execution_id, seq) DO NOTHING`, [executionId, seq, JSON.stringify(result)]);
  return (r.rowCount ?? 0) > 0;
}

/** How step `seq` resumes: the stored call, or else (the limit passed) the timer, which is stored first so a later call is refused. */
export async function waitResumeOf(db: Queryable, executionId: string, seq: number, node: string): Promise<Resume> {
  await claimWaitResume(db, executionId, seq, { kind: 'waited', node });
  return (await getResume<Resume>(db, executionId, seq))!;
}

export async function waitResumeStored(db: Queryable, executionId: string, seq: number): Promise<boolean> {
  return (await getResume<Resume>(db, executionId, seq)) !== undefined;
}

export type WaitingWebhook =
  | { readonly kind: 'waiting'; readonly seq: number; readonly node: string; readonly workflowId: string; readonly webhook: WaitWebhook }
  | { readonly kind: 'notWaiting' }
  | { readonly kind: 'unknown' };

/** The Wait on webhook run `executionId` stands at, if it stands at one that nothing resumed yet. */
export async function findWaitingWebhook(db: Queryable, executionId: string): Promise<WaitingWebhook> {
  const row = await getExecution(db, executionId);
  if (!row) return { kind: 'unknown' };
  if (row.status !== 'waiting') return { kind: 'notWaiting' };
  const info = await getStepDescriptor<{ step: Step }>(db, executionId, row.currentSeq);
  if (info?.step.kind !== 'webhookWait' || (await waitResumeStored(db, executionId, row.currentSeq))) return { kind: 'notWaiting' };
  return { kind: 'waiting', seq: row.currentSeq, node: info.step.node, workflowId: row.workflowId, webhook: info.step.webhook };
}
