/**
 * What the Gitea and GitHub simulators share besides HTTP: scripted failures
 * and latency, a clock that can be frozen, the requests they answered, what
 * tests read of the repositories, and webhook deliveries that can be paused,
 * awaited and sent again. Each simulator adds its forge's API, payloads and
 * headers.
 */
import type { SimComment, SimIssue, SimLabel, SimReview } from './forge-model';
import { simComment, simIssue, simLabel, type BaseLabelRec, type ForgeRepoRec, type IssueRec } from './forge-records';
import type { ForgeStore } from './forge-store';
import type { SimDelivery, SimHook, WebhookDispatcher } from './forge-webhooks';
import { HttpSimulator, type ScriptedApi, type SimRequestRecord } from './sim-http';

/** What both forge simulators can be started with. */
export interface ForgeSimulatorOptions {
  /** 0 = any free port (default). */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Accepted API tokens → the login each acts as. Default: the forge's simulator token, acting as `whoosh-bot`. */
  tokens?: Record<string, string>;
  /** Create a repository on its first mention in an API call (default true); else unknown ones answer 404. */
  autoCreateRepos?: boolean;
  /** A webhook receiver that has not answered by then counts as failed. */
  deliveryTimeoutMs?: number;
}

/**
 * A forge's own side of a change: its label rules and the webhooks it fires.
 * Each change returns what fires its webhooks, so that an API answer can be
 * written first.
 */
export interface ForgeChanges<L extends BaseLabelRec, H extends SimHook> {
  /** The label of that name (by the forge's rule of matching names), created when missing. */
  labelOrCreate(repo: ForgeRepoRec<L, H>, name: string): L;
  addLabel(repo: ForgeRepoRec<L, H>, name: string, color: string, description: string): L;
  replaceLabels(repo: ForgeRepoRec<L, H>, issue: IssueRec, ids: number[], sender: string): () => void;
  changeState(repo: ForgeRepoRec<L, H>, issue: IssueRec, state: 'open' | 'closed', sender: string): () => void;
  /** A push to the pull request's head branch; fires at once. */
  synchronize(repo: ForgeRepoRec<L, H>, pull: IssueRec, sender: string): void;
  merge(repo: ForgeRepoRec<L, H>, pull: IssueRec, sender: string): () => void;
}

export abstract class ForgeSimulator<F extends { retryAfter?: number }, L extends BaseLabelRec, H extends SimHook> extends HttpSimulator {
  protected abstract readonly dispatcher: WebhookDispatcher;
  protected abstract readonly api: ScriptedApi<F>;
  protected abstract readonly store: ForgeStore<L, H>;
  protected abstract readonly changes: ForgeChanges<L, H>;
  protected frozenAt: number | undefined;

  // ---- test helpers: repositories -------------------------------------------------
  // Each change fires the webhooks its forge sends for it (see each simulator).

  createRepo(owner: string, name: string): void {
    this.store.repoOrCreate(owner, name);
  }

  /** Creates a label (no webhook: neither forge sends one for a repository's labels). */
  createLabel(owner: string, name: string, label: { name: string; color?: string; description?: string }): SimLabel {
    return simLabel(this.changes.addLabel(this.store.repoOrCreate(owner, name), label.name, label.color ?? 'ededed', label.description ?? ''));
  }

  /** Sets an issue's labels by name, creating missing ones. */
  setLabels(owner: string, name: string, number: number, labels: string[], sender?: string): void {
    const repo = this.store.repoOrCreate(owner, name);
    const issue = this.store.issueRec(repo, number);
    const ids = labels.map((label) => this.changes.labelOrCreate(repo, label).id);
    this.changes.replaceLabels(repo, issue, ids, sender ?? issue.author)();
  }

  closeIssue(owner: string, name: string, number: number, sender?: string): void {
    const repo = this.store.repoOrCreate(owner, name);
    const issue = this.store.issueRec(repo, number);
    this.changes.changeState(repo, issue, 'closed', sender ?? issue.author)();
  }

  reopenIssue(owner: string, name: string, number: number, sender?: string): void {
    const repo = this.store.repoOrCreate(owner, name);
    const issue = this.store.issueRec(repo, number);
    this.changes.changeState(repo, issue, 'open', sender ?? issue.author)();
  }

  /** A push to the pull request's head branch: fires `pull_request` (synchronized / synchronize). */
  synchronizePullRequest(owner: string, name: string, number: number, sender?: string): void {
    const repo = this.store.repoOrCreate(owner, name);
    const pull = this.store.pullRec(repo, number);
    this.changes.synchronize(repo, pull, sender ?? pull.author);
  }

  /** Merges it, as the API's merge endpoint does: fires `pull_request`, action `closed`, with `merged: true`. */
  mergePullRequest(owner: string, name: string, number: number, sender?: string): void {
    const repo = this.store.repoOrCreate(owner, name);
    const pull = this.store.pullRec(repo, number);
    this.changes.merge(repo, pull, sender ?? repo.owner)();
  }

  issues(owner: string, name: string): SimIssue[] {
    const repo = this.store.repoOrCreate(owner, name);
    return [...repo.issues.values()].map((issue) => simIssue(repo, issue));
  }

  issue(owner: string, name: string, number: number): SimIssue {
    const repo = this.store.repoOrCreate(owner, name);
    return simIssue(repo, this.store.issueRec(repo, number));
  }

  /** Reviews posted on a pull request, oldest first. */
  reviews(owner: string, name: string, number: number): SimReview[] {
    return [...this.store.pullRec(this.store.repoOrCreate(owner, name), number).reviews];
  }

  comments(owner: string, name: string, number: number): SimComment[] {
    return this.store.issueRec(this.store.repoOrCreate(owner, name), number).comments.map(simComment);
  }

  labels(owner: string, name: string): SimLabel[] {
    return this.store.repoOrCreate(owner, name).labels.map(simLabel);
  }

  /** Every API request answered, oldest first. */
  get requests(): SimRequestRecord[] {
    return this.api.requests;
  }

  /** Every delivery attempt, oldest first, with the receiver's answer. */
  get deliveries(): readonly SimDelivery[] {
    return this.dispatcher.deliveries;
  }

  /** Stops (false) or resumes (true) webhook deliveries. Events meanwhile are recorded as failed, never sent, and can be redelivered. */
  webhooks(enabled: boolean): void {
    this.dispatcher.setEnabled(enabled);
  }

  /** The next `n` API requests answer `status` (with `Retry-After: retryAfter` seconds when given), whatever they ask. */
  failNext(n: number, status: number, opts: F = {} as F): void {
    this.api.failNext(n, status, opts);
  }

  /** For the next `ms`, every API request answers `status` (with `Retry-After` when given): a forge down for a while. */
  failFor(ms: number, status: number, opts: F = {} as F): void {
    this.api.failFor(ms, status, opts);
  }

  /** For the next `ms`, every API write is carried out but answered `status`: the forge acted, the caller cannot tell. */
  loseAnswersFor(ms: number, status: number, opts: F = {} as F): void {
    this.api.loseAnswersFor(ms, status, opts);
  }

  /** Delay before every API answer from now on. */
  latency(ms: number): void {
    this.api.latency(ms);
  }

  /** Freezes the simulator's clock at `time` (null: real time again). Times are whole seconds, as both forges keep them. */
  setClock(time: Date | string | null): void {
    this.frozenAt = time === null ? undefined : new Date(time).getTime();
    if (this.frozenAt !== undefined && !Number.isFinite(this.frozenAt)) throw new RangeError(`setClock: not a time: ${String(time)}`);
  }

  /** Moves a frozen clock on (freezing it at the current time first if it runs). */
  advanceClock(ms: number): void {
    this.frozenAt = (this.frozenAt ?? Date.now()) + ms;
  }

  /** Resolves once every webhook delivery queued so far has been answered (or has failed). */
  settled(): Promise<void> {
    return this.dispatcher.settled();
  }

  /**
   * Sends an earlier delivery again: by default with the same delivery id (GitHub's "Redeliver");
   * `newDeliveryId: true` gives it a new one (Gitea's "replay").
   */
  redeliver(deliveryId: string, opts: { newDeliveryId?: boolean } = {}): Promise<number> {
    return this.dispatcher.redeliver(deliveryId, opts);
  }

  /** Stops listening; waits for the answers in progress and the deliveries queued. */
  async stop(): Promise<void> {
    if (!this.server.listening) return;
    await this.server.stop();
    await this.dispatcher.settled();
  }

  /** Now, in whole seconds (both forges keep whole seconds). */
  protected now(): number {
    return Math.floor((this.frozenAt ?? Date.now()) / 1000) * 1000;
  }
}
