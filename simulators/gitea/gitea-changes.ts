/**
 * What a change to a Gitea repository does: the record changes (through the
 * shared store) and the webhook deliveries Gitea sends for them
 * (services/webhook): its event types, who is subscribed to each, its
 * payloads and its headers. Each change that fires can instead hand back the
 * firing, for the API to run once its answer is written.
 */
import type { NewIssue } from '../forge-model';
import type { NewPullBranches } from '../forge-pulls';
import { hmacSha1Hex, hmacSha256Hex, type SimHook, type WebhookDispatcher } from '../forge-webhooks';
import type { GiteaJson } from './gitea-json';
import type { ForgeChanges } from '../forge-simulator';
import type { CommentRec, GiteaStore, HookRec, IssueRec, LabelRec, RepoRec } from './gitea-records';

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

export class GiteaChanges implements ForgeChanges<LabelRec, HookRec> {
  constructor(
    private readonly store: GiteaStore,
    private readonly json: GiteaJson,
    private readonly dispatcher: WebhookDispatcher,
  ) {}

  /** `labelIds` wins over `input.labels` (names, created when missing). Fires `issues` or `pull_request`, action `opened`, unless `fire` is false. */
  newIssue(repo: RepoRec, input: NewIssue, isPull: boolean, labelIds?: number[], fire = true, branches?: NewPullBranches): IssueRec {
    const ids = labelIds ?? (input.labels ?? []).map((label) => this.labelOrCreate(repo, label).id);
    const issue = this.store.addIssue(repo, input, isPull, ids, branches);
    if (fire && isPull) this.firePull(repo, issue, 'pull_request', 'opened', issue.author);
    else if (fire) this.fireIssue(repo, issue, 'issues', 'opened', issue.author);
    return issue;
  }

  newComment(repo: RepoRec, issue: IssueRec, body: string, author: string, fire = true): CommentRec {
    const comment = this.store.addComment(issue, body, author);
    if (fire) this.fireComment(repo, issue, comment, author);
    return comment;
  }

  /**
   * Sets the label IDs; returns what fires the one `issues` delivery (event type
   * issue_label) Gitea sends: action `label_updated`, or `label_cleared` when no
   * label is left, not saying which changed. Nothing when the set is the same.
   */
  replaceLabels(repo: RepoRec, issue: IssueRec, ids: number[], sender: string): () => void {
    if (!this.store.setLabelIds(issue, ids)) return () => undefined;
    const action = issue.labelIds.length === 0 ? 'label_cleared' : 'label_updated';
    return () => this.fireIssue(repo, issue, 'issue_label', action, sender);
  }

  /** Opens or closes; returns what fires `issues` (or `pull_request`) `closed`/`reopened`. */
  changeState(repo: RepoRec, issue: IssueRec, state: 'open' | 'closed', sender: string): () => void {
    if (!this.store.setState(issue, state)) return () => undefined;
    const action = state === 'closed' ? 'closed' : 'reopened';
    return () => (issue.isPull ? this.firePull(repo, issue, 'pull_request', action, sender) : this.fireIssue(repo, issue, 'issues', action, sender));
  }

  /** A push to the pull request's head branch: fires `pull_request` (event type pull_request_sync), action `synchronized`. */
  synchronize(repo: RepoRec, pull: IssueRec, sender: string): void {
    this.store.push(pull);
    this.firePull(repo, pull, 'pull_request_sync', 'synchronized', sender);
  }

  /** Merges and closes a pull request; returns the webhook to fire. */
  merge(repo: RepoRec, pull: IssueRec, sender: string): () => void {
    this.store.merge(pull, sender);
    return () => this.firePull(repo, pull, 'pull_request', 'closed', sender);
  }

  /** Gitea matches label names exactly. */
  labelOrCreate(repo: RepoRec, name: string): LabelRec {
    return repo.labels.find((l) => l.name === name) ?? this.addLabel(repo, name, 'ededed', '');
  }

  addLabel(repo: RepoRec, name: string, color: string, description: string): LabelRec {
    const label: LabelRec = { id: this.store.nextId.label++, name, color: color.replace(/^#/, '').toLowerCase(), description, exclusive: false };
    repo.labels.push(label);
    return label;
  }

  fireIssue(repo: RepoRec, issue: IssueRec, eventType: 'issues' | 'issue_label', action: string, sender: string): void {
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

  fireComment(repo: RepoRec, issue: IssueRec, comment: CommentRec, sender: string): void {
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
