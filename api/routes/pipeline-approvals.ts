/**
 * A person's decision on a pipeline run waiting at an Approval node
 * (whoosh.approval): the run's approvePipelineStep update, by the caller.
 */
import { WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import { z } from 'zod';
import { getExecution } from '../../activities/pipeline/pipeline-store';
import { failureMessage } from '../../domain/failures';
import { approvePipelineStepUpdate } from '../../workflows/pipeline/definitions';
import type { ApiContext } from '../context';
import { HttpError } from '../errors';
import { route } from '../route';

const params = z.object({ id: z.string().uuid('must be an execution id (a UUID)') });

const body = z
  .object({
    decision: z.enum(['approve', 'reject']),
    comment: z.string().max(10_000).optional(),
    node: z.string().min(1).max(500).optional().describe('The Approval node meant; default: the one the run waits at'),
  })
  .strict();

const ack = z.object({ executionId: z.string(), node: z.string(), decision: z.enum(['approve', 'reject']), by: z.string() });

export function pipelineApprovalRoutes(ctx: ApiContext) {
  return [
    route({
      method: 'post',
      path: '/api/v1/pipelines/executions/:id/approve',
      summary: 'Approve or reject the Approval node a pipeline run waits at; the run goes on by its approved or rejected output',
      tag: 'pipelines',
      auth: 'operator',
      params,
      body,
      responses: {
        200: { description: 'The decision was taken', schema: ack },
        404: { description: 'No such run' },
        409: { description: 'The run does not wait for an approval (or not at this node)' },
      },
      handler: async ({ params: p, body: b, principal }) => {
        const execution = await getExecution(ctx.pool, p.id);
        if (!execution) throw new HttpError(404, 'not_found', `No pipeline execution ${p.id}`);
        const by = principal!.name;
        try {
          const r = await ctx.temporal.workflow
            .getHandle(execution.workflowId)
            .executeUpdate(approvePipelineStepUpdate, { args: [{ decision: b.decision, by, ...(b.comment ? { comment: b.comment } : {}), ...(b.node ? { node: b.node } : {}) }] });
          return { status: 200, body: { executionId: p.id, node: r.node, decision: r.decision, by } };
        } catch (err) {
          if (err instanceof WorkflowUpdateFailedError) throw new HttpError(409, 'conflict', failureMessage(err));
          if (err instanceof WorkflowNotFoundError) throw new HttpError(409, 'conflict', `The run ${p.id} is no longer running`);
          throw err;
        }
      },
    }),
  ];
}
