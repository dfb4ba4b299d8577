/**
 * Pull request state shared by the Gitea and GitHub simulators: the head and
 * base branches, the head commit (a push to the branch — "synchronize" — moves
 * it) and the merge. Each simulator shapes it as its forge's JSON.
 */
import { createHash } from 'node:crypto';

export interface PullState {
  headRef: string;
  headSha: string;
  baseRef: string;
  merged: boolean;
  mergedAt: number | null;
  mergedBy: string | null;
  mergeSha: string | null;
}

/** What a test may say about a new pull request besides its issue fields. */
export interface NewPullBranches {
  /** Default `feature-{number}`. */
  head?: string;
  /** Default `main`. */
  base?: string;
}

/** A commit id for the simulators: 40 hex digits, different for each (seed) given. */
export function fakeSha(seed: string): string {
  return createHash('sha1').update(seed).digest('hex');
}

export function newPullState(number: number, branches: NewPullBranches = {}): PullState {
  const headRef = branches.head ?? `feature-${number}`;
  return { headRef, headSha: fakeSha(`${headRef}:${number}:0`), baseRef: branches.base ?? 'main', merged: false, mergedAt: null, mergedBy: null, mergeSha: null };
}

/** A push to the head branch: a new head commit. */
export function pushToPull(pull: PullState, pushes: number): void {
  pull.headSha = fakeSha(`${pull.headRef}:${pull.headSha}:${pushes}`);
}

/** Merges the pull request (the caller closes it and fires the event). */
export function mergePull(pull: PullState, at: number, by: string): void {
  pull.merged = true;
  pull.mergedAt = at;
  pull.mergedBy = by;
  pull.mergeSha = fakeSha(`merge:${pull.headSha}`);
}
