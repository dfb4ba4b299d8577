/**
 * A GitHub REST API in a box, for tests: the part of the API
 * WHOOSH's forge adapter uses through `@octokit/rest` — issues, comments,
 * labels, webhooks — with repositories, issues and labels held in memory,
 * token authentication, GitHub's paging (page/per_page up to 100, Link with
 * rel="next"/"last") and its filters. Changes made through the API or through
 * the test helpers fire real, signed webhook deliveries shaped like GitHub's
 * (X-Hub-Signature-256, one `labeled`/`unlabeled` per label, a `ping` when a
 * hook is created). Errors can be ordered up (failNext), including an
 * exhausted rate limit, and the server slowed down (latency). Only node:http.
 *
 * GitHub's ways kept here: the issues list includes pull requests (marked by a
 * `pull_request` key), label names match without regard to case, adding an
 * unknown label to an issue creates it, removing a label the issue lacks
 * answers 404 "Label does not exist", a duplicate label is 422 already_exists.
 * Pull requests (openPullRequest, synchronizePullRequest, mergePullRequest or
 * PUT .../pulls/{number}/merge) fire `pull_request` deliveries — opened,
 * synchronize (with before/after), closed with `merged` — to hooks subscribed
 * to `pull_request` or `*`.
 */
import type { NewIssue, SimComment, SimIssue, SimLabel, SimReview } from '../forge-model';
import { randomBytes } from 'node:crypto';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import { ForgeSimulator } from '../forge-simulator';
import { mergePull, newPullState, pushToPull, type NewPullBranches } from '../forge-pulls';
import { GitHubJson } from './github-json';
import { githubTime, labelsOf, type CommentRec, type HookRec, type IssueRec, type LabelRec, type RepoRec } from './github-records';
import { hmacSha1Hex, hmacSha256Hex, WebhookDispatcher } from '../forge-webhooks';
import { HttpError, intParam, isObject, ok, ScriptedApi, SimHttpServer, writeJson, type ApiAnswer } from '../sim-http';

export type { SimDelivery, SimHook } from '../forge-webhooks';
export type { SimRequestRecord } from '../sim-http';

/** The token the simulator accepts unless told otherwise; it acts as `whoosh-bot`. */
export const GITHUB_SIM_TOKEN = 'ghp_simulatortoken0000000000000000000000';
export const GITHUB_SIM_USER = 'whoosh-bot';

const DOCS = 'https://docs.github.com/rest';
const RATE_LIMIT = 5000;

export interface GitHubSimulatorOptions {
  /** 0 = any free port (default). */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Accepted tokens → the login each acts as. Default { [GITHUB_SIM_TOKEN]: GITHUB_SIM_USER }. */
  tokens?: Record<string, string>;
  /** Create a repository on its first mention in an API call (default true); else unknown ones answer 404. */
  autoCreateRepos?: boolean;
  /** Where html_url links point. Default: the simulator's own URL. */
  htmlBaseUrl?: string;
  /** A webhook receiver that has not answered by then counts as failed. Default 10000 (GitHub's timeout is 10 s). */
  deliveryTimeoutMs?: number;
}

export type { NewIssue, SimComment, SimIssue, SimLabel } from '../forge-model';

export interface NewHook {
  url: string;
  secret?: string;
  /** GitHub event names, or '*'. Default ['issues', 'issue_comment']. */
  events?: string[];
}

export interface FailureOptions {
  /** Sent as `Retry-After` (seconds). */
  retryAfter?: number;
  /** Answer as an exhausted primary rate limit: `x-ratelimit-remaining: 0`, reset after `retryAfter` (default 1) seconds, no Retry-After. */
  rateLimitExhausted?: boolean;
  message?: string;
}


/** Lower-cased, as GitHub compares label names. */
const fold = (name: string): string => name.toLowerCase();

export class GitHubSimulator extends ForgeSimulator<FailureOptions> {
  private readonly repos = new Map<string, RepoRec>();
  private readonly userIds = new Map<string, number>();
  private readonly json = new GitHubJson(
    () => this.url,
    () => this.options.htmlBaseUrl ?? this.url,
    (login) => this.userId(login),
  );
  private readonly tokens: Map<string, string>;
  protected readonly dispatcher: WebhookDispatcher;
  private readonly hookshot = `GitHub-Hookshot/${randomBytes(4).toString('hex').slice(0, 7)}`;
  private nextId = { repo: 1, issue: 1, label: 1, comment: 1, hook: 1 };
  private pushes = 0;
  protected readonly api: ScriptedApi<FailureOptions>;
  protected readonly server: SimHttpServer;

  private constructor(
    private readonly options: { host: string; tokens: Record<string, string>; autoCreateRepos: boolean; htmlBaseUrl?: string; deliveryTimeoutMs: number },
  ) {
    super();
    this.tokens = new Map(Object.entries(options.tokens));
    this.dispatcher = new WebhookDispatcher({ timeoutMs: options.deliveryTimeoutMs });
    this.api = new ScriptedApi<FailureOptions>({
      authenticate: (req) => this.authenticate(req),
      route: (method, url, body, user, accept) => this.route(method, url, body, user, accept),
      failure: (failure) => this.failureAnswer(failure),
      errorBody: (status, message, err) => ({ message, ...(err instanceof HttpError ? err.extra : {}), documentation_url: DOCS, status: String(status) }),
      send: (res, status, body, headers) => this.send(res, status, body, headers),
    });
    this.server = new SimHttpServer(options.host, (req, res) => this.api.handle(req, res, this.url));
  }

  static async start(opts: GitHubSimulatorOptions = {}): Promise<GitHubSimulator> {
    const sim = new GitHubSimulator({
      host: opts.host ?? '127.0.0.1',
      tokens: opts.tokens ?? { [GITHUB_SIM_TOKEN]: GITHUB_SIM_USER },
      autoCreateRepos: opts.autoCreateRepos ?? true,
      htmlBaseUrl: opts.htmlBaseUrl?.replace(/\/+$/, ''),
      deliveryTimeoutMs: opts.deliveryTimeoutMs ?? 10_000,
    });
    return sim.listenOn(opts.port);
  }

  // ---- test helpers: state -------------------------------------------------

  createRepo(owner: string, name: string): void {
    this.repoOrCreate(owner, name);
  }

  createLabel(owner: string, name: string, label: { name: string; color?: string; description?: string }): SimLabel {
    return simLabel(this.addLabel(this.repoOrCreate(owner, name), label.name, label.color ?? 'ededed', label.description ?? ''));
  }

  /** Fires `issues` `opened`, then one `labeled` per label, as GitHub does. */
  openIssue(owner: string, name: string, issue: NewIssue): SimIssue {
    const repo = this.repoOrCreate(owner, name);
    const rec = this.newIssue(repo, issue, false);
    this.fireOpened(repo, rec, rec.author);
    return this.simIssue(repo, rec);
  }

  /** A pull request: the issues API lists it too, with a `pull_request` key. Fires `pull_request`, action `opened`. */
  openPullRequest(owner: string, name: string, pr: NewIssue & NewPullBranches): SimIssue {
    const repo = this.repoOrCreate(owner, name);
    const rec = this.newIssue(repo, pr, true, pr);
    this.firePull(repo, rec, 'opened', rec.author);
    return this.simIssue(repo, rec);
  }

  /** A push to the head branch: fires `pull_request`, action `synchronize`, with `before` and `after`. */
  synchronizePullRequest(owner: string, name: string, number: number, sender?: string): void {
    const repo = this.repoOrCreate(owner, name);
    const pull = this.pullRec(repo, number);
    const before = pull.pull!.headSha;
    pushToPull(pull.pull!, ++this.pushes);
    pull.updatedAt = this.now();
    this.firePull(repo, pull, 'synchronize', sender ?? pull.author, { before, after: pull.pull!.headSha });
  }

  /** Merges it, as PUT /repos/{owner}/{repo}/pulls/{number}/merge does: fires `pull_request`, action `closed`, with `merged: true`. */
  mergePullRequest(owner: string, name: string, number: number, sender?: string): void {
    const repo = this.repoOrCreate(owner, name);
    this.merge(repo, this.pullRec(repo, number), sender ?? repo.owner)();
  }

  /** Sets an issue's labels by name (creating missing ones); fires `unlabeled`/`labeled` per label changed, each with its `label`. */
  setLabels(owner: string, name: string, number: number, labels: string[], sender?: string): void {
    const repo = this.repoOrCreate(owner, name);
    const issue = this.issueRec(repo, number);
    const ids = labels.map((label) => this.labelOrCreate(repo, label).id);
    this.replaceLabels(repo, issue, ids, sender ?? issue.author)();
  }

  closeIssue(owner: string, name: string, number: number, sender?: string): void {
    const repo = this.repoOrCreate(owner, name);
    const issue = this.issueRec(repo, number);
    this.changeState(repo, issue, 'closed', sender ?? issue.author)();
  }

  reopenIssue(owner: string, name: string, number: number, sender?: string): void {
    const repo = this.repoOrCreate(owner, name);
    const issue = this.issueRec(repo, number);
    this.changeState(repo, issue, 'open', sender ?? issue.author)();
  }

  /** Fires `issue_comment` `created`. */
  addComment(owner: string, name: string, number: number, body: string, author: string): SimComment {
    const repo = this.repoOrCreate(owner, name);
    const issue = this.issueRec(repo, number);
    const comment = this.newComment(issue, body, author);
    this.fireComment(repo, issue, comment, author);
    return simComment(comment);
  }

  /** Registers an active webhook (no ping), as POST /repos/{owner}/{repo}/hooks would; returns its id. */
  addWebhook(owner: string, name: string, hook: NewHook): number {
    const rec: HookRec = {
      id: this.nextId.hook++,
      url: hook.url,
      secret: hook.secret ?? '',
      events: hook.events ?? ['issues', 'issue_comment'],
      active: true,
      contentType: 'json',
      createdAt: this.now(),
    };
    this.repoOrCreate(owner, name).hooks.push(rec);
    return rec.id;
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

  private authenticate(req: IncomingMessage): string {
    const header = (req.headers.authorization ?? '').trim();
    if (header === '') throw new HttpError(401, 'Requires authentication');
    const match = /^(?:token|bearer)\s+(\S+)$/i.exec(header);
    const login = match?.[1] ? this.tokens.get(match[1]) : undefined;
    if (!login) throw new HttpError(401, 'Bad credentials');
    return login;
  }

  private route(method: string, url: URL, raw: string, user: string, accept = ''): ApiAnswer {
    const path = url.pathname.replace(/\/+$/, '');
    if (path === '/user' && method === 'GET') return ok(this.json.userJson(user));
    const m = /^\/repos\/([^/]+)\/([^/]+)(\/.*)?$/.exec(path);
    if (!m) throw new HttpError(404, 'Not Found');
    const repo = this.repoForApi(decodeURIComponent(m[1] ?? ''), decodeURIComponent(m[2] ?? ''));
    const rest = m[3] ?? '';
    const body = (): unknown => parseJson(raw);
    let r: RegExpExecArray | null;

    if ((r = /^\/pulls\/(\d+)$/.exec(rest)) && method === 'GET') {
      const pull = this.pullRec(repo, Number(r[1]));
      if (/application\/vnd\.github(\.v3)?\.diff/.test(accept)) return { status: 200, body: pull.diff, headers: { 'content-type': 'application/vnd.github.diff; charset=utf-8' } };
      return ok(this.json.pullJson(repo, pull));
    } else if ((r = /^\/pulls\/(\d+)\/merge$/.exec(rest)) && method === 'PUT') {
      const pull = this.pullRec(repo, Number(r[1]));
      if (pull.pull!.merged || pull.state === 'closed') throw new HttpError(405, 'Pull Request is not mergeable');
      const after = this.merge(repo, pull, user);
      return { status: 200, body: { sha: pull.pull!.mergeSha, merged: true, message: 'Pull Request successfully merged' }, after };
    } else if ((r = /^\/pulls\/(\d+)\/reviews$/.exec(rest))) {
      const pull = this.pullRec(repo, Number(r[1]));
      if (method === 'GET') return ok(pull.reviews.map((v) => this.reviewJson(v)));
      if (method === 'POST') {
        const b = asObject(body());
        const event = typeof b.event === 'string' ? b.event : 'PENDING';
        if (!['APPROVE', 'REQUEST_CHANGES', 'COMMENT', 'PENDING'].includes(event)) throw validationFailed('PullRequestReview', 'event', 'invalid');
        if ((event === 'REQUEST_CHANGES' || event === 'COMMENT') && !(typeof b.body === 'string' && b.body !== '')) throw validationFailed('PullRequestReview', 'body', 'missing_field');
        const review: SimReview = { id: this.nextId.comment++, body: typeof b.body === 'string' ? b.body : '', event, author: user };
        pull.reviews.push(review);
        return ok(this.reviewJson(review));
      }
    }
    if (rest === '/issues') {
      if (method === 'GET') return this.listIssues(repo, url);
      if (method === 'POST') return this.createIssue(repo, asObject(body()), user);
    } else if ((r = /^\/issues\/(\d+)$/.exec(rest))) {
      const issue = this.issueRec(repo, Number(r[1]));
      if (method === 'GET') return ok(this.json.issueJson(repo, issue));
      if (method === 'PATCH') return this.editIssue(repo, issue, asObject(body()), user);
    } else if ((r = /^\/issues\/(\d+)\/comments$/.exec(rest))) {
      const issue = this.issueRec(repo, Number(r[1]));
      if (method === 'GET') {
        const since = parseTime(url.searchParams.get('since'));
        return this.page(url, issue.comments.filter((c) => since === undefined || c.updatedAt >= since), (c) => this.json.commentJson(repo, issue, c));
      }
      if (method === 'POST') {
        const text = asObject(body()).body;
        if (typeof text !== 'string' || text === '') throw validationFailed('IssueComment', 'body', 'missing_field');
        const comment = this.newComment(issue, text, user);
        return { status: 201, body: this.json.commentJson(repo, issue, comment), after: () => this.fireComment(repo, issue, comment, user) };
      }
    } else if ((r = /^\/issues\/(\d+)\/labels$/.exec(rest))) {
      const issue = this.issueRec(repo, Number(r[1]));
      const labelsJson = (): unknown[] => this.issueLabels(repo, issue).map((l) => this.json.labelJson(repo, l));
      if (method === 'GET') return this.page(url, this.issueLabels(repo, issue), (l) => this.json.labelJson(repo, l));
      if (method === 'POST' || method === 'PUT') {
        // Adding a label the repository lacks creates it.
        const ids = labelNamesFrom(body()).map((n) => this.labelOrCreate(repo, n).id);
        const next = method === 'POST' ? [...issue.labelIds, ...ids] : ids;
        const after = this.replaceLabels(repo, issue, next, user);
        return { status: 200, body: labelsJson(), after };
      }
      if (method === 'DELETE') return { status: 204, body: undefined, after: this.replaceLabels(repo, issue, [], user) };
    } else if ((r = /^\/issues\/(\d+)\/labels\/([^/]+)$/.exec(rest))) {
      const issue = this.issueRec(repo, Number(r[1]));
      const labelName = decodeURIComponent(r[2] ?? '');
      if (method === 'DELETE') {
        const label = repo.labels.find((l) => fold(l.name) === fold(labelName));
        if (!label || !issue.labelIds.includes(label.id)) throw new HttpError(404, 'Label does not exist');
        const after = this.replaceLabels(repo, issue, issue.labelIds.filter((id) => id !== label.id), user);
        return { status: 200, body: this.issueLabels(repo, issue).map((l) => this.json.labelJson(repo, l)), after };
      }
    } else if (rest === '/labels') {
      if (method === 'GET') return this.page(url, repo.labels, (l) => this.json.labelJson(repo, l));
      if (method === 'POST') return this.createLabelFromApi(repo, asObject(body()));
    } else if (rest === '/hooks') {
      if (method === 'GET') return ok(repo.hooks.map((h) => this.json.hookJson(repo, h)));
      if (method === 'POST') return this.createHook(repo, asObject(body()), user);
    } else {
      throw new HttpError(404, 'Not Found');
    }
    throw new HttpError(404, 'Not Found');
  }

  // ---- API handlers ----------------------------------------------------------

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
        const have = new Set(this.issueLabels(repo, i).map((l) => fold(l.name)));
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
    const issue = this.newIssue(repo, { title: String(title), body: typeof body.body === 'string' ? body.body : '', labels, author: user }, false);
    return { status: 201, body: this.json.issueJson(repo, issue), after: () => this.fireOpened(repo, issue, user) };
  }

  private editIssue(repo: RepoRec, issue: IssueRec, body: Record<string, unknown>, user: string): ApiAnswer {
    const events: (() => void)[] = [];
    const edited = (): void => {
      issue.updatedAt = this.now();
      events.push(() => this.fireIssue(repo, issue, 'edited', user));
    };
    if (typeof body.title === 'string' && body.title !== issue.title) {
      issue.title = body.title;
      edited();
    }
    if (typeof body.body === 'string' && body.body !== issue.body) {
      issue.body = body.body;
      edited();
    }
    if (body.labels !== undefined) events.push(this.replaceLabels(repo, issue, labelNamesFrom(body).map((n) => this.labelOrCreate(repo, n).id), user));
    if (body.state === 'open' || body.state === 'closed') events.push(this.changeState(repo, issue, body.state, user));
    else if (body.state !== undefined) throw validationFailed('Issue', 'state', 'invalid');
    return { status: 200, body: this.json.issueJson(repo, issue), after: () => events.forEach((fire) => fire()) };
  }

  private createLabelFromApi(repo: RepoRec, body: Record<string, unknown>): ApiAnswer {
    const { name, color, description } = body;
    if (typeof name !== 'string' || name.trim() === '') throw validationFailed('Label', 'name', 'missing_field');
    if (color !== undefined && (typeof color !== 'string' || !/^[0-9a-fA-F]{6}$/.test(color))) throw validationFailed('Label', 'color', 'invalid');
    if (repo.labels.some((l) => fold(l.name) === fold(name))) throw validationFailed('Label', 'name', 'already_exists');
    const label = this.addLabel(repo, name, typeof color === 'string' ? color : 'ededed', typeof description === 'string' ? description : '');
    return { status: 201, body: this.json.labelJson(repo, label) };
  }

  private createHook(repo: RepoRec, body: Record<string, unknown>, user: string): ApiAnswer {
    if (body.name !== undefined && body.name !== 'web') throw validationFailed('Hook', 'name', 'invalid');
    const config = body.config;
    if (!isObject(config) || typeof config.url !== 'string' || config.url === '') throw validationFailed('Hook', 'url', 'missing_field');
    const contentType = typeof config.content_type === 'string' ? config.content_type : 'form';
    if (contentType !== 'json') throw new HttpError(422, 'the simulator delivers content_type "json" only');
    const hook: HookRec = {
      id: this.nextId.hook++,
      url: config.url,
      secret: typeof config.secret === 'string' ? config.secret : '',
      events: Array.isArray(body.events) && body.events.length > 0 ? body.events.filter((e): e is string => typeof e === 'string') : ['push'],
      active: body.active !== false,
      contentType,
      createdAt: this.now(),
    };
    repo.hooks.push(hook);
    // GitHub pings a new hook at once.
    const ping = (): void => {
      if (!hook.active) return;
      const payload = { zen: 'Keep it logically awesome.', hook_id: hook.id, hook: this.json.hookJson(repo, hook), repository: this.json.repoJson(repo), sender: this.json.userJson(user) };
      this.deliver(repo, hook, 'ping', payload);
    };
    return { status: 201, body: this.json.hookJson(repo, hook), after: ping };
  }

  /** One page of `items` with GitHub's Link header. */
  private page<T>(url: URL, items: T[], toJson: (item: T) => unknown): ApiAnswer {
    const q = url.searchParams;
    const perPage = Math.min(100, Math.max(1, intParam(q.get('per_page')) ?? 30));
    const page = Math.max(1, intParam(q.get('page')) ?? 1);
    const slice = items.slice((page - 1) * perPage, page * perPage);
    const link = linkHeader(url, this.url, page, perPage, items.length);
    return { status: 200, body: slice.map(toJson), headers: link ? { Link: link } : {} };
  }

  // ---- state changes (shared by the API and the helpers) --------------------

  private newIssue(repo: RepoRec, input: NewIssue, isPull: boolean, branches?: NewPullBranches): IssueRec {
    const now = this.now();
    const issue: IssueRec = {
      id: this.nextId.issue++,
      number: repo.nextNumber++,
      title: input.title,
      body: input.body ?? '',
      state: 'open',
      labelIds: [...new Set((input.labels ?? []).map((label) => this.labelOrCreate(repo, label).id))],
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
    return issue;
  }

  private newComment(issue: IssueRec, body: string, author: string): CommentRec {
    const now = this.now();
    const comment: CommentRec = { id: this.nextId.comment++, body, author, createdAt: now, updatedAt: now };
    this.userId(author);
    issue.comments.push(comment);
    issue.updatedAt = now;
    return comment;
  }

  /** Sets the label IDs; returns what fires the webhooks for the labels that changed. */
  private replaceLabels(repo: RepoRec, issue: IssueRec, ids: number[], sender: string): () => void {
    const next = [...new Set(ids)];
    const removed = issue.labelIds.filter((id) => !next.includes(id));
    const added = next.filter((id) => !issue.labelIds.includes(id));
    if (removed.length === 0 && added.length === 0) return () => undefined;
    issue.labelIds = next;
    issue.updatedAt = this.now();
    const label = (id: number): LabelRec | undefined => repo.labels.find((l) => l.id === id);
    return () => {
      for (const id of removed) this.fireIssue(repo, issue, 'unlabeled', sender, label(id));
      for (const id of added) this.fireIssue(repo, issue, 'labeled', sender, label(id));
    };
  }

  private changeState(repo: RepoRec, issue: IssueRec, state: 'open' | 'closed', sender: string): () => void {
    if (issue.state === state) return () => undefined;
    issue.state = state;
    issue.updatedAt = this.now();
    issue.closedAt = state === 'closed' ? issue.updatedAt : null;
    const action = state === 'closed' ? 'closed' : 'reopened';
    return () => (issue.isPull ? this.firePull(repo, issue, action, sender) : this.fireIssue(repo, issue, action, sender));
  }

  /** Merges and closes a pull request; returns the webhook to fire. */
  private merge(repo: RepoRec, pull: IssueRec, sender: string): () => void {
    const now = this.now();
    mergePull(pull.pull!, now, sender);
    this.userId(sender);
    pull.state = 'closed';
    pull.updatedAt = now;
    pull.closedAt = now;
    return () => this.firePull(repo, pull, 'closed', sender);
  }

  private labelOrCreate(repo: RepoRec, name: string): LabelRec {
    return repo.labels.find((l) => fold(l.name) === fold(name)) ?? this.addLabel(repo, name, 'ededed', '');
  }

  private addLabel(repo: RepoRec, name: string, color: string, description: string): LabelRec {
    const label: LabelRec = { id: this.nextId.label++, name, color: color.toLowerCase(), description };
    repo.labels.push(label);
    return label;
  }

  // ---- webhooks ---------------------------------------------------------------

  private fireOpened(repo: RepoRec, issue: IssueRec, sender: string): void {
    if (issue.isPull) return;
    this.fireIssue(repo, issue, 'opened', sender);
    for (const label of this.issueLabels(repo, issue)) this.fireIssue(repo, issue, 'labeled', sender, label);
  }

  private fireIssue(repo: RepoRec, issue: IssueRec, action: string, sender: string, label?: LabelRec): void {
    this.fire(repo, 'issues', {
      action,
      issue: this.json.issueJson(repo, issue),
      ...(label ? { label: this.json.labelJson(repo, label) } : {}),
      repository: this.json.repoJson(repo),
      sender: this.json.userJson(sender),
    });
  }

  private firePull(repo: RepoRec, pull: IssueRec, action: string, sender: string, extra: Record<string, unknown> = {}): void {
    this.fire(repo, 'pull_request', { action, number: pull.number, ...extra, pull_request: this.json.pullJson(repo, pull), repository: this.json.repoJson(repo), sender: this.json.userJson(sender) });
  }

  private fireComment(repo: RepoRec, issue: IssueRec, comment: CommentRec, sender: string): void {
    this.fire(repo, 'issue_comment', {
      action: 'created',
      issue: this.json.issueJson(repo, issue),
      comment: this.json.commentJson(repo, issue, comment),
      repository: this.json.repoJson(repo),
      sender: this.json.userJson(sender),
    });
  }

  private fire(repo: RepoRec, event: string, payload: Record<string, unknown>): void {
    for (const hook of repo.hooks) {
      if (hook.active && (hook.events.includes(event) || hook.events.includes('*'))) this.deliver(repo, hook, event, payload);
    }
  }

  private deliver(repo: RepoRec, hook: HookRec, event: string, payload: Record<string, unknown>): void {
    // GitHub sends compact JSON.
    const body = JSON.stringify(payload);
    this.dispatcher.enqueue({
      hook,
      event,
      body,
      headers: (deliveryId) => ({
        Accept: '*/*',
        'Content-Type': 'application/json',
        'User-Agent': this.hookshot,
        'X-GitHub-Delivery': deliveryId,
        'X-GitHub-Event': event,
        'X-GitHub-Hook-ID': String(hook.id),
        'X-GitHub-Hook-Installation-Target-ID': String(repo.id),
        'X-GitHub-Hook-Installation-Target-Type': 'repository',
        ...(hook.secret === '' ? {} : { 'X-Hub-Signature': `sha1=${hmacSha1Hex(hook.secret, body)}`, 'X-Hub-Signature-256': `sha256=${hmacSha256Hex(hook.secret, body)}` }),
      }),
    });
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
    if (!this.options.autoCreateRepos) throw new HttpError(404, 'Not Found');
    return this.repoOrCreate(owner, name);
  }

  private pullRec(repo: RepoRec, number: number): IssueRec {
    const pull = repo.issues.get(number);
    if (!pull?.isPull) throw new HttpError(404, 'Not Found');
    return pull;
  }

  private reviewJson(v: SimReview): Record<string, unknown> {
    const state = { APPROVE: 'APPROVED', REQUEST_CHANGES: 'CHANGES_REQUESTED', COMMENT: 'COMMENTED', PENDING: 'PENDING' }[v.event] ?? v.event;
    return { id: v.id, body: v.body, state, user: this.json.userJson(v.author), submitted_at: new Date(this.now()).toISOString() };
  }

  private issueRec(repo: RepoRec, number: number): IssueRec {
    const issue = repo.issues.get(number);
    if (!issue) throw new HttpError(404, 'Not Found');
    return issue;
  }

  private issueLabels(repo: RepoRec, issue: IssueRec): LabelRec[] {
    return labelsOf(repo, issue);
  }

  private simIssue(repo: RepoRec, issue: IssueRec): SimIssue {
    return {
      number: issue.number,
      title: issue.title,
      body: issue.body,
      state: issue.state,
      labels: this.issueLabels(repo, issue).map((l) => l.name),
      author: issue.author,
      createdAt: githubTime(issue.createdAt),
      updatedAt: githubTime(issue.updatedAt),
      closedAt: issue.closedAt === null ? null : githubTime(issue.closedAt),
      isPullRequest: issue.isPull,
    };
  }

  /** The rate-limit headers every answer carries; a real count is not kept. */
  private rateHeaders(remaining = RATE_LIMIT - 1, resetInSeconds = 3600): Record<string, string> {
    return {
      'X-RateLimit-Limit': String(RATE_LIMIT),
      'X-RateLimit-Remaining': String(remaining),
      'X-RateLimit-Reset': String(Math.ceil(Date.now() / 1000) + resetInSeconds),
      'X-RateLimit-Used': String(RATE_LIMIT - remaining),
      'X-RateLimit-Resource': 'core',
    };
  }

  private failureAnswer(failure: { status: number } & FailureOptions): ApiAnswer {
    if (failure.rateLimitExhausted) {
      const message = failure.message ?? `API rate limit exceeded for user ID ${this.userId(GITHUB_SIM_USER)}.`;
      return { status: failure.status, body: { message, documentation_url: `${DOCS}/overview/rate-limits-for-the-rest-api`, status: String(failure.status) }, headers: this.rateHeaders(0, failure.retryAfter ?? 1) };
    }
    const headers: Record<string, string> = failure.retryAfter === undefined ? {} : { 'Retry-After': String(failure.retryAfter) };
    const message = failure.message ?? http.STATUS_CODES[failure.status] ?? 'error';
    return { status: failure.status, body: { message, documentation_url: DOCS, status: String(failure.status) }, headers };
  }

  private send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
    const common = { 'X-GitHub-Media-Type': 'github.v3; format=json', 'X-GitHub-Request-Id': randomBytes(8).toString('hex').toUpperCase(), ...this.rateHeaders(), ...headers };
    if (typeof body === 'string' && headers['content-type']?.startsWith('application/vnd.github.diff')) return void res.writeHead(status, common).end(body);
    writeJson(res, status, body, common);
  }
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
  if (value === null || value === '') return undefined;
  const ms = Date.parse(value);
  if (!Number.isFinite(ms)) throw validationFailed('Issue', 'since', 'invalid');
  return Math.floor(ms / 1000) * 1000;
}


function simLabel(label: LabelRec): SimLabel {
  return { id: label.id, name: label.name, color: label.color, description: label.description };
}

function simComment(comment: CommentRec): SimComment {
  return { id: comment.id, body: comment.body, author: comment.author, createdAt: githubTime(comment.createdAt) };
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
