/**
 * The whoosh.forge node's side effect: its operations on a monitored
 * repository through WHOOSH's forge adapters. Writes are found again by their
 * marker (a retried activity does not comment or open an issue twice); a
 * forge refusal is that item's failure, a forge that cannot be reached fails
 * the activity.
 */
import type { Pool } from 'pg';
import { nonRetryableFailure } from '../../domain/failures';
import type { ForgeNodeActivity, ForgeNodeOperation, ForgeNodeResult, JsonObject } from '../../domain/pipeline/types';
import type { WhooshConfig } from '../../infra/config';
import { CredentialNotFound, openCredential } from '../credentials/credential-store';
import { ForgeError, type Forge, type ForgeIssue } from '../forge';
import { commentOnce, findIssueWithMarker } from '../forge/issue-activities';
import { repositoryForge } from '../forge/repository-forge';
import { repositoryNamed } from '../intake/repository-store';

const issueJson = (i: ForgeIssue): JsonObject => ({ ...i, labels: [...i.labels] });

async function perform(forge: Forge, op: ForgeNodeOperation): Promise<JsonObject> {
  switch (op.op) {
    case 'getIssue':
      return issueJson(await forge.getIssue(op.number));
    case 'closeIssue':
      return issueJson(await forge.editIssue(op.number, { state: 'closed' }));
    case 'editIssue': {
      const { op: _op, number, ...changes } = op;
      return issueJson(await forge.editIssue(number, changes));
    }
    case 'createIssue': {
      const existing = await findIssueWithMarker(forge, op.marker);
      if (existing) return { ...issueJson(existing), created: false };
      return { ...issueJson(await forge.createIssue({ title: op.title, body: `${op.body.trimEnd()}\n\n${op.marker}`, labels: op.labels })), created: true };
    }
    case 'comment': {
      const r = await commentOnce(forge, op.number, op.marker, op.body);
      return { issueNumber: op.number, commentId: r.commentId, posted: r.posted };
    }
    case 'addLabels':
      await forge.addLabels(op.number, op.labels);
      return issueJson(await forge.getIssue(op.number));
    case 'removeLabels':
      for (const l of op.labels) await forge.removeLabel(op.number, l);
      return issueJson(await forge.getIssue(op.number));
    case 'getPullRequestDiff':
      return { pullRequest: op.number, diff: await forge.getPullRequestDiff(op.number) };
    case 'reviewPullRequest':
      return { pullRequest: op.number, reviewId: (await forge.reviewPullRequest(op.number, { body: op.body, event: op.event })).id, event: op.event };
  }
}

export async function runForgeNode(pool: Pool, request: ForgeNodeActivity, deps: { config?: WhooshConfig; credentialKey?: () => Buffer }): Promise<ForgeNodeResult> {
  const { owner, name } = request.repository;
  const repo = await repositoryNamed(pool, owner, name);
  if (!repo) throw nonRetryableFailure('RepositoryNotFound', `${owner}/${name} is not a monitored repository`);
  let token: string | undefined;
  if (request.credential) {
    if (!deps.credentialKey) throw nonRetryableFailure('Misconfigured', 'this worker has no credentials key');
    try {
      token = (await openCredential(pool, deps.credentialKey(), { ...request.credential, type: 'forgeToken' })).token;
    } catch (err) {
      if (err instanceof CredentialNotFound) throw nonRetryableFailure('CredentialNotFound', err.message);
      throw err;
    }
  }
  const forge = repositoryForge(repo, deps.config?.security, token !== undefined ? { token } : {});
  const results: ForgeNodeResult['results'] = [];
  for (const op of request.operations) {
    try {
      results.push({ ok: true, json: await perform(forge, op) });
    } catch (err) {
      if (err instanceof ForgeError && !err.retryable) results.push({ ok: false, message: err.message });
      else throw err;
    }
  }
  return { results };
}
