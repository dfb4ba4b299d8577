/**
 * GitHub's REST API as the simulator answers it: token authentication, the
 * routes for issues, comments, labels, pull requests and hooks, GitHub's
 * paging (page/per_page up to 100, Link with rel="next"/"last") and filters,
 * its rate-limit headers and its error answers (422 Validation Failed with
 * `errors`, documentation_url).
 */
import { randomBytes } from 'node:crypto';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { SimReview } from '../forge-model';
import { labelsOf, parseForgeTime } from '../forge-records';
import { HttpError, intParam, isObject, ok, writeJson, type ApiAnswer, type ApiDialect } from '../sim-http';
import type { GitHubChanges } from './github-changes';
import type { GitHubJson } from './github-json';
import { fold, NOT_FOUND, type GitHubStore, type HookRec, type IssueRec, type RepoRec } from './github-records';

export interface FailureOptions {
  /** Sent as `Retry-After` (seconds). */
  retryAfter?: number;
  /** Answer as an exhausted primary rate limit: `x-ratelimit-remaining: 0`, reset after `retryAfter` (default 1) seconds, no Retry-After. */
  rateLimitExhausted?: boolean;
  message?: string;
}

/** The settings of the simulator the API answers by. */
export interface GitHubApiSettings {
  /** Accepted tokens → the login each acts as. */
  readonly tokens: ReadonlyMap<string, string>;
  readonly autoCreateRepos: boolean;
  /** The login a rate limit is reported for. */
  readonly rateLimitedUser: string;
}

const DOCS = 'https://docs.github.com/rest';
const RATE_LIMIT = 5000;

export class GitHubApi implements ApiDialect<FailureOptions> {
  constructor(
    private readonly settings: GitHubApiSettings,
    private readonly store: GitHubStore,
    private readonly changes: GitHubChanges,
    private readonly json: GitHubJson,
    /** The simulator's base URL. */
    private readonly url: () => string,
    private readonly now: () => number,
  ) {}

  authenticate(req: IncomingMessage): string {
    const header = (req.headers.authorization ?? '').trim();
    if (header === '') throw new HttpError(401, 'Requires authentication');
    const match = /^(?:token|bearer)\s+(\S+)$/i.exec(header);
    const login = match?.[1] ? this.settings.tokens.get(match[1]) : undefined;
    if (!login) throw new HttpError(401, 'Bad credentials');
    return login;
  }

  failure(failure: { status: number } & FailureOptions): ApiAnswer {
    if (failure.rateLimitExhausted) {
      const message = failure.message ?? `API rate limit exceeded for user ID ${this.store.userId(this.settings.rateLimitedUser)}.`;
      return { status: failure.status, body: { message, documentation_url: `${DOCS}/overview/rate-limits-for-the-rest-api`, status: String(failure.status) }, headers: rateHeaders(0, failure.retryAfter ?? 1) };
    }
    const headers: Record<string, string> = failure.retryAfter === undefined ? {} : { 'Retry-After': String(failure.retryAfter) };
    const message = failure.message ?? http.STATUS_CODES[failure.status] ?? 'error';
    return { status: failure.status, body: { message, documentation_url: DOCS, status: String(failure.status) }, headers };
  }

  errorBody(status: number, message: string, err: unknown): unknown {
    return { message, ...(err instanceof HttpError ? err.extra : {}), documentation_url: DOCS, status: String(status) };
  }

  send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
    const common = { 'X-GitHub-Media-Type': 'github.v3; format=json', 'X-GitHub-Request-Id': randomBytes(8).toString('hex').toUpperCase(), ...rateHeaders(), ...headers };
    if (typeof body === 'string' && headers['content-type']?.startsWith('application/vnd.github.diff')) return void res.writeHead(status, common).end(body);
    writeJson(res, status, body, common);
  }

  route(method: string, url: URL, raw: string, user: string, accept = ''): ApiAnswer {
    const path = url.pathname.replace(/\/+$/, '');
    if (path === '/user' && method === 'GET') return ok(this.json.userJson(user));
    const m = /^\/repos\/([^/]+)\/([^/]+)(\/.*)?$/.exec(path);
    if (!m) throw new HttpError(404, NOT_FOUND);
    const repo = this.store.repoForApi(decodeURIComponent(m[1] ?? ''), decodeURIComponent(m[2] ?? ''), this.settings.autoCreateRepos);
    const rest = m[3] ?? '';
    const body = (): unknown => parseJson(raw);
    let r: RegExpExecArray | null;

    if ((r = /^\/pulls\/(\d+)$/.exec(rest)) && method === 'GET') {
      const pull = this.store.pullRec(repo, Number(r[1]));
      if (/application\/vnd\.github(\.v3)?\.diff/.test(accept)) return { status: 200, body: pull.diff, headers: { 'content-type': 'application/vnd.github.diff; charset=utf-8' } };
      return ok(this.json.pullJson(repo, pull));
    } else if ((r = /^\/pulls\/(\d+)\/merge$/.exec(rest)) && method === 'PUT') {
      const pull = this.store.pullRec(repo, Number(r[1]));
      if (pull.pull!.merged || pull.state === 'closed') throw new HttpError(405, 'Pull Request is not mergeable');
      const after = this.changes.merge(repo, pull, user);
      return { status: 200, body: { sha: pull.pull!.mergeSha, merged: true, message: 'Pull Request successfully merged' }, after };
    } else if ((r = /^\/pulls\/(\d+)\/reviews$/.exec(rest))) {
      const pull = this.store.pullRec(repo, Number(r[1]));
      if (method === 'GET') return ok(pull.reviews.map((v) => this.reviewJson(v)));
      if (method === 'POST') {
        const b = asObject(body());
        const event = typeof b.event === 'string' ? b.event : 'PENDING';
        if (!['APPROVE', 'REQUEST_CHANGES', 'COMMENT', 'PENDING'].includes(event)) throw validationFailed('PullRequestReview', 'event', 'invalid');
        if ((event === 'REQUEST_CHANGES' || event === 'COMMENT') && !(typeof b.body === 'string' && b.body !== '')) throw validationFailed('PullRequestReview', 'body', 'missing_field');
        const review: SimReview = { id: this.store.nextId.comment++, body: typeof b.body === 'string' ? b.body : '', event, author: user };
        pull.reviews.push(review);
        return ok(this.reviewJson(review));
      }
    }
    if (rest === '/issues') {
      if (method === 'GET') return this.listIssues(repo, url);
      if (method === 'POST') return this.createIssue(repo, asObject(body()), user);
    } else if ((r = /^\/issues\/(\d+)$/.exec(rest))) {
      const issue = this.store.issueRec(repo, Number(r[1]));
      if (method === 'GET') return ok(this.json.issueJson(repo, issue));
      if (method === 'PATCH') return this.editIssue(repo, issue, asObject(body()), user);
    } else if ((r = /^\/issues\/(\d+)\/comments$/.exec(rest))) {
      const issue = this.store.issueRec(repo, Number(r[1]));
      if (method === 'GET') {
        const since = parseTime(url.searchParams.get('since'));
        return this.page(url, issue.comments.filter((c) => since === undefined || c.updatedAt >= since), (c) => this.json.commentJson(repo, issue, c));
      }
      if (method === 'POST') {
        const text = asObject(body()).body;
        if (typeof text !== 'string' || text === '') throw validationFailed('IssueComment', 'body', 'missing_field');
        const comment = this.store.addComment(issue, text, user);
        return { status: 201, body: this.json.commentJson(repo, issue, comment), after: () => this.changes.fireComment(repo, issue, comment, user) };
      }
    } else if ((r = /^\/issues\/(\d+)\/labels$/.exec(rest))) {
      const issue = this.store.issueRec(repo, Number(r[1]));
      const labelsJson = (): unknown[] => labelsOf(repo, issue).map((l) => this.json.labelJson(repo, l));
      if (method === 'GET') return this.page(url, labelsOf(repo, issue), (l) => this.json.labelJson(repo, l));
      if (method === 'POST' || method === 'PUT') {
        // Adding a label the repository lacks creates it.
        const ids = labelNamesFrom(body()).map((n) => this.changes.labelOrCreate(repo, n).id);
        const next = method === 'POST' ? [...issue.labelIds, ...ids] : ids;
        const after = this.changes.replaceLabels(repo, issue, next, user);
        return { status: 200, body: labelsJson(), after };
      }
      if (method === 'DELETE') return { status: 204, body: undefined, after: this.changes.replaceLabels(repo, issue, [], user) };
    } else if ((r = /^\/issues\/(\d+)\/labels\/([^/]+)$/.exec(rest))) {
      const issue = this.store.issueRec(repo, Number(r[1]));
      const labelName = decodeURIComponent(r[2] ?? '');
      if (method === 'DELETE') {
        const label = repo.labels.find((l) => fold(l.name) === fold(labelName));
        if (!label || !issue.labelIds.includes(label.id)) throw new HttpError(404, 'Label does not exist');
        const after = this.changes.replaceLabels(repo, issue, issue.labelIds.filter((id) => id !== label.id), user);
        return { status: 200, body: labelsOf(repo, issue).map((l) => this.json.labelJson(repo, l)), after };
      }
    } else if (rest === '/labels') {
      if (method === 'GET') return this.page(url, repo.labels, (l) => this.json.labelJson(repo, l));
      if (method === 'POST') return this.createLabel(repo, asObject(body()));
    } else if (rest === '/hooks') {
      if (method === 'GET') return ok(repo.hooks.map((h) => this.json.hookJson(repo, h)));
      if (method === 'POST') return this.createHook(repo, asObject(body()), user);
    } else {
      throw new HttpError(404, NOT_FOUND);
    }
    throw new HttpError(404, NOT_FOUND);
  }

  private listIssues(repo: RepoRec, url: URL): ApiAnswer {
    const q = url.searchParams;
    const state = q.get('state') ?? 'open';
    if (!['open', 'closed', 'all'].includes(state)) throw validationFailed('Issue', 'state', 'invalid');
    // Every named label must be on the issue; a name no label has matches nothing.
    const wanted = (q.get('labels') ?? '')
      .split(',')
      .map((n) => fold(n.trim()))
      .filter((n) => n !== '');
    const since = parseTime(q.get('since'));
    const creator = q.get('creator');
    const sort = q.get('sort') ?? 'created';
    const ascending = q.get('direction') === 'asc';
    const key = (i: IssueRec): number => (sort === 'updated' ? i.updatedAt : sort === 'comments' ? i.comments.length : i.createdAt);
    const issues = [...repo.issues.values()]
      .filter((i) => state === 'all' || i.state === state)
      .filter((i) => {
        const have = new Set(labelsOf(repo, i).map((l) => fold(l.name)));
        return wanted.every((n) => have.has(n));
      })
      .filter((i) => since === undefined || i.updatedAt >= since)
      .filter((i) => !creator || fold(i.author) === fold(creator))
      .sort((a, b) => (ascending ? 1 : -1) * (key(a) - key(b) || a.number - b.number));
    return this.page(url, issues, (i) => this.json.issueJson(repo, i));
  }

  private createIssue(repo: RepoRec, body: Record<string, unknown>, user: string): ApiAnswer {
    const title = body.title;
    if (typeof title !== 'string' && typeof title !== 'number') throw validationFailed('Issue', 'title', 'missing_field');
    if (String(title).trim() === '') throw validationFailed('Issue', 'title', 'missing_field');
    if (body.body !== undefined && body.body !== null && typeof body.body !== 'string') throw validationFailed('Issue', 'body', 'invalid');
    const labels = body.labels === undefined ? [] : labelNamesFrom(body);
    const issue = this.changes.newIssue(repo, { title: String(title), body: typeof body.body === 'string' ? body.body : '', labels, author: user }, false);
    return { status: 201, body: this.json.issueJson(repo, issue), after: () => this.changes.fireOpened(repo, issue, user) };
  }

  private editIssue(repo: RepoRec, issue: IssueRec, body: Record<string, unknown>, user: string): ApiAnswer {
    const events: (() => void)[] = [];
    const edited = (): void => {
      issue.updatedAt = this.now();
      events.push(() => this.changes.fireIssue(repo, issue, 'edited', user));
    };
    if (typeof body.title === 'string' && body.title !== issue.title) {
      issue.title = body.title;
      edited();
    }
    if (typeof body.body === 'string' && body.body !== issue.body) {
      issue.body = body.body;
      edited();
    }
    if (body.labels !== undefined) events.push(this.changes.replaceLabels(repo, issue, labelNamesFrom(body).map((n) => this.changes.labelOrCreate(repo, n).id), user));
    if (body.state === 'open' || body.state === 'closed') events.push(this.changes.changeState(repo, issue, body.state, user));
    else if (body.state !== undefined) throw validationFailed('Issue', 'state', 'invalid');
    return { status: 200, body: this.json.issueJson(repo, issue), after: () => events.forEach((fire) => fire()) };
  }

  private createLabel(repo: RepoRec, body: Record<string, unknown>): ApiAnswer {
    const { name, color, description } = body;
    if (typeof name !== 'string' || name.trim() === '') throw validationFailed('Label', 'name', 'missing_field');
    if (color !== undefined && (typeof color !== 'string' || !/^[0-9a-fA-F]{6}$/.test(color))) throw validationFailed('Label', 'color', 'invalid');
    if (repo.labels.some((l) => fold(l.name) === fold(name))) throw validationFailed('Label', 'name', 'already_exists');
    const label = this.changes.addLabel(repo, name, typeof color === 'string' ? color : 'ededed', typeof description === 'string' ? description : '');
    return { status: 201, body: this.json.labelJson(repo, label) };
  }

  private createHook(repo: RepoRec, body: Record<string, unknown>, user: string): ApiAnswer {
    if (body.name !== undefined && body.name !== 'web') throw validationFailed('Hook', 'name', 'invalid');
    const config = body.config;
    if (!isObject(config) || typeof config.url !== 'string' || config.url === '') throw validationFailed('Hook', 'url', 'missing_field');
    const contentType = typeof config.content_type === 'string' ? config.content_type : 'form';
    if (contentType !== 'json') throw new HttpError(422, 'the simulator delivers content_type "json" only');
    const hook: HookRec = {
      id: this.store.nextId.hook++,
      url: config.url,
      secret: typeof config.secret === 'string' ? config.secret : '',
      events: Array.isArray(body.events) && body.events.length > 0 ? body.events.filter((e): e is string => typeof e === 'string') : ['push'],
      active: body.active !== false,
      contentType,
      createdAt: this.now(),
    };
    repo.hooks.push(hook);
    return { status: 201, body: this.json.hookJson(repo, hook), after: () => this.changes.ping(repo, hook, user) };
  }

  /** One page of `items` with GitHub's Link header. */
  private page<T>(url: URL, items: T[], toJson: (item: T) => unknown): ApiAnswer {
    const q = url.searchParams;
    const perPage = Math.min(100, Math.max(1, intParam(q.get('per_page')) ?? 30));
    const page = Math.max(1, intParam(q.get('page')) ?? 1);
    const slice = items.slice((page - 1) * perPage, page * perPage);
    const link = linkHeader(url, this.url(), page, perPage, items.length);
    return { status: 200, body: slice.map(toJson), headers: link ? { Link: link } : {} };
  }

  private reviewJson(v: SimReview): Record<string, unknown> {
    const state = { APPROVE: 'APPROVED', REQUEST_CHANGES: 'CHANGES_REQUESTED', COMMENT: 'COMMENTED', PENDING: 'PENDING' }[v.event] ?? v.event;
    return { id: v.id, body: v.body, state, user: this.json.userJson(v.author), submitted_at: new Date(this.now()).toISOString() };
  }
}

/** The rate-limit headers every answer carries; a real count is not kept. */
function rateHeaders(remaining = RATE_LIMIT - 1, resetInSeconds = 3600): Record<string, string> {
  return {
    'X-RateLimit-Limit': String(RATE_LIMIT),
    'X-RateLimit-Remaining': String(remaining),
    'X-RateLimit-Reset': String(Math.ceil(Date.now() / 1000) + resetInSeconds),
    'X-RateLimit-Used': String(RATE_LIMIT - remaining),
    'X-RateLimit-Resource': 'core',
  };
}

function validationFailed(resource: string, field: string, code: string): HttpError {
  return new HttpError(422, 'Validation Failed', { errors: [{ resource, code, field }] });
}

/** The label names of an add/replace body: `{ labels: [...] }` or a bare array, of names or `{ name }` objects. */
function labelNamesFrom(body: unknown): string[] {
  const list = Array.isArray(body) ? body : isObject(body) ? body.labels : undefined;
  if (!Array.isArray(list)) throw validationFailed('Label', 'labels', 'missing_field');
  return list.map((v) => (typeof v === 'string' ? v : isObject(v) && typeof v.name === 'string' ? v.name : '')).filter((n) => n !== '');
}

/** GitHub's Link header: first/prev after the first page, next/last before the last. */
function linkHeader(url: URL, base: string, page: number, perPage: number, total: number): string | undefined {
  const last = Math.max(1, Math.ceil(total / perPage));
  const at = (p: number): string => {
    const u = new URL(url.pathname + url.search, base);
    u.searchParams.set('per_page', String(perPage));
    u.searchParams.set('page', String(p));
    return u.toString();
  };
  const links: string[] = [];
  if (page > 1) links.push(`<${at(page - 1)}>; rel="prev"`);
  if (page < last) links.push(`<${at(page + 1)}>; rel="next"`, `<${at(last)}>; rel="last"`);
  if (page > 1) links.push(`<${at(1)}>; rel="first"`);
  return links.length > 0 ? links.join(', ') : undefined;
}

function parseTime(value: string | null): number | undefined {
  return parseForgeTime(value, () => validationFailed('Issue', 'since', 'invalid'));
}

function parseJson(raw: string): unknown {
  try {
    return JSON.parse(raw === '' ? '{}' : raw);
  } catch {
    throw new HttpError(400, 'Problems parsing JSON');
  }
}

function asObject(value: unknown): Record<string, unknown> {
  if (!isObject(value)) throw new HttpError(400, 'Problems parsing JSON');
  return value;
}
