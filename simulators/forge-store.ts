/**
 * The repositories a forge simulator holds, and the changes to them that both
 * forges make alike: users numbered on first mention, repositories made on
 * first mention, issues and pull requests numbered per repository, comments,
 * label sets, opening, closing and merging. No webhooks: each forge fires its
 * own, shaped its own way, after calling these.
 */
import type { NewIssue } from './forge-model';
import { mergePull, newPullState, pushToPull, type NewPullBranches } from './forge-pulls';
import type { BaseLabelRec, CommentRec, ForgeRepoRec, IssueRec } from './forge-records';
import type { SimHook } from './forge-webhooks';
import { HttpError } from './sim-http';

export class ForgeStore<L extends BaseLabelRec, H extends SimHook> {
  /** The next id of each kind (reviews are numbered with comments). */
  readonly nextId = { repo: 1, issue: 1, label: 1, comment: 1, hook: 1 };
  private readonly repos = new Map<string, ForgeRepoRec<L, H>>();
  private readonly userIds = new Map<string, number>();
  private pushes = 0;

  constructor(
    /** The simulator's clock, in whole seconds. */
    private readonly now: () => number,
    /** The forge's message for a 404. */
    private readonly notFound: string,
  ) {}

  /** A user's id: numbered in the order logins are first seen. */
  userId(login: string): number {
    let id = this.userIds.get(login);
    if (id === undefined) {
      id = this.userIds.size + 1;
      this.userIds.set(login, id);
    }
    return id;
  }

  repoOrCreate(owner: string, name: string): ForgeRepoRec<L, H> {
    const key = `${owner}/${name}`.toLowerCase();
    let repo = this.repos.get(key);
    if (!repo) {
      repo = { id: this.nextId.repo++, owner, name, createdAt: this.now(), nextNumber: 1, issues: new Map(), labels: [], hooks: [] };
      this.userId(owner);
      this.repos.set(key, repo);
    }
    return repo;
  }

  /** The repository an API call names; an unknown one is created when `autoCreate`, else 404. */
  repoForApi(owner: string, name: string, autoCreate: boolean): ForgeRepoRec<L, H> {
    const repo = this.repos.get(`${owner}/${name}`.toLowerCase());
    if (repo) return repo;
    if (!autoCreate) throw new HttpError(404, this.notFound);
    return this.repoOrCreate(owner, name);
  }

  issueRec(repo: ForgeRepoRec<L, H>, number: number): IssueRec {
    const issue = repo.issues.get(number);
    if (!issue) throw new HttpError(404, this.notFound);
    return issue;
  }

  pullRec(repo: ForgeRepoRec<L, H>, number: number): IssueRec {
    const pull = repo.issues.get(number);
    if (!pull?.isPull) throw new HttpError(404, this.notFound);
    return pull;
  }

  /** A new issue (or pull request, with its branches) with these label ids; `input.labels` is the caller's to resolve. */
  addIssue(repo: ForgeRepoRec<L, H>, input: NewIssue, isPull: boolean, labelIds: number[], branches?: NewPullBranches): IssueRec {
    const now = this.now();
    const issue: IssueRec = {
      id: this.nextId.issue++,
      number: repo.nextNumber++,
      title: input.title,
      body: input.body ?? '',
      state: 'open',
      labelIds: [...new Set(labelIds)],
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

  addComment(issue: IssueRec, body: string, author: string): CommentRec {
    const now = this.now();
    const comment: CommentRec = { id: this.nextId.comment++, body, author, createdAt: now, updatedAt: now };
    this.userId(author);
    issue.comments.push(comment);
    issue.updatedAt = now;
    return comment;
  }

  /** Gives the issue this set of label ids; says which were removed and added, or undefined when the set is the same. */
  setLabelIds(issue: IssueRec, ids: number[]): { removed: number[]; added: number[] } | undefined {
    const next = [...new Set(ids)];
    const removed = issue.labelIds.filter((id) => !next.includes(id));
    const added = next.filter((id) => !issue.labelIds.includes(id));
    if (removed.length === 0 && added.length === 0) return undefined;
    issue.labelIds = next;
    issue.updatedAt = this.now();
    return { removed, added };
  }

  /** Opens or closes the issue; false when it already was. */
  setState(issue: IssueRec, state: 'open' | 'closed'): boolean {
    if (issue.state === state) return false;
    issue.state = state;
    issue.updatedAt = this.now();
    issue.closedAt = state === 'closed' ? issue.updatedAt : null;
    return true;
  }

  /** A push to the pull request's head branch: a new head commit. */
  push(pull: IssueRec): void {
    pushToPull(pull.pull!, ++this.pushes);
    pull.updatedAt = this.now();
  }

  /** Merges and closes a pull request. */
  merge(pull: IssueRec, sender: string): void {
    const now = this.now();
    mergePull(pull.pull!, now, sender);
    this.userId(sender);
    pull.state = 'closed';
    pull.updatedAt = now;
    pull.closedAt = now;
  }
}
