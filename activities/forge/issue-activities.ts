/**
 * What workflows do on an issue, whichever workflow it is: read it, comment
 * on it once, show one status label, and open an issue once. Each is safe to
 * repeat — Temporal repeats activities after crashes and timeouts — because
 * what they write carries a hidden marker that they look for first. Only a
 * body written by WHOOSH's own forge account (the token's user, asked once)
 * and ending with the exact marker counts: anyone can post a marker's text.
 */
import { createHash } from 'node:crypto';
import type { Pool } from 'pg';
import { endsWithMarker } from '../../domain/markers';
import { WHOOSH_STATUS_LABEL_SPECS, WHOOSH_STATUS_LABELS } from '../../domain/status-labels';
import type { WhooshConfig } from '../../infra/config';
import { getRepository } from '../intake/repository-store';
import { ForgeError, type Forge, type ForgeIssue, type ForgeLabelSpec } from './index';
import { repositoryForge, type ForgeSecurity } from './repository-forge';
import { nonRetryableFailure } from '../../domain/failures';

export interface TaskDetails {
  readonly title: string;
  readonly body: string;
  readonly labels: string[];
  readonly url: string;
  readonly state: 'open' | 'closed';
}

/** Forge failures that retrying cannot fix end the activity at once. */
export function forgeFailure(err: unknown): unknown {
  if (err instanceof ForgeError && !err.retryable) {
    return nonRetryableFailure('ForgeRejected', err.message, [{ status: err.status }]);
  }
  return err;
}

export async function forgeFor(pool: Pool, repositoryId: number, security?: ForgeSecurity): Promise<Forge> {
  const repo = await getRepository(pool, repositoryId);
  if (!repo) throw nonRetryableFailure('RepositoryNotFound', `repository ${repositoryId} is not registered`);
  return repositoryForge(repo, security);
}

/** Logins by forge and token digest: the account a token acts as does not change. */
const accounts = new Map<string, Promise<string>>();

/** The login WHOOSH's token acts as on this forge, asked once per process. */
export function ownAccount(forge: Forge): Promise<string> {
  const key = `${forge.ref.kind} ${forge.ref.baseUrl} ${createHash('sha256').update(forge.ref.token ?? '').digest('hex')}`;
  let login = accounts.get(key);
  if (!login) {
    login = forge.whoami();
    accounts.set(key, login);
    // A failed look-up is asked again next time.
    login.catch(() => accounts.delete(key));
  }
  return login;
}

const sameLogin = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase();

/** Posts `body` on issue `number` unless WHOOSH posted a comment ending with `marker` there already. */
export async function commentOnce(forge: Forge, number: number, marker: string, body: string): Promise<{ commentId: number; posted: boolean }> {
  const me = await ownAccount(forge);
  const existing = (await forge.listComments(number)).find((c) => sameLogin(c.author, me) && endsWithMarker(c.body, marker));
  if (existing) return { commentId: existing.id, posted: false };
  const comment = await forge.comment(number, endsWithMarker(body, marker) ? body : `${body.trimEnd()}\n\n${marker}`);
  return { commentId: comment.id, posted: true };
}

/**
 * The issue WHOOSH opened whose body ends with `marker`, open or closed, among
 * the issues updated since `since` (an issue WHOOSH opened at some time was
 * updated at or after it, so a lower bound keeps the listing short on a busy
 * repository).
 */
export async function findIssueWithMarker(forge: Forge, marker: string, since?: string): Promise<ForgeIssue | undefined> {
  const me = await ownAccount(forge);
  const issues = await forge.listIssues({ state: 'all', ...(since !== undefined ? { since } : {}) });
  return issues.filter((i) => sameLogin(i.author, me) && endsWithMarker(i.body, marker)).sort((a, b) => a.number - b.number)[0];
}

export interface EnsureIssueInput {
  readonly repositoryId: number;
  /** Hidden marker the body carries; the issue's identity across retries. */
  readonly marker: string;
  readonly title: string;
  readonly body: string;
  /** Created on the repository when missing (with `labelSpecs`' colors where given). */
  readonly labels: string[];
  readonly labelSpecs?: ForgeLabelSpec[];
  /** Lower bound for the search of an existing issue (ISO time). */
  readonly since?: string;
}

export function createIssueActivities(pool: Pool, config?: WhooshConfig) {
  const security = config?.security;
  return {
    async loadTask(input: { repositoryId: number; number: number }): Promise<TaskDetails> {
      try {
        const issue = await (await forgeFor(pool, input.repositoryId, security)).getIssue(input.number);
        return { title: issue.title, body: issue.body, labels: issue.labels, url: issue.url, state: issue.state };
      } catch (err) {
        throw forgeFailure(err);
      }
    },

    /**
     * Posts `body` on the issue unless a comment carrying `marker` is there
     * already (an earlier attempt posted it and then failed to report back).
     */
    async postIssueComment(input: { repositoryId: number; number: number; marker: string; body: string }): Promise<{ commentId: number; posted: boolean }> {
      try {
        return await commentOnce(await forgeFor(pool, input.repositoryId, security), input.number, input.marker, input.body);
      } catch (err) {
        throw forgeFailure(err);
      }
    },

    /** Puts one status label on the issue, taking WHOOSH's other status labels off. */
    async setIssueStatusLabel(input: { repositoryId: number; number: number; label: string }): Promise<void> {
      try {
        const forge = await forgeFor(pool, input.repositoryId, security);
        const issue = await forge.getIssue(input.number);
        const has = (name: string): boolean => issue.labels.some((l) => l.toLowerCase() === name.toLowerCase());
        for (const other of WHOOSH_STATUS_LABELS) if (other !== input.label && has(other)) await forge.removeLabel(input.number, other);
        if (has(input.label)) return;
        const spec = WHOOSH_STATUS_LABEL_SPECS.find((s) => s.name === input.label) ?? { name: input.label, color: 'ededed' };
        await forge.ensureLabels([spec]);
        await forge.addLabels(input.number, [input.label]);
      } catch (err) {
        throw forgeFailure(err);
      }
    },

    /**
     * Opens an issue unless one carrying `marker` exists (an earlier attempt,
     * or an earlier approval, opened it): a retry never opens a second.
     */
    async ensureIssue(input: EnsureIssueInput): Promise<{ number: number; url: string; created: boolean }> {
      try {
        const forge = await forgeFor(pool, input.repositoryId, security);
        const existing = await findIssueWithMarker(forge, input.marker, input.since);
        if (existing) return { number: existing.number, url: existing.url, created: false };
        if (input.labels.length > 0) {
          await forge.ensureLabels(input.labels.map((name) => input.labelSpecs?.find((s) => s.name === name) ?? { name, color: 'ededed' }));
        }
        const body = endsWithMarker(input.body, input.marker) ? input.body : `${input.body.trimEnd()}\n\n${input.marker}`;
        const issue = await forge.createIssue({ title: input.title, body, labels: input.labels });
        return { number: issue.number, url: issue.url, created: true };
      } catch (err) {
        throw forgeFailure(err);
      }
    },
  };
}

export type IssueActivities = ReturnType<typeof createIssueActivities>;
