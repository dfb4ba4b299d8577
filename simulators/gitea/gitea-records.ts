/** The Gitea simulator's records of repositories, issues, labels, comments and hooks. */
import type { IssueRec } from '../forge-records';
import type { SimHook } from '../forge-webhooks';

export type { CommentRec, IssueRec } from '../forge-records';

export interface LabelRec {
  id: number;
  name: string;
  color: string;
  description: string;
  exclusive: boolean;
}

export interface RepoRec {
  id: number;
  owner: string;
  name: string;
  createdAt: number;
  nextNumber: number;
  issues: Map<number, IssueRec>;
  labels: LabelRec[];
  hooks: (SimHook & { type: string; contentType: string; branchFilter: string; createdAt: number })[];
}

export type HookRec = RepoRec['hooks'][number];

/** An issue's labels, in its order. */
export function labelsOf(repo: RepoRec, issue: IssueRec): LabelRec[] {
  return issue.labelIds.map((id) => repo.labels.find((l) => l.id === id)).filter((l): l is LabelRec => l !== undefined);
}

/** RFC 3339 in whole seconds, as Gitea writes times (its server runs in UTC here). */
export function giteaTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
