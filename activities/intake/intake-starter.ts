/**
 * Carries out an intake decision through the Temporal client: start the
 * workflow under its business-key id (a second start of the same id is
 * refused by Temporal and reported as `existing`), or signal the related
 * workflows. Used by the webhook relay and by the repository sync alike.
 */
import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError, type Client } from '@temporalio/client';
import { TypedSearchAttributes } from '@temporalio/common';
import { forgeCommandSignal, issueClosedSignal, type IntakeInput } from '../../workflows/definitions';
import type { Intent } from '../../domain/intake/route-event';
import { WHOOSH_ISSUE, WHOOSH_KIND, WHOOSH_REPOSITORY } from '../../domain/search-attributes';

export type IntentOutcome =
  | { readonly status: 'started' | 'existing'; readonly workflowId: string; readonly outcome: string }
  | { readonly status: 'signalled' | 'no-workflow'; readonly workflowId?: string; readonly outcome: string }
  | { readonly status: 'ignored'; readonly outcome: string };

export interface IntentContext {
  readonly client: Client;
  readonly taskQueue: string;
  readonly repositoryId: number;
  readonly forge: 'gitea' | 'github';
  readonly via: 'webhook' | 'sync';
  readonly deliveryId?: string;
}

async function signalFirst(ctx: IntentContext, ids: string[], send: (id: string) => Promise<void>): Promise<IntentOutcome> {
  const reached: string[] = [];
  for (const id of ids) {
    try {
      await send(id);
      reached.push(id);
    } catch (err) {
      if (!(err instanceof WorkflowNotFoundError)) throw err;
    }
  }
  return reached.length > 0
    ? { status: 'signalled', workflowId: reached[0], outcome: `signalled ${reached.join(', ')}` }
    : { status: 'no-workflow', outcome: `no running workflow among ${ids.join(', ')}` };
}

/** Throws only when Temporal could not be reached (the caller retries). */
export async function carryOut(ctx: IntentContext, intent: Intent): Promise<IntentOutcome> {
  switch (intent.type) {
    case 'ignore':
      return { status: 'ignored', outcome: intent.reason };
    case 'start': {
      const input: IntakeInput = { repositoryId: ctx.repositoryId, forge: ctx.forge, issue: intent.issue, trigger: ctx.via, deliveryId: ctx.deliveryId };
      try {
        await ctx.client.workflow.start(intent.workflowType, {
          workflowId: intent.workflowId,
          taskQueue: ctx.taskQueue,
          args: [input],
          // A finished formation is not started again by a late or replayed event; a failed one may be.
          workflowIdReusePolicy: 'ALLOW_DUPLICATE_FAILED_ONLY',
          typedSearchAttributes: new TypedSearchAttributes([
            { key: WHOOSH_KIND, value: intent.kind },
            { key: WHOOSH_REPOSITORY, value: `${intent.issue.owner}/${intent.issue.name}` },
            { key: WHOOSH_ISSUE, value: intent.issue.number },
          ]),
        });
        return { status: 'started', workflowId: intent.workflowId, outcome: `started ${intent.workflowType}` };
      } catch (err) {
        if (err instanceof WorkflowExecutionAlreadyStartedError) {
          return { status: 'existing', workflowId: intent.workflowId, outcome: 'workflow already exists; nothing started' };
        }
        throw err;
      }
    }
    case 'signal-closed':
      return signalFirst(ctx, intent.workflowIds, (id) => ctx.client.workflow.getHandle(id).signal(issueClosedSignal, { closedBy: intent.closedBy, via: ctx.via }));
    case 'command':
      return signalFirst(ctx, intent.workflowIds, (id) =>
        ctx.client.workflow.getHandle(id).signal(forgeCommandSignal, { command: intent.command, text: intent.text, user: intent.user, commentId: intent.commentId }),
      );
  }
}
