/**
 * Credential types pipelines can refer to, with n8n's field names, and what
 * each adds to an HTTP request. The data is secret: it is read only inside
 * activities, never returned by the API, logged, stored in run data or sent
 * through a workflow history.
 */
import { z } from 'zod';

export const CREDENTIAL_TYPES = ['httpHeaderAuth', 'httpBasicAuth', 'httpBearerAuth', 'forgeToken'] as const;
export type CredentialType = (typeof CREDENTIAL_TYPES)[number];

const secret = z.string().min(1).max(10_000);

export const credentialDataSchemas = {
  httpHeaderAuth: z.object({ name: z.string().min(1).max(500).regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, 'must be an HTTP header name'), value: secret }).strict(),
  httpBasicAuth: z.object({ user: z.string().max(500), password: secret }).strict(),
  httpBearerAuth: z.object({ token: secret }).strict(),
  forgeToken: z.object({ token: secret }).strict(),
} satisfies Record<CredentialType, z.ZodType>;

export type CredentialData = { [K in CredentialType]: z.infer<(typeof credentialDataSchemas)[K]> };

/** How a node names a credential: n8n's `credentials: { <type>: { id, name } }`. */
export interface CredentialRef {
  readonly type: CredentialType;
  readonly id?: string;
  readonly name?: string;
}

/** HTTP auth types a node's genericAuthType may name. */
export const HTTP_AUTH_TYPES: readonly CredentialType[] = ['httpHeaderAuth', 'httpBasicAuth', 'httpBearerAuth'];

function base64(text: string): string {
  let binary = '';
  for (const b of new TextEncoder().encode(text)) binary += String.fromCharCode(b);
  return btoa(binary);
}

/** Headers an HTTP credential adds to a request (they replace same-named headers of the node). */
export function authHeaders(type: CredentialType, data: unknown): Record<string, string> {
  switch (type) {
    case 'httpHeaderAuth': {
      const d = credentialDataSchemas.httpHeaderAuth.parse(data);
      return { [d.name]: d.value };
    }
    case 'httpBasicAuth': {
      const d = credentialDataSchemas.httpBasicAuth.parse(data);
      return { authorization: `Basic ${base64(`${d.user}:${d.password}`)}` };
    }
    case 'httpBearerAuth':
      return { authorization: `Bearer ${credentialDataSchemas.httpBearerAuth.parse(data).token}` };
    case 'forgeToken':
      throw new Error('a forge token is not an HTTP credential');
  }
}
