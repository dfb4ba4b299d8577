/**
 * Starts and reads system self-check workflows through the Temporal client.
 */
import { randomUUID } from 'node:crypto';
import { WorkflowNotFoundError, type WorkflowExecutionStatusName } from '@temporalio/client';
import { TypedSearchAttributes } from '@temporalio/common';
import { failureMessage } from '../../domain/failures';
import type { SelfCheckResult } from '../../workflows/self-check';
import type { WhooshKind } from '../../domain/kinds';
import { WHOOSH_KIND } from '../../domain/search-attributes';
import type { ApiContext } from '../context';
import { HttpError } from '../errors';
import { temporalUiLink } from './temporal-links';

export interface SelfCheckView {
  readonly workflowId: string;
  readonly runId: string;
  readonly status: WorkflowExecutionStatusName;
  readonly result?: SelfCheckResult;
  readonly failure?: string;
  readonly temporalUiUrl?: string;
}

export async function startSelfCheck(
  ctx: ApiContext,
  input: { note?: string; delaySeconds?: number; waitSeconds: number },
): Promise<SelfCheckView> {
  const workflowId = `self-check:${randomUUID()}`;
  const handle = await ctx.temporal.workflow.start('selfCheck', {
    workflowId,
    taskQueue: ctx.config.temporal.task_queue,
    args: [{ note: input.note, delayMs: (input.delaySeconds ?? 0) * 1000 }],
    typedSearchAttributes: new TypedSearchAttributes([{ key: WHOOSH_KIND, value: 'system-check' satisfies WhooshKind }]),
    workflowExecutionTimeout: '1h',
  });
  const runId = handle.firstExecutionRunId;
  const link = temporalUiLink(ctx, workflowId, runId);
  if (input.waitSeconds > 0) {
    const timeout = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), input.waitSeconds * 1000).unref());
    const outcome = await Promise.race([handle.result() as Promise<SelfCheckResult>, timeout]).catch((err: unknown) => err);
    if (outcome !== 'timeout') {
      if (outcome instanceof Error) return { workflowId, runId, status: 'FAILED', failure: failureMessage(outcome), temporalUiUrl: link };
      return { workflowId, runId, status: 'COMPLETED', result: outcome as SelfCheckResult, temporalUiUrl: link };
    }
  }
  return { workflowId, runId, status: 'RUNNING', temporalUiUrl: link };
}

export async function getSelfCheck(ctx: ApiContext, workflowId: string): Promise<SelfCheckView> {
  if (!workflowId.startsWith('self-check:')) throw new HttpError(404, 'not_found', 'No such self-check');
  const handle = ctx.temporal.workflow.getHandle(workflowId);
  try {
    const description = await handle.describe();
    const status = description.status.name;
    const base = { workflowId, runId: description.runId, status, temporalUiUrl: temporalUiLink(ctx, workflowId, description.runId) };
    if (status === 'COMPLETED') return { ...base, result: (await handle.result()) as SelfCheckResult };
    if (status === 'FAILED') {
      const failure = await handle.result().then(
        () => undefined,
        (err: unknown) => failureMessage(err),
      );
      return { ...base, failure };
    }
    return base;
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) throw new HttpError(404, 'not_found', 'No such self-check');
    throw err;
  }
}
