/**
 * Where stored pipelines get a credential's secret from, by the id a node
 * names (`credentials: { httpBasicAuth: { id, name } }`). The one interface the
 * credential store plugs into; until one is given nothing resolves, and a
 * webhook that needs a credential refuses every call.
 */
export interface ResolvedCredential {
  /** httpBasicAuth: { user, password }; httpHeaderAuth: { name, value }; … */
  readonly type: string;
  readonly data: Readonly<Record<string, unknown>>;
}

export type ResolveCredential = (id: string) => Promise<ResolvedCredential | undefined>;

export const noCredentials: ResolveCredential = async () => undefined;
