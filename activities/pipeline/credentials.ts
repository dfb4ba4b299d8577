/**
 * Where stored pipelines get a credential's secret from: the node names it as
 * n8n documents do (`credentials: { httpBasicAuth: { id, name } }`), the
 * resolver answers its data when it is a credential of that type. The one
 * interface the credential store plugs into; until one is given nothing
 * resolves, and a webhook that needs a credential refuses every call.
 */
export interface CredentialLookup {
  readonly id: string | null;
  readonly name: string | null;
  /** The type the node expects: httpBasicAuth ({ user, password }) or httpHeaderAuth ({ name, value }). */
  readonly type: 'httpBasicAuth' | 'httpHeaderAuth';
}

/** The credential's data, or undefined when there is none of that id (or name) and type. */
export type ResolveCredential = (ref: CredentialLookup) => Promise<Readonly<Record<string, unknown>> | undefined>;

export const noCredentials: ResolveCredential = async () => undefined;
