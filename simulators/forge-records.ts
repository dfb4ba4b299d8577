/**
 * The records both forge simulators keep — repositories, issues (a pull
 * request is an issue with `pull` state), comments and labels — and the views
 * of them tests are shown. Each forge adds its own label and hook fields.
 */
import type { SimComment, SimIssue, SimLabel, SimReview } from './forge-model';
import type { PullState } from './forge-pulls';
import type { SimHook } from './forge-webhooks';

export interface CommentRec {
  id: number;
  body: string;
  author: string;
  createdAt: number;
  updatedAt: number;
}

export interface IssueRec {
  id: number;
  number: number;
  title: string;
  body: string;
  state: 'open' | 'closed';
  labelIds: number[];
  author: string;
  createdAt: number;
  updatedAt: number;
  closedAt: number | null;
  isPull: boolean;
  comments: CommentRec[];
  diff: string;
  reviews: SimReview[];
  pull?: PullState;
}

/** What both forges keep of a label. */
export interface BaseLabelRec {
  id: number;
  name: string;
  color: string;
  description: string;
}

export interface ForgeRepoRec<L extends BaseLabelRec, H extends SimHook> {
  id: number;
  owner: string;
  name: string;
  createdAt: number;
  nextNumber: number;
  issues: Map<number, IssueRec>;
  labels: L[];
  hooks: H[];
}

/** An issue's labels, in its order. */
export function labelsOf<L extends BaseLabelRec>(repo: { labels: L[] }, issue: IssueRec): L[] {
  return issue.labelIds.map((id) => repo.labels.find((l) => l.id === id)).filter((l): l is L => l !== undefined);
}

/** RFC 3339 in whole seconds, UTC: how GitHub writes times, and Gitea too (its server runs in UTC here). */
export function forgeTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** A time query parameter (since, before) as both forges read it: RFC 3339, to whole seconds; `invalid` is the forge's error for a bad one. */
export function parseForgeTime(value: string | null, invalid: () => Error): number | undefined {
  if (value === null || value === '') return undefined;
  const ms = Date.parse(value);
  if (!Number.isFinite(ms)) throw invalid();
  return Math.floor(ms / 1000) * 1000;
}

export function simIssue(repo: { labels: BaseLabelRec[] }, issue: IssueRec): SimIssue {
  return {
    number: issue.number,
    title: issue.title,
    body: issue.body,
    state: issue.state,
    labels: labelsOf(repo, issue).map((l) => l.name),
    author: issue.author,
    createdAt: forgeTime(issue.createdAt),
    updatedAt: forgeTime(issue.updatedAt),
    closedAt: issue.closedAt === null ? null : forgeTime(issue.closedAt),
    isPullRequest: issue.isPull,
  };
}

export function simLabel(label: BaseLabelRec): SimLabel {
  return { id: label.id, name: label.name, color: label.color, description: label.description };
}

export function simComment(comment: CommentRec): SimComment {
  return { id: comment.id, body: comment.body, author: comment.author, createdAt: forgeTime(comment.createdAt) };
}
