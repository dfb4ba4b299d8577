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
import type { NewIssue, SimComment, SimIssue } from '../forge-model';
import type { NewPullBranches } from '../forge-pulls';
import { simComment, simIssue } from '../forge-records';
import { ForgeSimulator, type ForgeSimulatorOptions } from '../forge-simulator';
import { ForgeStore } from '../forge-store';
import { WebhookDispatcher } from '../forge-webhooks';
import { ScriptedApi, SimHttpServer } from '../sim-http';
import { GitHubApi, type FailureOptions } from './github-api';
import { GitHubChanges } from './github-changes';
import { GitHubJson } from './github-json';
import { NOT_FOUND, type HookRec, type LabelRec } from './github-records';

export type { SimDelivery, SimHook } from '../forge-webhooks';
export type { SimRequestRecord } from '../sim-http';
export type { FailureOptions } from './github-api';

/** The token the simulator accepts unless told otherwise; it acts as `whoosh-bot`. */
export const GITHUB_SIM_TOKEN = 'ghp_simulatortoken0000000000000000000000';
export const GITHUB_SIM_USER = 'whoosh-bot';

/** `tokens` default: { [GITHUB_SIM_TOKEN]: GITHUB_SIM_USER }. */
export interface GitHubSimulatorOptions extends ForgeSimulatorOptions {
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

export class GitHubSimulator extends ForgeSimulator<FailureOptions, LabelRec, HookRec> {
  protected readonly store = new ForgeStore<LabelRec, HookRec>(() => this.now(), NOT_FOUND);
  private readonly json = new GitHubJson(
    () => this.url,
    () => this.options.htmlBaseUrl ?? this.url,
    (login) => this.store.userId(login),
  );
  protected readonly dispatcher: WebhookDispatcher;
  protected readonly changes: GitHubChanges;
  protected readonly api: ScriptedApi<FailureOptions>;
  protected readonly server: SimHttpServer;

  private constructor(
    private readonly options: { host: string; tokens: Record<string, string>; autoCreateRepos: boolean; htmlBaseUrl?: string; deliveryTimeoutMs: number },
  ) {
    super();
    this.dispatcher = new WebhookDispatcher({ timeoutMs: options.deliveryTimeoutMs });
    this.changes = new GitHubChanges(this.store, this.json, this.dispatcher);
    const settings = { tokens: new Map(Object.entries(options.tokens)), autoCreateRepos: options.autoCreateRepos, rateLimitedUser: GITHUB_SIM_USER };
    this.api = new ScriptedApi(new GitHubApi(settings, this.store, this.changes, this.json, () => this.url, () => this.now()));
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

  // ---- test helpers: the changes each forge makes its own way (the rest are ForgeSimulator's)

  /** Fires `issues` `opened`, then one `labeled` per label, as GitHub does. */
  openIssue(owner: string, name: string, issue: NewIssue): SimIssue {
    const repo = this.store.repoOrCreate(owner, name);
    const rec = this.changes.newIssue(repo, issue, false);
    this.changes.fireOpened(repo, rec, rec.author);
    return simIssue(repo, rec);
  }

  /** A pull request: the issues API lists it too, with a `pull_request` key. Fires `pull_request`, action `opened`. */
  openPullRequest(owner: string, name: string, pr: NewIssue & NewPullBranches): SimIssue {
    const repo = this.store.repoOrCreate(owner, name);
    const rec = this.changes.newIssue(repo, pr, true, pr);
    this.changes.firePull(repo, rec, 'opened', rec.author);
    return simIssue(repo, rec);
  }

  /** Fires `issue_comment` `created`. */
  addComment(owner: string, name: string, number: number, body: string, author: string): SimComment {
    const repo = this.store.repoOrCreate(owner, name);
    const issue = this.store.issueRec(repo, number);
    const comment = this.store.addComment(issue, body, author);
    this.changes.fireComment(repo, issue, comment, author);
    return simComment(comment);
  }

  /** Registers an active webhook (no ping), as POST /repos/{owner}/{repo}/hooks would; returns its id. */
  addWebhook(owner: string, name: string, hook: NewHook): number {
    const rec: HookRec = {
      id: this.store.nextId.hook++,
      url: hook.url,
      secret: hook.secret ?? '',
      events: hook.events ?? ['issues', 'issue_comment'],
      active: true,
      contentType: 'json',
      createdAt: this.now(),
    };
    this.store.repoOrCreate(owner, name).hooks.push(rec);
    return rec.id;
  }
}
