/**
 * One interface to the forges WHOOSH works with. The Gitea adapter speaks
 * through `gitea-js`, the GitHub adapter through `@octokit/rest`; nothing else
 * in WHOOSH speaks either protocol. Both retry 5xx and 429 answers (and
 * GitHub's 403 with an exhausted rate limit) with backoff, honouring
 * Retry-After, and never retry other 4xx answers.
 */

export type ForgeKind = 'gitea' | 'github';

export interface ForgeRepoRef {
  readonly kind: ForgeKind;
  /** Gitea: the instance root, e.g. http://gitea.lan:3000. GitHub: https://api.github.com (or an Enterprise API URL). */
  readonly baseUrl: string;
  readonly owner: string;
  readonly name: string;
  readonly token?: string;
}

export interface ForgeIssue {
  readonly number: number;
  readonly title: string;
  readonly body: string;
  readonly state: 'open' | 'closed';
  readonly labels: string[];
  readonly author: string;
  readonly url: string;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly isPullRequest: boolean;
}

export interface ForgeComment {
  readonly id: number;
  readonly body: string;
  readonly author: string;
  readonly createdAt: string;
}

export interface ForgeLabelSpec {
  readonly name: string;
  /** Six hex digits, no `#`. */
  readonly color: string;
  readonly description?: string;
}

export interface ListIssuesOptions {
  readonly state?: 'open' | 'closed' | 'all';
  /** Only issues updated at or after this ISO time. */
  readonly since?: string;
  /** Only issues carrying all of these labels. */
  readonly labels?: string[];
  readonly pageSize?: number;
}

export type PullRequestReviewEvent = 'approve' | 'requestChanges' | 'comment';

export interface Forge {
  readonly ref: ForgeRepoRef;
  /** The login of the account the token acts as (WHOOSH's own forge account). */
  whoami(): Promise<string>;
  getIssue(number: number): Promise<ForgeIssue>;
  /** Every matching issue (pull requests excluded), following pagination to the end. */
  listIssues(options?: ListIssuesOptions): Promise<ForgeIssue[]>;
  listComments(number: number): Promise<ForgeComment[]>;
  comment(number: number, body: string): Promise<ForgeComment>;
  /** Adds labels by name (creating none: they must exist; see ensureLabels). */
  addLabels(number: number, names: string[]): Promise<void>;
  /** Removes a label by name; removing one the issue lacks is not an error. */
  removeLabel(number: number, name: string): Promise<void>;
  createIssue(input: { title: string; body: string; labels?: string[] }): Promise<ForgeIssue>;
  /** A pull request's unified diff. */
  getPullRequestDiff(number: number): Promise<string>;
  /** Posts a review on a pull request: approve, request changes, or comment. */
  reviewPullRequest(number: number, review: { body: string; event: PullRequestReviewEvent }): Promise<{ id: number }>;
  /** Changes what is given of title, body and state (closing is state 'closed'). */
  editIssue(number: number, changes: { title?: string; body?: string; state?: 'open' | 'closed' }): Promise<ForgeIssue>;
  /** Creates the labels the repository lacks; returns which were created and which existed. */
  ensureLabels(specs: ForgeLabelSpec[]): Promise<{ created: string[]; existing: string[] }>;
}

/** A forge answered with an error (after retries, for retryable ones). */
export class ForgeError extends Error {
  constructor(
    message: string,
    readonly status: number | undefined,
    /** 5xx, 429, rate-limit 403 and network failures; other 4xx are final. */
    readonly retryable: boolean,
  ) {
    super(message);
    this.name = 'ForgeError';
  }
}
