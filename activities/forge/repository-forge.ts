/**
 * The forge client of a registered repository, as every activity and route
 * that calls a forge gets it: with the repository's token (or the one
 * whoosh.yaml keeps for its base URL), and with every connection held to
 * `security.outbound_allow`, since its base URL was given over the API and
 * checked only then (see infra/outbound-policy.ts). Without `security`
 * (activities built without a config, in tests) connections are not checked.
 */
import type { WhooshConfig } from '../../infra/config';
import { guardedFetch } from '../../infra/outbound-policy';
import { forgeRef, type Repository } from '../intake/repository-store';
import { createForge, type Forge } from './index';

export type ForgeSecurity = Pick<WhooshConfig['security'], 'forge_tokens' | 'outbound_allow'>;

export function repositoryForge(repo: Repository, security?: ForgeSecurity, opts: { readonly token?: string } = {}): Forge {
  const ref = forgeRef(repo, security?.forge_tokens ?? []);
  return createForge(opts.token !== undefined ? { ...ref, token: opts.token } : ref, security ? { fetch: guardedFetch(security.outbound_allow) } : {});
}
