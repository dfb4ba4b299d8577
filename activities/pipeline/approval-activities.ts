/**
 * The forge side of the approval node: the request and reminder comments on
 * the linked issue (each once, by marker), and reading the issue's comments
 * for the first /approve or /reject by a permitted person.
 */
import type { Pool } from 'pg';
import { nonRetryableFailure } from '../../domain/failures';
import { parseApprovalCommand } from '../../domain/pipeline/nodes/whoosh-approval';
import type { IssueRef } from '../../domain/pipeline/types';
import type { WhooshConfig } from '../../infra/config';
import type { Forge } from '../forge';
import { commentOnce, forgeFailure, ownAccount } from '../forge/issue-activities';
import { repositoryForge } from '../forge/repository-forge';
import { repositoryNamed } from '../intake/repository-store';

/** The forge of a monitored repository named owner/name, with its stored token. */
export async function forgeOfRepository(pool: Pool, owner: string, name: string, config?: WhooshConfig): Promise<Forge> {
  const repo = await repositoryNamed(pool, owner, name);
  if (!repo) throw nonRetryableFailure('RepositoryNotFound', `${owner}/${name} is not a monitored repository`);
  return repositoryForge(repo, config?.security);
}

export interface ApprovalFound {
  readonly decision?: { readonly decision: 'approve' | 'reject'; readonly by: string; readonly comment: string };
  /** The newest comment read: the next look starts after it. */
  readonly lastCommentId: number;
}

export function createApprovalActivities(pool: Pool, config?: WhooshConfig) {
  return {
    async postApprovalComment(input: { issue: IssueRef; marker: string; body: string }): Promise<void> {
      try {
        const forge = await forgeOfRepository(pool, input.issue.owner, input.issue.name, config);
        await commentOnce(forge, input.issue.number, input.marker, input.body);
      } catch (err) {
        throw forgeFailure(err);
      }
    },

    async findApprovalComment(input: { issue: IssueRef; afterCommentId: number; approvers?: string[] }): Promise<ApprovalFound> {
      try {
        const forge = await forgeOfRepository(pool, input.issue.owner, input.issue.name, config);
        const me = (await ownAccount(forge)).toLowerCase();
        const comments = (await forge.listComments(input.issue.number)).filter((c) => c.id > input.afterCommentId).sort((a, b) => a.id - b.id);
        // Without a list of approvers, the issue's author decides.
        const allowed = input.approvers?.length ? input.approvers.map((a) => a.toLowerCase()) : [(await forge.getIssue(input.issue.number)).author.toLowerCase()];
        let last = input.afterCommentId;
        for (const c of comments) {
          last = c.id;
          const parsed = parseApprovalCommand(c.body);
          if (!parsed || c.author.toLowerCase() === me || !allowed.includes(c.author.toLowerCase())) continue;
          return { decision: { decision: parsed.decision, by: c.author, comment: parsed.comment }, lastCommentId: c.id };
        }
        return { lastCommentId: last };
      } catch (err) {
        throw forgeFailure(err);
      }
    },
  };
}

export type ApprovalActivities = ReturnType<typeof createApprovalActivities>;
