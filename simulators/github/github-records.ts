/** The GitHub simulator's records of repositories, issues, labels, comments and hooks. */
import type { IssueRec } from '../forge-records';
import type { SimHook } from '../forge-webhooks';

export type { CommentRec, IssueRec } from '../forge-records';

export interface LabelRec {
  id: number;
  name: string;
  color: string;
  description: string;
}

export interface HookRec extends SimHook {
  createdAt: number;
  contentType: string;
}

export interface RepoRec {
  id: number;
  owner: string;
  name: string;
  createdAt: number;
  nextNumber: number;
  issues: Map<number, IssueRec>;
  labels: LabelRec[];
  hooks: HookRec[];
}

/** An issue's labels, in its order. */
export function labelsOf(repo: RepoRec, issue: IssueRec): LabelRec[] {
  return issue.labelIds.map((id) => repo.labels.find((l) => l.id === id)).filter((l): l is LabelRec => l !== undefined);
}

/** ISO 8601 in whole seconds, as GitHub writes times. */
export function githubTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export function nodeId(prefix: string, id: number): string {
  return `${prefix}_kwDO${Buffer.from(String(id)).toString('base64').replace(/=+$/, '')}`;
}
