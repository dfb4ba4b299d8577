/** The GitHub simulator's records of repositories, issues, labels, comments and hooks. */
import type { BaseLabelRec, ForgeRepoRec } from '../forge-records';
import type { ForgeStore } from '../forge-store';
import type { SimHook } from '../forge-webhooks';

export type { CommentRec, IssueRec } from '../forge-records';

export type LabelRec = BaseLabelRec;

export interface HookRec extends SimHook {
  createdAt: number;
  contentType: string;
}

export type RepoRec = ForgeRepoRec<LabelRec, HookRec>;

export type GitHubStore = ForgeStore<LabelRec, HookRec>;

/** GitHub's message for a 404. */
export const NOT_FOUND = 'Not Found';

/** Lower-cased, as GitHub compares label names. */
export const fold = (name: string): string => name.toLowerCase();

export function nodeId(prefix: string, id: number): string {
  return `${prefix}_kwDO${Buffer.from(String(id)).toString('base64').replace(/=+$/, '')}`;
}
