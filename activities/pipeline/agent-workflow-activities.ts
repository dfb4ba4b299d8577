/**
 * What a pipeline's team or council node needs before it starts the child:
 * the intake's input for the issue (read from the forge) and the intake's
 * workflow id for it.
 */
import type { Pool } from 'pg';
import { nonRetryableFailure } from '../../domain/failures';
import { workflowIdFor } from '../../domain/intake/route-event';
import type { IssueRef } from '../../domain/pipeline/types';
import type { WhooshConfig } from '../../infra/config';
import type { IntakeInput } from '../../workflows/definitions';
import { forgeFailure } from '../forge/issue-activities';
import { repositoryForge } from '../forge/repository-forge';
import { repositoryNamed } from '../intake/repository-store';

export function createAgentWorkflowActivities(pool: Pool, config?: WhooshConfig) {
  return {
    async pipelineIntakeInput(input: { issue: IssueRef; workflow: 'team' | 'council' }): Promise<{ workflowId: string; input: IntakeInput }> {
      const { owner, name, number } = input.issue;
      const repo = await repositoryNamed(pool, owner, name);
      if (!repo) throw nonRetryableFailure('RepositoryNotFound', `${owner}/${name} is not a monitored repository`);
      try {
        const issue = await repositoryForge(repo, config?.security).getIssue(number);
        return {
          workflowId: workflowIdFor(input.workflow, { owner: repo.owner, name: repo.name }, number),
          input: {
            repositoryId: repo.id,
            forge: repo.kind,
            issue: { owner: repo.owner, name: repo.name, number, title: issue.title, labels: issue.labels, url: issue.url, author: issue.author },
            trigger: 'pipeline',
          },
        };
      } catch (err) {
        throw forgeFailure(err);
      }
    },
  };
}

export type AgentWorkflowActivities = ReturnType<typeof createAgentWorkflowActivities>;
