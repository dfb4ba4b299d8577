/** What the Gitea and GitHub simulators show tests of their repositories. */

export interface SimIssue {
  readonly number: number;
  readonly title: string;
  readonly body: string;
  readonly state: 'open' | 'closed';
  readonly labels: string[];
  readonly author: string;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly closedAt: string | null;
  readonly isPullRequest: boolean;
}

export interface SimComment {
  readonly id: number;
  readonly body: string;
  readonly author: string;
  readonly createdAt: string;
}

export interface SimLabel {
  readonly id: number;
  readonly name: string;
  /** Six hex digits, no '#'. */
  readonly color: string;
  readonly description: string;
}

export interface NewIssue {
  title: string;
  body?: string;
  /** Label names; the test helpers create missing ones. */
  labels?: string[];
  /** Default: the repository owner. */
  author?: string;
  /** A pull request's unified diff (what the diff endpoints serve). */
  diff?: string;
}

/** A review posted on a pull request through the API. */
export interface SimReview {
  readonly id: number;
  readonly body: string;
  /** As the forge names it: APPROVED / REQUEST_CHANGES / COMMENT (Gitea), APPROVE / REQUEST_CHANGES / COMMENT (GitHub). */
  readonly event: string;
  readonly author: string;
}
