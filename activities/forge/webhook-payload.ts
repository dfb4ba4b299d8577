/**
 * Gitea's and GitHub's webhook requests, read: which forge event a delivery
 * is, and its payload normalised into an IssueEvent. Signatures are checked
 * over the raw bytes before any of this runs.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { z } from 'zod';
import type { IssueEvent } from '../../domain/intake/route-event';
import type { ForgeEvent } from '../../domain/pipeline/nodes/whoosh-forge-trigger';
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

/** Strings Postgres can store and people can read: no NUL, no lone UTF-16 surrogates. */
const STORABLE = /^(?:[^\u0000\ud800-\udfff]|[\ud800-\udbff][\udc00-\udfff])*$/;
const text = (max: number) => z.string().max(max).regex(STORABLE, 'must not hold NUL or lone surrogates');
/** A forge login or repository name part: short, printable, no slash. */
const namePart = z.string().min(1).max(100).regex(/^[^\u0000-\u001f\u007f/\ud800-\udfff]+$/, 'is not a name');

const user = z.object({ login: text(255).optional(), username: text(255).optional() }).nullish();
const repository = z.object({
  name: namePart.optional(),
  full_name: text(201).optional(),
  owner: user,
});

// Postgres int4, like the forges' own.
const issueNumber = z.number().int().min(1).max(2_147_483_647);
const issueFields = {
  number: issueNumber,
  title: text(1024).nullish(),
  state: text(32).nullish(),
  labels: z.array(z.object({ name: text(255).nullish() })).nullish(),
  user,
  html_url: text(2048).nullish(),
};
const branch = z.object({ ref: text(255).nullish(), sha: text(64).nullish() }).nullish();

/** The parts of a Gitea or GitHub issue / issue-comment / pull-request payload WHOOSH reads; anything else in it is ignored. */
export const webhookPayloadSchema = z.object({
  action: text(64).optional(),
  number: issueNumber.optional(),
  issue: z.object({ ...issueFields, pull_request: z.unknown().optional() }).optional(),
  pull_request: z.object({ ...issueFields, merged: z.boolean().nullish(), head: branch, base: branch }).optional(),
  comment: z.object({ id: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional(), body: text(1_000_000).nullish(), user }).optional(),
  repository: repository.optional(),
  sender: user,
  is_pull: z.boolean().optional(),
});
type Payload = z.infer<typeof webhookPayloadSchema>;
type RawUser = z.infer<typeof user>;

const login = (u: RawUser): string => u?.login ?? u?.username ?? '';

/**
 * `owner/name` of the repository a payload says it is about, or undefined
 * when it names none that could be registered. Read before the signature is
 * checked (the secret depends on it), so it trusts nothing and never throws.
 */
export function repositoryOf(payload: unknown): { owner: string; name: string } | undefined {
  const parsed = z.object({ repository: repository }).safeParse(payload);
  if (!parsed.success) return undefined;
  const repo = parsed.data.repository;
  const [fullOwner, fullName, ...rest] = repo.full_name?.split('/') ?? [];
  const owner = login(repo.owner) || (rest.length === 0 ? fullOwner : undefined);
  const name = repo.name ?? (rest.length === 0 ? fullName : undefined);
  return owner && name && namePart.safeParse(owner).success && namePart.safeParse(name).success ? { owner, name } : undefined;
}

/** A verified payload checked against the shape WHOOSH reads: its problems as one line, or the payload. */
export function parseWebhookPayload(payload: unknown): { ok: true; payload: Payload } | { ok: false; problem: string } {
  const parsed = webhookPayloadSchema.safeParse(payload);
  if (parsed.success) return { ok: true, payload: parsed.data };
  const issue = parsed.error.issues[0]!;
  return { ok: false, problem: `${issue.path.join('.') || '(body)'}: ${issue.message}` };
}

/** Issue, issue-comment and pull-request events as ForgeEvents; anything else undefined (acknowledged and ignored). */
export function toForgeEvent(event: string | undefined, payload: unknown): ForgeEvent | undefined {
  if (event !== 'issues' && event !== 'issue_comment' && event !== 'pull_request') return undefined;
  const parsed = webhookPayloadSchema.safeParse(payload);
  if (!parsed.success) return undefined;
  const p = parsed.data;
  const issue = event === 'pull_request' ? p.pull_request : p.issue;
  const repo = repositoryOf(p);
  if (!issue || !repo) return undefined;
  const isPullRequest = event === 'pull_request' || (p.issue?.pull_request !== undefined && p.issue.pull_request !== null) || p.is_pull === true;
  const pr = event === 'pull_request' ? p.pull_request : undefined;
  return {
    kind: event === 'issue_comment' ? 'comment' : 'issue',
    action: p.action ?? '',
    repo,
    issue: {
      number: issue.number,
      title: issue.title ?? '',
      state: issue.state === 'closed' ? 'closed' : 'open',
      labels: (issue.labels ?? []).map((l) => l.name ?? '').filter((n) => n !== ''),
      author: login(issue.user),
      url: issue.html_url ?? '',
      isPullRequest,
    },
    sender: login(p.sender),
    ...(event === 'issue_comment' && p.comment
      ? { comment: { id: p.comment.id ?? 0, body: p.comment.body ?? '', author: login(p.comment.user) } }
      : {}),
    ...(pr ? { merged: pr.merged === true, head: { ref: pr.head?.ref ?? '', sha: pr.head?.sha ?? '' }, base: { ref: pr.base?.ref ?? '' } } : {}),
  };
}

/** Issue and issue-comment events only, as IssueEvents (the team/council intake's view). */
export function toIssueEvent(event: string | undefined, payload: unknown): IssueEvent | undefined {
  return event === 'pull_request' ? undefined : toForgeEvent(event, payload);
}
