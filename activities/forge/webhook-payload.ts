/**
 * Gitea's and GitHub's webhook requests, read: which forge event a delivery
 * is, and its payload normalised into an IssueEvent. Signatures are checked
 * over the raw bytes before any of this runs.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { IssueEvent } from '../../domain/intake/route-event';
import type { ForgeKind } from './forge';

export interface DeliveryHeaders {
  readonly event: string | undefined;
  readonly deliveryId: string | undefined;
  readonly signature: string | undefined;
}

const header = (h: IncomingHttpHeaders, name: string): string | undefined => {
  const v = h[name];
  return Array.isArray(v) ? v[0] : v;
};

export function deliveryHeaders(kind: ForgeKind, h: IncomingHttpHeaders): DeliveryHeaders {
  if (kind === 'gitea') {
    return {
      event: header(h, 'x-gitea-event') ?? header(h, 'x-gogs-event'),
      deliveryId: header(h, 'x-gitea-delivery') ?? header(h, 'x-gogs-delivery'),
      signature: header(h, 'x-gitea-signature'),
    };
  }
  const sig = header(h, 'x-hub-signature-256');
  return {
    event: header(h, 'x-github-event'),
    deliveryId: header(h, 'x-github-delivery'),
    signature: sig?.startsWith('sha256=') ? sig.slice('sha256='.length) : sig === undefined ? undefined : '',
  };
}

/** Constant-time check of a hex HMAC-SHA256 of the raw body. */
export function verifySignature(raw: Buffer, secret: string, signatureHex: string): boolean {
  if (!/^[0-9a-f]{64}$/i.test(signatureHex)) return false;
  const expected = createHmac('sha256', secret).update(raw).digest();
  return timingSafeEqual(expected, Buffer.from(signatureHex, 'hex'));
}

interface RawUser {
  login?: string;
  username?: string;
}
interface RawIssue {
  number?: number;
  title?: string;
  state?: string;
  labels?: { name?: string }[] | null;
  user?: RawUser | null;
  html_url?: string;
  pull_request?: unknown;
}
interface RawPayload {
  action?: string;
  issue?: RawIssue;
  comment?: { id?: number; body?: string; user?: RawUser | null };
  repository?: { name?: string; full_name?: string; owner?: RawUser | null };
  sender?: RawUser | null;
  is_pull?: boolean;
}

const login = (u: RawUser | null | undefined): string => u?.login ?? u?.username ?? '';

/** `owner/name` of the repository a payload is about, or undefined. */
export function repositoryOf(payload: unknown): { owner: string; name: string } | undefined {
  const repo = (payload as RawPayload | null)?.repository;
  const owner = login(repo?.owner) || repo?.full_name?.split('/')[0];
  const name = repo?.name ?? repo?.full_name?.split('/')[1];
  return owner && name ? { owner, name } : undefined;
}

/** Issue and issue-comment events as IssueEvents; anything else undefined (acknowledged and ignored). */
export function toIssueEvent(event: string | undefined, payload: unknown): IssueEvent | undefined {
  const p = payload as RawPayload;
  if ((event !== 'issues' && event !== 'issue_comment') || !p.issue || typeof p.issue.number !== 'number') return undefined;
  const repo = repositoryOf(p);
  if (!repo) return undefined;
  const issue = p.issue;
  return {
    kind: event === 'issues' ? 'issue' : 'comment',
    action: p.action ?? '',
    repo,
    issue: {
      number: issue.number!,
      title: issue.title ?? '',
      state: issue.state === 'closed' ? 'closed' : 'open',
      labels: (issue.labels ?? []).map((l) => l.name ?? '').filter((n) => n !== ''),
      author: login(issue.user),
      url: issue.html_url ?? '',
      isPullRequest: (issue.pull_request !== undefined && issue.pull_request !== null) || p.is_pull === true,
    },
    sender: login(p.sender),
    ...(event === 'issue_comment' && p.comment
      ? { comment: { id: p.comment.id ?? 0, body: p.comment.body ?? '', author: login(p.comment.user) } }
      : {}),
  };
}
