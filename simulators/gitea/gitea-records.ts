/** The Gitea simulator's records of repositories, issues, labels, comments and hooks. */
import type { ForgeRepoRec } from '../forge-records';
import type { ForgeStore } from '../forge-store';
import type { SimHook } from '../forge-webhooks';

export type { CommentRec, IssueRec } from '../forge-records';

export interface LabelRec {
  id: number;
  name: string;
  color: string;
  description: string;
  exclusive: boolean;
}

export type HookRec = SimHook & { type: string; contentType: string; branchFilter: string; createdAt: number };

export type RepoRec = ForgeRepoRec<LabelRec, HookRec>;

export type GiteaStore = ForgeStore<LabelRec, HookRec>;

/** Gitea's message for a 404. */
export const NOT_FOUND = "The target couldn't be found.";
