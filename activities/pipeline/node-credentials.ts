/**
 * Opens the credential a side-effect node names, inside its activity, and
 * applies it to the requests in memory only: what the activity stores (the
 * responses) and what the history holds (the step number) never carry it.
 */
import type { Pool } from 'pg';
import { authHeaders } from '../../domain/credentials';
import { nonRetryableFailure } from '../../domain/failures';
import type { HttpRequestActivity } from '../../domain/pipeline/types';
import { CredentialNotFound, openCredential } from '../credentials/credential-store';

export async function withCredential(pool: Pool, request: HttpRequestActivity, key: (() => Buffer) | undefined): Promise<HttpRequestActivity> {
  const ref = request.credential;
  if (!ref) return request;
  if (!key) throw nonRetryableFailure('Misconfigured', 'this worker has no credentials key');
  let headers: Record<string, string>;
  try {
    headers = authHeaders(ref.type, await openCredential(pool, key(), ref));
  } catch (err) {
    if (err instanceof CredentialNotFound) throw nonRetryableFailure('CredentialNotFound', err.message);
    throw err;
  }
  const named = new Set(Object.keys(headers).map((h) => h.toLowerCase()));
  return {
    ...request,
    requests: request.requests.map((r) => ({
      ...r,
      headers: { ...Object.fromEntries(Object.entries(r.headers).filter(([h]) => !named.has(h.toLowerCase()))), ...headers },
    })),
  };
}
