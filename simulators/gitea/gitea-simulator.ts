/**
 * A Gitea server in a box, for tests: the part of Gitea's
 * REST API (v1, under /api/v1) that WHOOSH's forge adapter uses through
 * `gitea-js` — issues, comments, labels, webhooks — with repositories, issues
 * and labels held in memory, token authentication, Gitea's paging (page/limit
 * capped at MAX_RESPONSE_ITEMS, X-Total-Count, Link) and its filters. Changes
 * made through the API or through the test helpers fire real, signed webhook
 * deliveries shaped like Gitea's. Errors can be ordered up (failNext) and the
 * server slowed down (latency). Only node:http, so nothing has to be installed.
 *
 * Behaviour follows Gitea 1.23 (routers/api/v1/repo/issue*.go,
 * services/webhook), including its quirks: label endpoints take label IDs, the
 * issues list filter silently drops unknown label names, one webhook
 * `label_updated` (event type issue_label) tells that labels changed but not
 * which, EditIssue answers 201, a new hook is inactive unless `active: true`.
 * Pull requests (openPullRequest, synchronizePullRequest, mergePullRequest or
 * POST .../pulls/{index}/merge) fire `pull_request` deliveries — opened,
 * synchronized (event type pull_request_sync), closed with `merged` — to hooks
 * subscribed to `pull_request` (or pull_request_only / pull_request_sync).
 */
import type { NewIssue, SimComment, SimIssue, SimLabel, SimReview } from '../forge-model';
import http, { type IncomingMessage } from 'node:http';
import { ForgeSimulator } from '../forge-simulator';
import { mergePull, newPullState, pushToPull, type NewPullBranches } from '../forge-pulls';
import { GiteaJson } from './gitea-json';
import { giteaTime, labelsOf, type CommentRec, type IssueRec, type LabelRec, type RepoRec } from './gitea-records';
import { hmacSha1Hex, hmacSha256Hex, WebhookDispatcher, type SimHook } from '../forge-webhooks';
import { HttpError, intParam, isObject, ok, ScriptedApi, SimHttpServer, writeJson, type ApiAnswer } from '../sim-http';

export type { SimDelivery, SimHook } from '../forge-webhooks';
export type { SimRequestRecord } from '../sim-http';

/** The token the simulator accepts unless told otherwise; it acts as `whoosh-bot`. */
export const GITEA_SIM_TOKEN = 'gitea-sim-token';
export const GITEA_SIM_USER = 'whoosh-bot';

export interface GiteaSimulatorOptions {
  /** 0 = any free port (default). */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Accepted API tokens → the login each acts as. Default { [GITEA_SIM_TOKEN]: GITEA_SIM_USER }. */
  tokens?: Record<string, string>;
  /** Create a repository on its first mention in an API call (default true); else unknown ones answer 404. */
  autoCreateRepos?: boolean;
  /** Gitea's [api] MAX_RESPONSE_ITEMS: the most items one page holds, whatever `limit` asks. Default 50. */
  maxResponseItems?: number;
  /** Gitea's [api] DEFAULT_PAGING_NUM: the page size when `limit` is not given. Default 30. */
  defaultPagingNum?: number;
  /** A webhook receiver that has not answered by then counts as failed. Default 5000 (Gitea's DELIVER_TIMEOUT is 5 s). */
  deliveryTimeoutMs?: number;
  /** What /api/v1/version reports. Default '1.23.1'. */
  version?: string;
}

export type { NewIssue, SimComment, SimIssue, SimLabel } from '../forge-model';

export interface NewHook {
  url: string;
  secret?: string;
  /** Gitea event names: 'issues' covers every issue event (issue_label, issue_comment ...). Default ['issues', 'issue_comment']. */
  events?: string[];
  authorizationHeader?: string;
}


/** Gitea's event types (the X-Gitea-Event-Type header) and the X-Gitea-Event each belongs to. */
type GiteaEventType = 'issues' | 'issue_label' | 'issue_comment' | 'pull_request' | 'pull_request_sync';
const EVENT_OF: Record<GiteaEventType, string> = { issues: 'issues', issue_label: 'issues', issue_comment: 'issue_comment', pull_request: 'pull_request', pull_request_sync: 'pull_request' };
/**
 * The `events` entries that subscribe to each event type (routers/api/v1/utils/hook.go):
 * its family ('issues' or 'pull_request'), or the type's own entry.
 */
const SUBSCRIPTION_OF: Record<GiteaEventType, readonly [string, string]> = {
  issues: ['issues', 'issues_only'],
  issue_label: ['issues', 'issue_label'],
  issue_comment: ['issues', 'issue_comment'],
  pull_request: ['pull_request', 'pull_request_only'],
  pull_request_sync: ['pull_request', 'pull_request_sync'],
};

const HOOK_TYPES = ['dingtalk', 'discord', 'gitea', 'gogs', 'msteams', 'slack', 'telegram', 'feishu', 'wechatwork', 'packagist'];

/** What a failure ordered up with failNext may say besides its status. */
interface FailureOptions {
  retryAfter?: number;
  message?: string;
}

const NOT_FOUND = "The target couldn't be found.";

export class GiteaSimulator extends ForgeSimulator<FailureOptions> {
  private readonly repos = new Map<string, RepoRec>();
  private readonly userIds = new Map<string, number>();
  private readonly json = new GiteaJson(
    () => this.url,
    (login) => this.userId(login),
  );
  private readonly tokens: Map<string, string>;
  protected readonly dispatcher: WebhookDispatcher;
  private nextId = { repo: 1, issue: 1, label: 1, comment: 1, hook: 1 };
  private pushes = 0;
  protected readonly api: ScriptedApi<FailureOptions>;
  protected readonly server: SimHttpServer;

  private constructor(private readonly options: Required<Omit<GiteaSimulatorOptions, 'port' | 'tokens'>> & { tokens: Record<string, string> }) {
    super();
    this.tokens = new Map(Object.entries(options.tokens));
    this.dispatcher = new WebhookDispatcher({ timeoutMs: options.deliveryTimeoutMs });
    this.api = new ScriptedApi<FailureOptions>({
      open: (method, url) => (method === 'GET' && url.pathname === '/api/v1/version' ? ok({ version: options.version }) : undefined),
      authenticate: (req, url) => this.authenticate(req, url),
      route: (method, url, body, user) => this.route(method, url, body, user),
      failure: (failure) => this.failureAnswer(failure),
      errorBody: (status, message) => (status === 404 && message === NOT_FOUND ? { errors: [], message, url: this.swaggerUrl() } : { message, url: this.swaggerUrl() }),
      send: (res, status, body, headers) =>
        typeof body === 'string' && headers?.['content-type']?.startsWith('text/') ? void res.writeHead(status, headers).end(body) : writeJson(res, status, body, headers, 'application/json;charset=utf-8'),
    });
    this.server = new SimHttpServer(options.host, (req, res) => this.api.handle(req, res, this.url));
  }

  static async start(opts: GiteaSimulatorOptions = {}): Promise<GiteaSimulator> {
    const maxResponseItems = opts.maxResponseItems ?? 50;
    const defaultPagingNum = opts.defaultPagingNum ?? 30;
    if (!(Number.isInteger(maxResponseItems) && maxResponseItems > 0)) throw new RangeError(`maxResponseItems must be a whole number > 0, got ${maxResponseItems}`);
    if (!(Number.isInteger(defaultPagingNum) && defaultPagingNum > 0)) throw new RangeError(`defaultPagingNum must be a whole number > 0, got ${defaultPagingNum}`);
    const sim = new GiteaSimulator({
      host: opts.host ?? '127.0.0.1',
      tokens: opts.tokens ?? { [GITEA_SIM_TOKEN]: GITEA_SIM_USER },
      autoCreateRepos: opts.autoCreateRepos ?? true,
      maxResponseItems,
      defaultPagingNum,
      deliveryTimeoutMs: opts.deliveryTimeoutMs ?? 5_000,
      version: opts.version ?? '1.23.1',
    });
    return sim.listenOn(opts.port);
  }

  // ---- test helpers: state -------------------------------------------------

  createRepo(owner: string, name: string): void {
    this.repoOrCreate(owner, name);
  }

  /** Creates a label (no webhook: Gitea sends none for labels of a repository). */
  createLabel(owner: string, name: string, label: { name: string; color?: string; description?: string }): SimLabel {
    return simLabel(this.addLabel(this.repoOrCreate(owner, name), label.name, label.color ?? 'ededed', label.description ?? ''));
  }

  /** Fires `issues`, action `opened` (labels given here ride along in the issue; no label event). */
  openIssue(owner: string, name: string, issue: NewIssue): SimIssue {
    const repo = this.repoOrCreate(owner, name);
    return this.simIssue(repo, this.newIssue(repo, issue, false));
  }

  /** A pull request: the issues API lists it too (type=pulls) and serves it by number. Fires `pull_request`, action `opened`. */
  openPullRequest(owner: string, name: string, pr: NewIssue & NewPullBranches): SimIssue {
    const repo = this.repoOrCreate(owner, name);
    return this.simIssue(repo, this.newIssue(repo, pr, true, undefined, true, pr));
  }

  /** A push to the pull request's head branch: fires `pull_request` (event type pull_request_sync), action `synchronized`. */
  synchronizePullRequest(owner: string, name: string, number: number, sender?: string): void {
    const repo = this.repoOrCreate(owner, name);
    const pull = this.pullRec(repo, number);
    pushToPull(pull.pull!, ++this.pushes);
    pull.updatedAt = this.now();
    this.firePull(repo, pull, 'pull_request_sync', 'synchronized', sender ?? pull.author);
  }

  /** Merges it, as POST /repos/{owner}/{repo}/pulls/{index}/merge does: fires `pull_request`, action `closed`, with `merged: true`. */
  mergePullRequest(owner: string, name: string, number: number, sender?: string): void {
    const repo = this.repoOrCreate(owner, name);
    const pull = this.pullRec(repo, number);
    this.merge(repo, pull, sender ?? repo.owner)();
  }

  /**
   * Sets an issue's labels by name (creating missing ones). Fires one `issues`
   * delivery, event type issue_label, action `label_updated` — or
   * `label_cleared` when no label is left — that does not say which changed.
   */
  setLabels(owner: string, name: string, number: number, labels: string[], sender?: string): void {
    const repo = this.repoOrCreate(owner, name);
    const issue = this.issueRec(repo, number);
    const ids = labels.map((label) => (repo.labels.find((l) => l.name === label) ?? this.addLabel(repo, label, 'ededed', '')).id);
    this.replaceLabels(repo, issue, ids, sender ?? issue.author);
  }

  closeIssue(owner: string, name: string, number: number, sender?: string): void {
    const repo = this.repoOrCreate(owner, name);
    const issue = this.issueRec(repo, number);
    this.changeState(repo, issue, 'closed', sender ?? issue.author);
  }

  reopenIssue(owner: string, name: string, number: number, sender?: string): void {
    const repo = this.repoOrCreate(owner, name);
    const issue = this.issueRec(repo, number);
    this.changeState(repo, issue, 'open', sender ?? issue.author);
  }

  /** Fires `issue_comment`, action `created`. */
  addComment(owner: string, name: string, number: number, body: string, author: string): SimComment {
    const repo = this.repoOrCreate(owner, name);
    return simComment(this.newComment(repo, this.issueRec(repo, number), body, author));
  }

  /** Registers an active webhook, as POST /repos/{owner}/{repo}/hooks with type 'gitea' would; returns its id. */
  addWebhook(owner: string, name: string, hook: NewHook): number {
    const repo = this.repoOrCreate(owner, name);
    const id = this.nextId.hook++;
    repo.hooks.push({
      id,
      url: hook.url,
      secret: hook.secret ?? '',
      events: hook.events ?? ['issues', 'issue_comment'],
      active: true,
      authorizationHeader: hook.authorizationHeader,
      type: 'gitea',
      contentType: 'json',
      branchFilter: '*',
      createdAt: this.now(),
    });
    return id;
  }

  issues(owner: string, name: string): SimIssue[] {
    const repo = this.repoOrCreate(owner, name);
    return [...repo.issues.values()].map((issue) => this.simIssue(repo, issue));
  }

  issue(owner: string, name: string, number: number): SimIssue {
    const repo = this.repoOrCreate(owner, name);
    return this.simIssue(repo, this.issueRec(repo, number));
  }

  /** Reviews posted on a pull request, oldest first. */
  reviews(owner: string, name: string, number: number): SimReview[] {
    return [...this.pullRec(this.repoOrCreate(owner, name), number).reviews];
  }

  comments(owner: string, name: string, number: number): SimComment[] {
    return this.issueRec(this.repoOrCreate(owner, name), number).comments.map(simComment);
  }

  labels(owner: string, name: string): SimLabel[] {
    return this.repoOrCreate(owner, name).labels.map(simLabel);
  }

  // ---- test helpers: behaviour ---------------------------------------------

  // ---- HTTP ------------------------------------------------------------------

  private failureAnswer(failure: { status: number } & FailureOptions): ApiAnswer {
    const headers: Record<string, string> = failure.retryAfter === undefined ? {} : { 'Retry-After': String(failure.retryAfter) };
    return { status: failure.status, body: { message: failure.message ?? http.STATUS_CODES[failure.status] ?? 'error', url: this.swaggerUrl() }, headers };
  }

  /** The login behind the request's token; 401 (Gitea's wording) without a valid one. */
  private authenticate(req: IncomingMessage, url: URL): string {
    const header = req.headers.authorization ?? '';
    const match = /^(?:token|bearer)\s+(\S+)$/i.exec(header.trim());
    const token = match?.[1] ?? url.searchParams.get('token') ?? url.searchParams.get('access_token') ?? undefined;
    if (!token) throw new HttpError(401, 'token is required');
    const login = this.tokens.get(token);
    if (!login) throw new HttpError(401, 'invalid username, password or token');
    return login;
  }

  private route(method: string, url: URL, raw: string, user: string): ApiAnswer {
    const path = url.pathname.replace(/\/+$/, '');
    if (path === '/api/v1/user' && method === 'GET') return ok(this.json.userJson(user));
    const m = /^\/api\/v1\/repos\/([^/]+)\/([^/]+)(\/.*)?$/.exec(path);
    if (!m) throw new HttpError(404, NOT_FOUND);
    const repo = this.repoForApi(decodeURIComponent(m[1] ?? ''), decodeURIComponent(m[2] ?? ''));
    const rest = m[3] ?? '';
    const body = (): Record<string, unknown> => parseJsonObject(raw);
    let r: RegExpExecArray | null;

    if (rest === '/issues') {
      if (method === 'GET') return this.listIssues(repo, url);
      if (method === 'POST') return this.createIssue(repo, body(), user);
    } else if ((r = /^\/issues\/(\d+)$/.exec(rest))) {
      const issue = this.issueRec(repo, Number(r[1]));
      if (method === 'GET') return ok(this.json.issueJson(repo, issue));
      if (method === 'PATCH') return this.editIssue(repo, issue, body(), user);
    } else if ((r = /^\/issues\/(\d+)\/comments$/.exec(rest))) {
      const issue = this.issueRec(repo, Number(r[1]));
      if (method === 'GET') return ok(this.filterSince(issue.comments, url).map((c) => this.json.commentJson(repo, issue, c)));
      if (method === 'POST') {
        const text = body().body;
        if (typeof text !== 'string' || text === '') throw new HttpError(422, '[Body]: Required');
        const comment = this.newComment(repo, issue, text, user, false);
        return { status: 201, body: this.json.commentJson(repo, issue, comment), after: () => this.fireComment(repo, issue, comment, user) };
      }
    } else if ((r = /^\/issues\/(\d+)\/labels$/.exec(rest))) {
      const issue = this.issueRec(repo, Number(r[1]));
      if (method === 'GET') return ok(this.issueLabels(repo, issue).map((l) => this.json.labelJson(repo, l)));
      if (method === 'POST' || method === 'PUT') {
        const ids = this.labelIdsFrom(repo, body().labels);
        const next = method === 'POST' ? [...issue.labelIds, ...ids.filter((id) => !issue.labelIds.includes(id))] : ids;
        const after = this.replaceLabels(repo, issue, next, user, false);
        return { status: 200, body: this.issueLabels(repo, issue).map((l) => this.json.labelJson(repo, l)), after };
      }
      if (method === 'DELETE') return { status: 204, body: undefined, after: this.replaceLabels(repo, issue, [], user, false) };
    } else if ((r = /^\/issues\/(\d+)\/labels\/(\d+)$/.exec(rest))) {
      const issue = this.issueRec(repo, Number(r[1]));
      const id = Number(r[2]);
      if (method === 'DELETE') {
        if (!repo.labels.some((l) => l.id === id)) throw new HttpError(422, `label does not exist [label_id: ${id}]`);
        return { status: 204, body: undefined, after: this.replaceLabels(repo, issue, issue.labelIds.filter((x) => x !== id), user, false) };
      }
    } else if ((r = /^\/pulls\/(\d+)\.diff$/.exec(rest)) && method === 'GET') {
      return { status: 200, body: this.pullRec(repo, Number(r[1])).diff, headers: { 'content-type': 'text/plain; charset=utf-8' } };
    } else if ((r = /^\/pulls\/(\d+)\/merge$/.exec(rest)) && method === 'POST') {
      const pull = this.pullRec(repo, Number(r[1]));
      if (pull.pull!.merged) throw new HttpError(405, 'PR already merged');
      if (pull.state === 'closed') throw new HttpError(405, 'Please try again later');
      return { status: 200, body: undefined, after: this.merge(repo, pull, user) };
    } else if ((r = /^\/pulls\/(\d+)\/reviews$/.exec(rest))) {
      const pull = this.pullRec(repo, Number(r[1]));
      if (method === 'GET') return ok(pull.reviews.map((v) => this.reviewJson(v)));
      if (method === 'POST') {
        const b = body();
        const event = typeof b.event === 'string' && b.event !== '' ? b.event : 'PENDING';
        if (!['APPROVED', 'REQUEST_CHANGES', 'COMMENT', 'PENDING'].includes(event)) throw new HttpError(422, `invalid review state: ${event}`);
        const review: SimReview = { id: this.nextId.comment++, body: typeof b.body === 'string' ? b.body : '', event, author: user };
        pull.reviews.push(review);
        return ok(this.reviewJson(review));
      }
    } else if (rest === '/labels') {
      if (method === 'GET') return this.page(url, repo.labels, (l) => this.json.labelJson(repo, l));
      if (method === 'POST') return this.createLabelFromApi(repo, body());
    } else if (rest === '/hooks') {
      if (method === 'GET') return ok(repo.hooks.map((h) => this.json.hookJson(h)));
      if (method === 'POST') return this.createHook(repo, body());
    } else {
      throw new HttpError(404, NOT_FOUND);
    }
    throw new HttpError(405, 'Method Not Allowed');
  }

  // ---- API handlers ----------------------------------------------------------

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
    const since = this.parseTime(q.get('since'), 'since');
    const before = this.parseTime(q.get('before'), 'before');
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
    const issue = this.newIssue(repo, { title, body: body.body ?? '', author: user }, false, ids, false);
    if (body.closed === true) {
      issue.state = 'closed';
      issue.closedAt = issue.updatedAt;
    }
    return { status: 201, body: this.json.issueJson(repo, issue), after: () => this.fireIssue(repo, issue, 'issues', 'opened', user) };
  }

  private editIssue(repo: RepoRec, issue: IssueRec, body: Record<string, unknown>, user: string): ApiAnswer {
    const events: (() => void)[] = [];
    if (typeof body.title === 'string' && body.title !== issue.title) {
      issue.title = body.title;
      issue.updatedAt = this.now();
      events.push(() => this.fireIssue(repo, issue, 'issues', 'edited', user));
    }
    if (typeof body.body === 'string' && body.body !== issue.body) {
      issue.body = body.body;
      issue.updatedAt = this.now();
      events.push(() => this.fireIssue(repo, issue, 'issues', 'edited', user));
    }
    if (body.state === 'open' || body.state === 'closed') {
      const after = this.changeState(repo, issue, body.state, user, false);
      if (after) events.push(after);
    } else if (body.state !== undefined) {
      throw new HttpError(422, `invalid state: ${String(body.state)}`);
    }
    // Gitea answers an edit with 201 Created.
    return { status: 201, body: this.json.issueJson(repo, issue), after: () => events.forEach((fire) => fire()) };
  }

  private createLabelFromApi(repo: RepoRec, body: Record<string, unknown>): ApiAnswer {
    const { name, color, description } = body;
    if (typeof name !== 'string' || name.trim() === '') throw new HttpError(422, '[Name]: Required');
    if (typeof color !== 'string' || !/^#?[0-9a-fA-F]{6}$/.test(color)) throw new HttpError(422, `invalid color: ${JSON.stringify(color)}`);
    // Gitea does not refuse a second label with the same name.
    const label = this.addLabel(repo, name, color, typeof description === 'string' ? description : '');
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
    const hook = {
      id: this.nextId.hook++,
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
    if (limit <= 0) limit = this.options.defaultPagingNum;
    limit = Math.min(limit, this.options.maxResponseItems);
    const slice = items.slice((page - 1) * limit, page * limit);
    const headers: Record<string, string> = {
      'X-Total-Count': String(items.length),
      'Access-Control-Expose-Headers': 'X-Total-Count, Link',
    };
    const link = linkHeader(url, this.url, page, limit, items.length);
    if (link) headers.Link = link;
    return { status: 200, body: slice.map(toJson), headers };
  }

  // ---- state changes (shared by the API and the helpers) --------------------

  private newIssue(repo: RepoRec, input: NewIssue, isPull: boolean, labelIds?: number[], fire = true, branches?: NewPullBranches): IssueRec {
    const now = this.now();
    const ids = labelIds ?? (input.labels ?? []).map((label) => (repo.labels.find((l) => l.name === label) ?? this.addLabel(repo, label, 'ededed', '')).id);
    const issue: IssueRec = {
      id: this.nextId.issue++,
      number: repo.nextNumber++,
      title: input.title,
      body: input.body ?? '',
      state: 'open',
      labelIds: [...new Set(ids)],
      author: input.author ?? repo.owner,
      createdAt: now,
      updatedAt: now,
      closedAt: null,
      isPull,
      comments: [],
      diff: input.diff ?? '',
      reviews: [],
    };
    if (isPull) issue.pull = newPullState(issue.number, branches);
    this.userId(issue.author);
    repo.issues.set(issue.number, issue);
    if (fire && isPull) this.firePull(repo, issue, 'pull_request', 'opened', issue.author);
    else if (fire) this.fireIssue(repo, issue, 'issues', 'opened', issue.author);
    return issue;
  }

  private newComment(repo: RepoRec, issue: IssueRec, body: string, author: string, fire = true): CommentRec {
    const now = this.now();
    const comment: CommentRec = { id: this.nextId.comment++, body, author, createdAt: now, updatedAt: now };
    this.userId(author);
    issue.comments.push(comment);
    issue.updatedAt = now;
    if (fire) this.fireComment(repo, issue, comment, author);
    return comment;
  }

  /** Sets the label IDs; returns the webhook to fire (now, unless `fire` is false), if anything changed. */
  private replaceLabels(repo: RepoRec, issue: IssueRec, ids: number[], sender: string, fire = true): (() => void) | undefined {
    const next = [...new Set(ids)];
    const same = next.length === issue.labelIds.length && next.every((id) => issue.labelIds.includes(id));
    if (same) return undefined;
    issue.labelIds = next;
    issue.updatedAt = this.now();
    const action = next.length === 0 ? 'label_cleared' : 'label_updated';
    const send = (): void => this.fireIssue(repo, issue, 'issue_label', action, sender);
    if (fire) send();
    return send;
  }

  private changeState(repo: RepoRec, issue: IssueRec, state: 'open' | 'closed', sender: string, fire = true): (() => void) | undefined {
    if (issue.state === state) return undefined;
    issue.state = state;
    issue.updatedAt = this.now();
    issue.closedAt = state === 'closed' ? issue.updatedAt : null;
    const action = state === 'closed' ? 'closed' : 'reopened';
    const send = (): void => (issue.isPull ? this.firePull(repo, issue, 'pull_request', action, sender) : this.fireIssue(repo, issue, 'issues', action, sender));
    if (fire) send();
    return send;
  }

  /** Merges and closes a pull request; returns the webhook to fire. */
  private merge(repo: RepoRec, pull: IssueRec, sender: string): () => void {
    const now = this.now();
    mergePull(pull.pull!, now, sender);
    this.userId(sender);
    pull.state = 'closed';
    pull.updatedAt = now;
    pull.closedAt = now;
    return () => this.firePull(repo, pull, 'pull_request', 'closed', sender);
  }

  private addLabel(repo: RepoRec, name: string, color: string, description: string): LabelRec {
    const label: LabelRec = { id: this.nextId.label++, name, color: color.replace(/^#/, '').toLowerCase(), description, exclusive: false };
    repo.labels.push(label);
    return label;
  }

  // ---- webhooks ---------------------------------------------------------------

  private fireIssue(repo: RepoRec, issue: IssueRec, eventType: GiteaEventType, action: string, sender: string): void {
    // Older Gitea put the hook's secret in the body; receivers must ignore the field and check the signature header.
    this.fire(repo, eventType, (hook) => ({
      secret: hook.secret === '' ? '' : 'not-the-secret',
      action,
      number: issue.number,
      issue: this.json.issueJson(repo, issue),
      repository: this.json.repoJson(repo),
      sender: this.json.userJson(sender),
      commit_id: '',
    }));
  }

  /** api.PullRequestPayload (modules/structs/hook.go). */
  private firePull(repo: RepoRec, pull: IssueRec, eventType: 'pull_request' | 'pull_request_sync', action: string, sender: string): void {
    this.fire(repo, eventType, () => ({
      action,
      number: pull.number,
      pull_request: this.json.pullJson(repo, pull),
      requested_reviewer: null,
      repository: this.json.repoJson(repo),
      sender: this.json.userJson(sender),
      commit_id: '',
      review: null,
    }));
  }

  private fireComment(repo: RepoRec, issue: IssueRec, comment: CommentRec, sender: string): void {
    this.fire(repo, 'issue_comment', (hook) => ({
      secret: hook.secret === '' ? '' : 'not-the-secret',
      action: 'created',
      issue: this.json.issueJson(repo, issue),
      comment: this.json.commentJson(repo, issue, comment),
      repository: this.json.repoJson(repo),
      sender: this.json.userJson(sender),
      is_pull: issue.isPull,
    }));
  }

  private fire(repo: RepoRec, eventType: GiteaEventType, payload: (hook: SimHook) => Record<string, unknown>): void {
    for (const hook of repo.hooks) {
      if (!hook.active || (hook.type !== 'gitea' && hook.type !== 'gogs')) continue;
      if (!SUBSCRIPTION_OF[eventType].some((e) => hook.events.includes(e))) continue;
      // Gitea indents its webhook bodies with two spaces (json.MarshalIndent).
      const body = JSON.stringify(payload(hook), null, 2);
      const event = EVENT_OF[eventType];
      this.dispatcher.enqueue({ hook, event, body, headers: (deliveryId) => giteaHeaders(hook, event, eventType, deliveryId, body) });
    }
  }

  // ---- lookups -------------------------------------------------------------------

  private userId(login: string): number {
    let id = this.userIds.get(login);
    if (id === undefined) {
      id = this.userIds.size + 1;
      this.userIds.set(login, id);
    }
    return id;
  }

  private repoOrCreate(owner: string, name: string): RepoRec {
    const key = `${owner}/${name}`.toLowerCase();
    let repo = this.repos.get(key);
    if (!repo) {
      repo = { id: this.nextId.repo++, owner, name, createdAt: this.now(), nextNumber: 1, issues: new Map(), labels: [], hooks: [] };
      this.userId(owner);
      this.repos.set(key, repo);
    }
    return repo;
  }

  private repoForApi(owner: string, name: string): RepoRec {
    const repo = this.repos.get(`${owner}/${name}`.toLowerCase());
    if (repo) return repo;
    if (!this.options.autoCreateRepos) throw new HttpError(404, NOT_FOUND);
    return this.repoOrCreate(owner, name);
  }

  private pullRec(repo: RepoRec, number: number): IssueRec {
    const pull = repo.issues.get(number);
    if (!pull?.isPull) throw new HttpError(404, NOT_FOUND);
    return pull;
  }

  private reviewJson(v: SimReview): Record<string, unknown> {
    return { id: v.id, body: v.body, state: v.event, user: this.json.userJson(v.author), submitted_at: new Date(this.now()).toISOString() };
  }

  private issueRec(repo: RepoRec, number: number): IssueRec {
    const issue = repo.issues.get(number);
    if (!issue) throw new HttpError(404, NOT_FOUND);
    return issue;
  }

  private issueLabels(repo: RepoRec, issue: IssueRec): LabelRec[] {
    return labelsOf(repo, issue);
  }

  /** IssueLabelsOption.labels: IDs or names; unknown ones are skipped, as Gitea does. */
  private labelIdsFrom(repo: RepoRec, value: unknown): number[] {
    if (!Array.isArray(value)) throw new HttpError(422, '[Labels]: Required');
    return value.flatMap((v) => {
      const label = repo.labels.find((l) => (typeof v === 'number' ? l.id === v : l.name === v));
      return label ? [label.id] : [];
    });
  }

  private filterSince<T extends { updatedAt: number }>(items: T[], url: URL): T[] {
    const since = this.parseTime(url.searchParams.get('since'), 'since');
    const before = this.parseTime(url.searchParams.get('before'), 'before');
    return items.filter((i) => (since === undefined || i.updatedAt >= since) && (before === undefined || i.updatedAt <= before));
  }

  private parseTime(value: string | null, name: string): number | undefined {
    if (value === null || value === '') return undefined;
    const ms = Date.parse(value);
    if (!Number.isFinite(ms)) throw new HttpError(422, `invalid ${name}: ${value}`);
    return Math.floor(ms / 1000) * 1000;
  }

  private simIssue(repo: RepoRec, issue: IssueRec): SimIssue {
    return {
      number: issue.number,
      title: issue.title,
      body: issue.body,
      state: issue.state,
      labels: this.issueLabels(repo, issue).map((l) => l.name),
      author: issue.author,
      createdAt: giteaTime(issue.createdAt),
      updatedAt: giteaTime(issue.updatedAt),
      closedAt: issue.closedAt === null ? null : giteaTime(issue.closedAt),
      isPullRequest: issue.isPull,
    };
  }

  private swaggerUrl(): string {
    return `${this.url}/api/swagger`;
  }
}

/** The headers Gitea's deliverer sets (services/webhook/deliver.go), GitHub-compatible ones included. */
function giteaHeaders(hook: SimHook, event: string, eventType: GiteaEventType, deliveryId: string, body: string): Record<string, string> {
  const sha256 = hook.secret === '' ? '' : hmacSha256Hex(hook.secret, body);
  const sha1 = hook.secret === '' ? '' : hmacSha1Hex(hook.secret, body);
  return {
    'User-Agent': 'Go-http-client/1.1',
    'Content-Type': 'application/json',
    ...(hook.authorizationHeader ? { Authorization: hook.authorizationHeader } : {}),
    'X-Gitea-Delivery': deliveryId,
    'X-Gitea-Event': event,
    'X-Gitea-Event-Type': eventType,
    'X-Gitea-Signature': sha256,
    'X-Gogs-Delivery': deliveryId,
    'X-Gogs-Event': event,
    'X-Gogs-Event-Type': eventType,
    'X-Gogs-Signature': sha256,
    'X-Hub-Signature': `sha1=${sha1}`,
    'X-Hub-Signature-256': `sha256=${sha256}`,
    'X-GitHub-Delivery': deliveryId,
    'X-GitHub-Event': event,
    'X-GitHub-Event-Type': eventType,
  };
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


function simLabel(label: LabelRec): SimLabel {
  return { id: label.id, name: label.name, color: label.color, description: label.description };
}

function simComment(comment: CommentRec): SimComment {
  return { id: comment.id, body: comment.body, author: comment.author, createdAt: giteaTime(comment.createdAt) };
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
