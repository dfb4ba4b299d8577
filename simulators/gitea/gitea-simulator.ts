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
import type { NewIssue, SimComment, SimIssue } from '../forge-model';
import type { NewPullBranches } from '../forge-pulls';
import { simComment, simIssue } from '../forge-records';
import { ForgeSimulator, type ForgeSimulatorOptions } from '../forge-simulator';
import { ForgeStore } from '../forge-store';
import { WebhookDispatcher } from '../forge-webhooks';
import { ScriptedApi, SimHttpServer } from '../sim-http';
import { GiteaApi, type GiteaFailureOptions } from './gitea-api';
import { GiteaChanges } from './gitea-changes';
import { GiteaJson } from './gitea-json';
import { NOT_FOUND, type HookRec, type LabelRec } from './gitea-records';

export type { SimDelivery, SimHook } from '../forge-webhooks';
export type { SimRequestRecord } from '../sim-http';

/** The token the simulator accepts unless told otherwise; it acts as `whoosh-bot`. */
export const GITEA_SIM_TOKEN = 'gitea-sim-token';
export const GITEA_SIM_USER = 'whoosh-bot';

/** `tokens` default: { [GITEA_SIM_TOKEN]: GITEA_SIM_USER }. */
export interface GiteaSimulatorOptions extends ForgeSimulatorOptions {
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

export class GiteaSimulator extends ForgeSimulator<GiteaFailureOptions, LabelRec, HookRec> {
  protected readonly store = new ForgeStore<LabelRec, HookRec>(() => this.now(), NOT_FOUND);
  private readonly json = new GiteaJson(
    () => this.url,
    (login) => this.store.userId(login),
  );
  protected readonly dispatcher: WebhookDispatcher;
  protected readonly changes: GiteaChanges;
  protected readonly api: ScriptedApi<GiteaFailureOptions>;
  protected readonly server: SimHttpServer;

  private constructor(options: Required<Omit<GiteaSimulatorOptions, 'port' | 'tokens'>> & { tokens: Record<string, string> }) {
    super();
    this.dispatcher = new WebhookDispatcher({ timeoutMs: options.deliveryTimeoutMs });
    this.changes = new GiteaChanges(this.store, this.json, this.dispatcher);
    const settings = { ...options, tokens: new Map(Object.entries(options.tokens)) };
    this.api = new ScriptedApi(new GiteaApi(settings, this.store, this.changes, this.json, () => this.url, () => this.now()));
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

  // ---- test helpers: the changes each forge makes its own way (the rest are ForgeSimulator's)

  /** Fires `issues`, action `opened` (labels given here ride along in the issue; no label event). */
  openIssue(owner: string, name: string, issue: NewIssue): SimIssue {
    const repo = this.store.repoOrCreate(owner, name);
    return simIssue(repo, this.changes.newIssue(repo, issue, false));
  }

  /** A pull request: the issues API lists it too (type=pulls) and serves it by number. Fires `pull_request`, action `opened`. */
  openPullRequest(owner: string, name: string, pr: NewIssue & NewPullBranches): SimIssue {
    const repo = this.store.repoOrCreate(owner, name);
    return simIssue(repo, this.changes.newIssue(repo, pr, true, undefined, true, pr));
  }

  /** Fires `issue_comment`, action `created`. */
  addComment(owner: string, name: string, number: number, body: string, author: string): SimComment {
    const repo = this.store.repoOrCreate(owner, name);
    return simComment(this.changes.newComment(repo, this.store.issueRec(repo, number), body, author));
  }

  /** Registers an active webhook, as POST /repos/{owner}/{repo}/hooks with type 'gitea' would; returns its id. */
  addWebhook(owner: string, name: string, hook: NewHook): number {
    const repo = this.store.repoOrCreate(owner, name);
    const id = this.store.nextId.hook++;
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
}
