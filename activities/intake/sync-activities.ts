/**
 * The repository sync: lists issues changed since the last sync (or every open
 * issue, on a full rescan) and carries out for each what a webhook would have —
 * same decision, same workflow ids — so an issue seen by both paths reaches one
 * workflow. Each run is logged in `sync_runs`.
 */
import type { Client } from '@temporalio/client';
import { Context } from '@temporalio/activity';
import type { Pool } from 'pg';
import type { WhooshConfig } from '../../infra/config';
import { kindForIssue, routeEvent } from '../../domain/intake/route-event';
import { repositoryForge } from '../forge/repository-forge';
import { carryOut } from './intake-starter';
import { intakeRules } from './intake-rules';
import { getRepository } from './repository-store';
import { nonRetryableFailure } from '../../domain/failures';

export interface SyncResult {
  readonly runId: number;
  readonly mode: 'incremental' | 'full';
  readonly issuesSeen: number;
  readonly workflowsStarted: number;
  readonly signalled: number;
}

/** Overlap with the previous run, against clock skew between WHOOSH and the forge. */
const OVERLAP_MS = 60_000;

export function createSyncActivities(pool: Pool, config: WhooshConfig, client: Client | undefined) {
  const rules = intakeRules(config);
  return {
    async syncRepositoryIssues(input: { repositoryId: number; full: boolean }): Promise<SyncResult> {
      if (!client) throw nonRetryableFailure('Misconfigured', 'sync needs a Temporal client in the worker');
      const repo = await getRepository(pool, input.repositoryId);
      if (!repo) throw nonRetryableFailure('RepositoryNotFound', `repository ${input.repositoryId} is not registered`);
      const mode = input.full || repo.lastSyncedAt === null ? 'full' : 'incremental';
      const since = mode === 'incremental' ? new Date(Date.parse(repo.lastSyncedAt!) - OVERLAP_MS).toISOString() : undefined;
      const startedAt = new Date();
      const { rows } = await pool.query<{ id: string }>('INSERT INTO sync_runs (repository_id, mode, since) VALUES ($1, $2, $3) RETURNING id', [repo.id, mode, since ?? null]);
      const runId = Number(rows[0]!.id);
      let seen = 0;
      let started = 0;
      let signalled = 0;
      try {
        const forge = repositoryForge(repo, config.security);
        const issues = await forge.listIssues({ state: mode === 'full' ? 'open' : 'all', since });
        const ctx = { client, taskQueue: config.temporal.task_queue, repositoryId: repo.id, forge: repo.kind, via: 'sync' as const };
        for (const issue of issues) {
          seen++;
          Context.current().heartbeat({ seen });
          const event = {
            kind: 'issue' as const,
            action: issue.state === 'closed' ? 'closed' : 'opened',
            repo: { owner: repo.owner, name: repo.name },
            issue: { number: issue.number, title: issue.title, state: issue.state, labels: issue.labels, author: issue.author, url: issue.url, isPullRequest: issue.isPullRequest },
            sender: 'whoosh-sync',
          };
          // A closed issue only matters to a workflow that is running for it.
          if (issue.state === 'open' && !kindForIssue(event.issue, rules)) continue;
          const outcome = await carryOut(ctx, routeEvent(event, rules));
          if (outcome.status === 'started') started++;
          if (outcome.status === 'signalled') signalled++;
        }
        await pool.query('UPDATE repositories SET last_synced_at = $2 WHERE id = $1', [repo.id, startedAt]);
        await pool.query('UPDATE sync_runs SET finished_at = now(), issues_seen = $2, workflows_started = $3 WHERE id = $1', [runId, seen, started]);
        return { runId, mode, issuesSeen: seen, workflowsStarted: started, signalled };
      } catch (err) {
        await pool.query('UPDATE sync_runs SET finished_at = now(), issues_seen = $2, workflows_started = $3, error = $4 WHERE id = $1', [
          runId,
          seen,
          started,
          err instanceof Error ? err.message.slice(0, 1000) : String(err),
        ]);
        throw err;
      }
    },
  };
}
