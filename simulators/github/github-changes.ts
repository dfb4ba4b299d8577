/**
 * What a change to a GitHub repository does: the record changes (through the
 * shared store) and the webhook deliveries GitHub sends for them — one
 * `labeled`/`unlabeled` per label, `opened` followed by one `labeled` per
 * label, `synchronize` with before/after — as compact JSON with GitHub's
 * headers. Changes hand back what fires their webhooks, for the API to run
 * once its answer is written.
 */
import { randomBytes } from 'node:crypto';
import type { NewIssue } from '../forge-model';
import type { NewPullBranches } from '../forge-pulls';
import { labelsOf } from '../forge-records';
import { hmacSha1Hex, hmacSha256Hex, type WebhookDispatcher } from '../forge-webhooks';
import type { GitHubJson } from './github-json';
import type { ForgeChanges } from '../forge-simulator';
import { fold, type CommentRec, type GitHubStore, type HookRec, type IssueRec, type LabelRec, type RepoRec } from './github-records';

export class GitHubChanges implements ForgeChanges<LabelRec, HookRec> {
  private readonly hookshot = `GitHub-Hookshot/${randomBytes(4).toString('hex').slice(0, 7)}`;

  constructor(
    private readonly store: GitHubStore,
    private readonly json: GitHubJson,
    private readonly dispatcher: WebhookDispatcher,
  ) {}

  /** A new issue or pull request, its label names created when missing; fires nothing (fireOpened / firePull do). */
  newIssue(repo: RepoRec, input: NewIssue, isPull: boolean, branches?: NewPullBranches): IssueRec {
    const ids = (input.labels ?? []).map((label) => this.labelOrCreate(repo, label).id);
    return this.store.addIssue(repo, input, isPull, ids, branches);
  }

  /** Sets the label IDs; returns what fires `unlabeled`/`labeled` for each label that changed, each with its `label`. */
  replaceLabels(repo: RepoRec, issue: IssueRec, ids: number[], sender: string): () => void {
    const changed = this.store.setLabelIds(issue, ids);
    if (!changed) return () => undefined;
    const label = (id: number): LabelRec | undefined => repo.labels.find((l) => l.id === id);
    return () => {
      for (const id of changed.removed) this.fireIssue(repo, issue, 'unlabeled', sender, label(id));
      for (const id of changed.added) this.fireIssue(repo, issue, 'labeled', sender, label(id));
    };
  }

  /** Opens or closes; returns what fires `issues` (or `pull_request`) `closed`/`reopened`. */
  changeState(repo: RepoRec, issue: IssueRec, state: 'open' | 'closed', sender: string): () => void {
    if (!this.store.setState(issue, state)) return () => undefined;
    const action = state === 'closed' ? 'closed' : 'reopened';
    return () => (issue.isPull ? this.firePull(repo, issue, action, sender) : this.fireIssue(repo, issue, action, sender));
  }

  /** A push to the head branch: fires `pull_request`, action `synchronize`, with `before` and `after`. */
  synchronize(repo: RepoRec, pull: IssueRec, sender: string): void {
    const before = pull.pull!.headSha;
    this.store.push(pull);
    this.firePull(repo, pull, 'synchronize', sender, { before, after: pull.pull!.headSha });
  }

  /** Merges and closes a pull request; returns the webhook to fire. */
  merge(repo: RepoRec, pull: IssueRec, sender: string): () => void {
    this.store.merge(pull, sender);
    return () => this.firePull(repo, pull, 'closed', sender);
  }

  /** GitHub matches label names without regard to case. */
  labelOrCreate(repo: RepoRec, name: string): LabelRec {
    return repo.labels.find((l) => fold(l.name) === fold(name)) ?? this.addLabel(repo, name, 'ededed', '');
  }

  addLabel(repo: RepoRec, name: string, color: string, description: string): LabelRec {
    const label: LabelRec = { id: this.store.nextId.label++, name, color: color.toLowerCase(), description };
    repo.labels.push(label);
    return label;
  }

  /** `issues` `opened`, then one `labeled` per label, as GitHub does (a pull request fires `pull_request` instead). */
  fireOpened(repo: RepoRec, issue: IssueRec, sender: string): void {
    if (issue.isPull) return;
    this.fireIssue(repo, issue, 'opened', sender);
    for (const label of labelsOf(repo, issue)) this.fireIssue(repo, issue, 'labeled', sender, label);
  }

  fireIssue(repo: RepoRec, issue: IssueRec, action: string, sender: string, label?: LabelRec): void {
    this.fire(repo, 'issues', {
      action,
      issue: this.json.issueJson(repo, issue),
      ...(label ? { label: this.json.labelJson(repo, label) } : {}),
      repository: this.json.repoJson(repo),
      sender: this.json.userJson(sender),
    });
  }

  firePull(repo: RepoRec, pull: IssueRec, action: string, sender: string, extra: Record<string, unknown> = {}): void {
    this.fire(repo, 'pull_request', { action, number: pull.number, ...extra, pull_request: this.json.pullJson(repo, pull), repository: this.json.repoJson(repo), sender: this.json.userJson(sender) });
  }

  fireComment(repo: RepoRec, issue: IssueRec, comment: CommentRec, sender: string): void {
    this.fire(repo, 'issue_comment', {
      action: 'created',
      issue: this.json.issueJson(repo, issue),
      comment: this.json.commentJson(repo, issue, comment),
      repository: this.json.repoJson(repo),
      sender: this.json.userJson(sender),
    });
  }

  /** The `ping` GitHub sends a new hook at once. */
  ping(repo: RepoRec, hook: HookRec, sender: string): void {
    if (!hook.active) return;
    const payload = { zen: 'Keep it logically awesome.', hook_id: hook.id, hook: this.json.hookJson(repo, hook), repository: this.json.repoJson(repo), sender: this.json.userJson(sender) };
    this.deliver(repo, hook, 'ping', payload);
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
}
