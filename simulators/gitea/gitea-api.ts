/**
 * Gitea's REST API (v1, under /api/v1) as the simulator answers it: token
 * authentication, the routes for issues, comments, labels, pull requests and
 * hooks, Gitea's paging (page/limit capped at MAX_RESPONSE_ITEMS, X-Total-Count,
 * Link) and filters, and its error answers (routers/api/v1/repo/issue*.go).
 */
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { SimReview } from '../forge-model';
import { labelsOf, parseForgeTime } from '../forge-records';
import { HttpError, intParam, isObject, ok, writeJson, type ApiAnswer, type ApiDialect } from '../sim-http';
import type { GiteaChanges } from './gitea-changes';
import type { GiteaJson } from './gitea-json';
import { NOT_FOUND, type GiteaStore, type HookRec, type IssueRec, type RepoRec } from './gitea-records';

/** What a failure ordered up with failNext may say besides its status. */
export interface GiteaFailureOptions {
  retryAfter?: number;
  message?: string;
}

/** The settings of the simulator the API answers by. */
export interface GiteaApiSettings {
  /** Accepted API tokens → the login each acts as. */
  readonly tokens: ReadonlyMap<string, string>;
  readonly autoCreateRepos: boolean;
  readonly maxResponseItems: number;
  readonly defaultPagingNum: number;
  readonly version: string;
}

const HOOK_TYPES = ['dingtalk', 'discord', 'gitea', 'gogs', 'msteams', 'slack', 'telegram', 'feishu', 'wechatwork', 'packagist'];

export class GiteaApi implements ApiDialect<GiteaFailureOptions> {
  constructor(
    private readonly settings: GiteaApiSettings,
    private readonly store: GiteaStore,
    private readonly changes: GiteaChanges,
    private readonly json: GiteaJson,
    /** The simulator's base URL. */
    private readonly url: () => string,
    private readonly now: () => number,
  ) {}

  open(method: string, url: URL): ApiAnswer | undefined {
    return method === 'GET' && url.pathname === '/api/v1/version' ? ok({ version: this.settings.version }) : undefined;
  }

  /** The login behind the request's token; 401 (Gitea's wording) without a valid one. */
  authenticate(req: IncomingMessage, url: URL): string {
    const header = req.headers.authorization ?? '';
    const match = /^(?:token|bearer)\s+(\S+)$/i.exec(header.trim());
    const token = match?.[1] ?? url.searchParams.get('token') ?? url.searchParams.get('access_token') ?? undefined;
    if (!token) throw new HttpError(401, 'token is required');
    const login = this.settings.tokens.get(token);
    if (!login) throw new HttpError(401, 'invalid username, password or token');
    return login;
  }

  failure(failure: { status: number } & GiteaFailureOptions): ApiAnswer {
    const headers: Record<string, string> = failure.retryAfter === undefined ? {} : { 'Retry-After': String(failure.retryAfter) };
    return { status: failure.status, body: { message: failure.message ?? http.STATUS_CODES[failure.status] ?? 'error', url: this.swaggerUrl() }, headers };
  }

  errorBody(status: number, message: string): unknown {
    return status === 404 && message === NOT_FOUND ? { errors: [], message, url: this.swaggerUrl() } : { message, url: this.swaggerUrl() };
  }

  send(res: ServerResponse, status: number, body: unknown, headers?: Record<string, string>): void {
    if (typeof body === 'string' && headers?.['content-type']?.startsWith('text/')) res.writeHead(status, headers).end(body);
    else writeJson(res, status, body, headers, 'application/json;charset=utf-8');
  }

  route(method: string, url: URL, raw: string, user: string): ApiAnswer {
    const path = url.pathname.replace(/\/+$/, '');
    if (path === '/api/v1/user' && method === 'GET') return ok(this.json.userJson(user));
    const m = /^\/api\/v1\/repos\/([^/]+)\/([^/]+)(\/.*)?$/.exec(path);
    if (!m) throw new HttpError(404, NOT_FOUND);
    const repo = this.store.repoForApi(decodeURIComponent(m[1] ?? ''), decodeURIComponent(m[2] ?? ''), this.settings.autoCreateRepos);
    const rest = m[3] ?? '';
    const body = (): Record<string, unknown> => parseJsonObject(raw);
    let r: RegExpExecArray | null;

    if (rest === '/issues') {
      if (method === 'GET') return this.listIssues(repo, url);
      if (method === 'POST') return this.createIssue(repo, body(), user);
    } else if ((r = /^\/issues\/(\d+)$/.exec(rest))) {
      const issue = this.store.issueRec(repo, Number(r[1]));
      if (method === 'GET') return ok(this.json.issueJson(repo, issue));
      if (method === 'PATCH') return this.editIssue(repo, issue, body(), user);
    } else if ((r = /^\/issues\/(\d+)\/comments$/.exec(rest))) {
      const issue = this.store.issueRec(repo, Number(r[1]));
      if (method === 'GET') return ok(this.filterSince(issue.comments, url).map((c) => this.json.commentJson(repo, issue, c)));
      if (method === 'POST') {
        const text = body().body;
        if (typeof text !== 'string' || text === '') throw new HttpError(422, '[Body]: Required');
        const comment = this.changes.newComment(repo, issue, text, user, false);
        return { status: 201, body: this.json.commentJson(repo, issue, comment), after: () => this.changes.fireComment(repo, issue, comment, user) };
      }
    } else if ((r = /^\/issues\/(\d+)\/labels$/.exec(rest))) {
      const issue = this.store.issueRec(repo, Number(r[1]));
      if (method === 'GET') return ok(labelsOf(repo, issue).map((l) => this.json.labelJson(repo, l)));
      if (method === 'POST' || method === 'PUT') {
        const ids = labelIdsFrom(repo, body().labels);
        const next = method === 'POST' ? [...issue.labelIds, ...ids.filter((id) => !issue.labelIds.includes(id))] : ids;
        const after = this.changes.replaceLabels(repo, issue, next, user);
        return { status: 200, body: labelsOf(repo, issue).map((l) => this.json.labelJson(repo, l)), after };
      }
      if (method === 'DELETE') return { status: 204, body: undefined, after: this.changes.replaceLabels(repo, issue, [], user) };
    } else if ((r = /^\/issues\/(\d+)\/labels\/(\d+)$/.exec(rest))) {
      const issue = this.store.issueRec(repo, Number(r[1]));
      const id = Number(r[2]);
      if (method === 'DELETE') {
        if (!repo.labels.some((l) => l.id === id)) throw new HttpError(422, `label does not exist [label_id: ${id}]`);
        return { status: 204, body: undefined, after: this.changes.replaceLabels(repo, issue, issue.labelIds.filter((x) => x !== id), user) };
      }
    } else if ((r = /^\/pulls\/(\d+)\.diff$/.exec(rest)) && method === 'GET') {
      return { status: 200, body: this.store.pullRec(repo, Number(r[1])).diff, headers: { 'content-type': 'text/plain; charset=utf-8' } };
    } else if ((r = /^\/pulls\/(\d+)\/merge$/.exec(rest)) && method === 'POST') {
      const pull = this.store.pullRec(repo, Number(r[1]));
      if (pull.pull!.merged) throw new HttpError(405, 'PR already merged');
      if (pull.state === 'closed') throw new HttpError(405, 'Please try again later');
      return { status: 200, body: undefined, after: this.changes.merge(repo, pull, user) };
    } else if ((r = /^\/pulls\/(\d+)\/reviews$/.exec(rest))) {
      const pull = this.store.pullRec(repo, Number(r[1]));
      if (method === 'GET') return ok(pull.reviews.map((v) => this.reviewJson(v)));
      if (method === 'POST') {
        const b = body();
        const event = typeof b.event === 'string' && b.event !== '' ? b.event : 'PENDING';
        if (!['APPROVED', 'REQUEST_CHANGES', 'COMMENT', 'PENDING'].includes(event)) throw new HttpError(422, `invalid review state: ${event}`);
        const review: SimReview = { id: this.store.nextId.comment++, body: typeof b.body === 'string' ? b.body : '', event, author: user };
        pull.reviews.push(review);
        return ok(this.reviewJson(review));
      }
    } else if (rest === '/labels') {
      if (method === 'GET') return this.page(url, repo.labels, (l) => this.json.labelJson(repo, l));
      if (method === 'POST') return this.createLabel(repo, body());
    } else if (rest === '/hooks') {
      if (method === 'GET') return ok(repo.hooks.map((h) => this.json.hookJson(h)));
      if (method === 'POST') return this.createHook(repo, body());
    } else {
      throw new HttpError(404, NOT_FOUND);
    }
    throw new HttpError(405, 'Method Not Allowed');
  }

  private listIssues(repo: RepoRec, url: URL): ApiAnswer {
    const q = url.searchParams;
    const state = q.get('state') ?? 'open';
    if (!['open', 'closed', 'all'].includes(state)) throw new HttpError(422, `invalid state: ${state}`);
    const type = q.get('type');
    // Gitea looks the names up and silently drops those the repository lacks; the rest must all be present.
    const labelIds = (q.get('labels') ?? '')
      .split(',')
      .map((n) => n.trim())
      .filter((n) => n !== '')
      .flatMap((n) => repo.labels.filter((l) => l.name === n).slice(0, 1).map((l) => l.id));
    const since = parseTime(q.get('since'), 'since');
    const before = parseTime(q.get('before'), 'before');
    const text = (q.get('q') ?? '').toLowerCase();
    const createdBy = q.get('created_by');
    const issues = [...repo.issues.values()]
      .filter((i) => state === 'all' || i.state === state)
      .filter((i) => (type === 'issues' ? !i.isPull : type === 'pulls' ? i.isPull : true))
      .filter((i) => labelIds.every((id) => i.labelIds.includes(id)))
      .filter((i) => since === undefined || i.updatedAt >= since)
      .filter((i) => before === undefined || i.updatedAt <= before)
      .filter((i) => !text || i.title.toLowerCase().includes(text) || i.body.toLowerCase().includes(text))
      .filter((i) => !createdBy || i.author === createdBy)
      .sort((a, b) => b.createdAt - a.createdAt || b.number - a.number);
    return this.page(url, issues, (i) => this.json.issueJson(repo, i));
  }

  private createIssue(repo: RepoRec, body: Record<string, unknown>, user: string): ApiAnswer {
    const title = body.title;
    if (typeof title !== 'string' || title.trim() === '') throw new HttpError(422, '[Title]: Required');
    if (body.body !== undefined && typeof body.body !== 'string') throw new HttpError(422, 'body must be a string');
    // CreateIssueOption.labels are IDs; Gitea skips IDs of other repositories' labels.
    const ids = Array.isArray(body.labels) ? body.labels.filter((id): id is number => typeof id === 'number' && repo.labels.some((l) => l.id === id)) : [];
    const issue = this.changes.newIssue(repo, { title, body: body.body ?? '', author: user }, false, ids, false);
    if (body.closed === true) {
      issue.state = 'closed';
      issue.closedAt = issue.updatedAt;
    }
    return { status: 201, body: this.json.issueJson(repo, issue), after: () => this.changes.fireIssue(repo, issue, 'issues', 'opened', user) };
  }

  private editIssue(repo: RepoRec, issue: IssueRec, body: Record<string, unknown>, user: string): ApiAnswer {
    const events: (() => void)[] = [];
    if (typeof body.title === 'string' && body.title !== issue.title) {
      issue.title = body.title;
      issue.updatedAt = this.now();
      events.push(() => this.changes.fireIssue(repo, issue, 'issues', 'edited', user));
    }
    if (typeof body.body === 'string' && body.body !== issue.body) {
      issue.body = body.body;
      issue.updatedAt = this.now();
      events.push(() => this.changes.fireIssue(repo, issue, 'issues', 'edited', user));
    }
    if (body.state === 'open' || body.state === 'closed') {
      events.push(this.changes.changeState(repo, issue, body.state, user));
    } else if (body.state !== undefined) {
      throw new HttpError(422, `invalid state: ${String(body.state)}`);
    }
    // Gitea answers an edit with 201 Created.
    return { status: 201, body: this.json.issueJson(repo, issue), after: () => events.forEach((fire) => fire()) };
  }

  private createLabel(repo: RepoRec, body: Record<string, unknown>): ApiAnswer {
    const { name, color, description } = body;
    if (typeof name !== 'string' || name.trim() === '') throw new HttpError(422, '[Name]: Required');
    if (typeof color !== 'string' || !/^#?[0-9a-fA-F]{6}$/.test(color)) throw new HttpError(422, `invalid color: ${JSON.stringify(color)}`);
    // Gitea does not refuse a second label with the same name.
    const label = this.changes.addLabel(repo, name, color, typeof description === 'string' ? description : '');
    if (body.exclusive === true) label.exclusive = true;
    return { status: 201, body: this.json.labelJson(repo, label) };
  }

  private createHook(repo: RepoRec, body: Record<string, unknown>): ApiAnswer {
    const type = body.type;
    if (typeof type !== 'string' || !HOOK_TYPES.includes(type)) throw new HttpError(422, 'Invalid hook type');
    const config = body.config;
    if (!isObject(config)) throw new HttpError(422, '[Config]: Required');
    const url = config.url;
    const contentType = config.content_type;
    if (typeof url !== 'string' || url === '') throw new HttpError(422, 'Missing config option: url');
    if (typeof contentType !== 'string' || contentType === '') throw new HttpError(422, 'Missing config option: content_type');
    if (contentType !== 'json' && contentType !== 'form') throw new HttpError(422, 'Invalid content type');
    if (contentType !== 'json') throw new HttpError(422, 'the simulator delivers content_type "json" only');
    const events = Array.isArray(body.events) && body.events.length > 0 ? body.events.filter((e): e is string => typeof e === 'string') : ['push'];
    const hook: HookRec = {
      id: this.store.nextId.hook++,
      url,
      secret: typeof config.secret === 'string' ? config.secret : '',
      events,
      // CreateHookOption.active defaults to false in Gitea.
      active: body.active === true,
      authorizationHeader: typeof body.authorization_header === 'string' && body.authorization_header !== '' ? body.authorization_header : undefined,
      type,
      contentType,
      branchFilter: typeof body.branch_filter === 'string' && body.branch_filter !== '' ? body.branch_filter : '*',
      createdAt: this.now(),
    };
    repo.hooks.push(hook);
    return { status: 201, body: this.json.hookJson(hook) };
  }

  /** One page of `items` with Gitea's paging headers. */
  private page<T>(url: URL, items: T[], toJson: (item: T) => unknown): ApiAnswer {
    const q = url.searchParams;
    const page = Math.max(1, intParam(q.get('page')) ?? 1);
    let limit = intParam(q.get('limit')) ?? 0;
    if (limit <= 0) limit = this.settings.defaultPagingNum;
    limit = Math.min(limit, this.settings.maxResponseItems);
    const slice = items.slice((page - 1) * limit, page * limit);
    const headers: Record<string, string> = {
      'X-Total-Count': String(items.length),
      'Access-Control-Expose-Headers': 'X-Total-Count, Link',
    };
    const link = linkHeader(url, this.url(), page, limit, items.length);
    if (link) headers.Link = link;
    return { status: 200, body: slice.map(toJson), headers };
  }

  private filterSince<T extends { updatedAt: number }>(items: T[], url: URL): T[] {
    const since = parseTime(url.searchParams.get('since'), 'since');
    const before = parseTime(url.searchParams.get('before'), 'before');
    return items.filter((i) => (since === undefined || i.updatedAt >= since) && (before === undefined || i.updatedAt <= before));
  }

  private reviewJson(v: SimReview): Record<string, unknown> {
    return { id: v.id, body: v.body, state: v.event, user: this.json.userJson(v.author), submitted_at: new Date(this.now()).toISOString() };
  }

  private swaggerUrl(): string {
    return `${this.url()}/api/swagger`;
  }
}

/** IssueLabelsOption.labels: IDs or names; unknown ones are skipped, as Gitea does. */
function labelIdsFrom(repo: RepoRec, value: unknown): number[] {
  if (!Array.isArray(value)) throw new HttpError(422, '[Labels]: Required');
  return value.flatMap((v) => {
    const label = repo.labels.find((l) => (typeof v === 'number' ? l.id === v : l.name === v));
    return label ? [label.id] : [];
  });
}

function parseTime(value: string | null, name: string): number | undefined {
  return parseForgeTime(value, () => new HttpError(422, `invalid ${name}: ${value}`));
}

/** Gitea's Link header: next/last while there are more pages, first/prev after the first. */
function linkHeader(url: URL, root: string, page: number, limit: number, total: number): string | undefined {
  const last = Math.max(1, Math.ceil(total / limit));
  const at = (p: number): string => {
    const u = new URL(url.pathname + url.search, root);
    u.searchParams.set('page', String(p));
    u.searchParams.set('limit', String(limit));
    return u.toString();
  };
  const links: string[] = [];
  if (page < last) links.push(`<${at(page + 1)}>; rel="next"`, `<${at(last)}>; rel="last"`);
  if (page > 1) links.push(`<${at(1)}>; rel="first"`, `<${at(page - 1)}>; rel="prev"`);
  return links.length > 0 ? links.join(',') : undefined;
}

function parseJsonObject(raw: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(raw === '' ? '{}' : raw);
  } catch (err) {
    throw new HttpError(400, `invalid JSON: ${(err as Error).message}`);
  }
  if (!isObject(value)) throw new HttpError(422, 'expected a JSON object');
  return value;
}
