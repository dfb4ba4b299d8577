/**
 * The forge layer's front door: `createForge` picks the adapter for a
 * repository's kind. Nothing outside activities/forge/ imports an adapter or
 * a forge client directly.
 */
import type { Forge, ForgeKind, ForgeRepoRef } from './forge';
import { createGiteaForge } from './gitea-forge';
import { createGitHubForge } from './github-forge';
import type { ForgeClientOptions } from './retry';

const factories: Record<ForgeKind, (ref: ForgeRepoRef, opts?: ForgeClientOptions) => Forge> = {
  gitea: createGiteaForge,
  github: createGitHubForge,
};

export function createForge(ref: ForgeRepoRef, opts?: ForgeClientOptions): Forge {
  const factory = factories[ref.kind] as ((ref: ForgeRepoRef, opts?: ForgeClientOptions) => Forge) | undefined;
  if (!factory) throw new RangeError(`unknown forge kind ${JSON.stringify(ref.kind)}: expected ${Object.keys(factories).join(' or ')}`);
  return factory(ref, opts);
}

export * from './forge';
export { createGiteaForge } from './gitea-forge';
export { createGitHubForge } from './github-forge';
export { DEFAULT_RETRY, isRetryableAnswer, withRetry, type ForgeClientOptions, type RetryOptions } from './retry';
