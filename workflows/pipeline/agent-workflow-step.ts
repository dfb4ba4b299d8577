/**
 * The agentWorkflow step of a pipeline run (whoosh.team, whoosh.council): a
 * team formation or council kickoff per issue, as a child workflow under the
 * intake's id and search attributes; its result (or why it failed) is that
 * item's outcome.
 */
import { executeChild, isCancellation, proxyActivities } from '@temporalio/workflow';
import type { AgentWorkflowActivities } from '../../activities/pipeline/agent-workflow-activities';
import type { WhooshStepDescriptor } from '../../activities/pipeline/whoosh-steps';
import { WORKFLOW_TYPES } from '../../domain/intake/route-event';
import { failureMessage } from '../../domain/failures';
import type { AgentWorkflowResult, JsonObject } from '../../domain/pipeline/types';
import { WHOOSH_ISSUE, WHOOSH_KIND, WHOOSH_REPOSITORY } from '../../domain/search-attributes';
import { FORGE } from '../activity-profiles';

const { pipelineIntakeInput } = proxyActivities<AgentWorkflowActivities>(FORGE);

export async function runAgentWorkflowStep(step: Extract<WhooshStepDescriptor, { kind: 'agentWorkflow' }>): Promise<AgentWorkflowResult> {
  const outcomes = await Promise.all(
    step.issues.map(async (issue): Promise<AgentWorkflowResult['outcomes'][number]> => {
      let workflowId = `${step.workflow}:${issue.owner}/${issue.name}#${issue.number}`;
      try {
        const prepared = await pipelineIntakeInput({ issue, workflow: step.workflow });
        workflowId = prepared.workflowId;
        const result = await executeChild(WORKFLOW_TYPES[step.workflow], {
          workflowId,
          args: [prepared.input],
          typedSearchAttributes: [
            { key: WHOOSH_KIND, value: step.workflow },
            { key: WHOOSH_REPOSITORY, value: `${prepared.input.issue.owner}/${prepared.input.issue.name}` },
            { key: WHOOSH_ISSUE, value: issue.number },
          ],
        });
        return { ok: true, workflowId, result: JSON.parse(JSON.stringify(result ?? {})) as JsonObject };
      } catch (err) {
        if (isCancellation(err)) throw err;
        return { ok: false, workflowId, message: failureMessage(err) };
      }
    }),
  );
  return { outcomes };
}
