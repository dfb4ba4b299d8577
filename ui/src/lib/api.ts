/**
 * The dashboard's only client of the WHOOSH HTTP API. Each call takes
 * `request = fetch` so tests can hand in a stub, and turns the API's error body
 * `{ error: { code, message, issues? } }` into a thrown ApiError carrying that
 * message. Types mirror the API's response schemas (api/routes/*.ts).
 */

export type Role = 'viewer' | 'operator' | 'admin';

export interface Me {
  readonly name: string;
  readonly role: Role;
  readonly via: string;
}

export type Dependency = 'temporal' | 'postgres';

export interface Probe {
  readonly ok: boolean;
  readonly latencyMs: number;
  readonly error?: string;
}

export interface Readiness {
  readonly status: 'ready' | 'unavailable';
  readonly down: string[];
  readonly checks: Record<Dependency, Probe>;
}

export interface SystemInfo {
  readonly version: string;
  readonly cluster: string;
  readonly namespace: string;
  readonly taskQueue: string;
  readonly temporalUiUrl: string | null;
}

export interface SelfCheckResult {
  readonly ok: boolean;
  readonly checkId: string;
  readonly verified: string[];
  readonly postgresVersion: string;
  readonly taskQueue: string;
  readonly startedAt: string;
  readonly finishedAt: string;
}

export interface SelfCheckView {
  readonly workflowId: string;
  readonly runId: string;
  /** A Temporal execution status name: RUNNING, COMPLETED, FAILED, … */
  readonly status: string;
  readonly result?: SelfCheckResult;
  readonly failure?: string;
  readonly temporalUiUrl?: string;
}

export interface FieldIssue {
  readonly path: string;
  readonly message: string;
}

export class ApiError extends Error {
  constructor(
    /** HTTP status, or 0 when the API could not be reached at all. */
    readonly status: number,
    readonly code: string,
    message: string,
    readonly issues: readonly FieldIssue[] = [],
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export const errorMessage = (err: unknown): string => (err instanceof Error ? err.message : String(err));

export const isUnauthorized = (err: unknown): boolean => err instanceof ApiError && err.status === 401;

export type Request = typeof fetch;

interface CallOptions {
  readonly token?: string;
  readonly method?: 'GET' | 'POST' | 'PUT' | 'DELETE';
  readonly body?: unknown;
  /** Non-2xx statuses whose body is an answer rather than an error (readiness's 503). */
  readonly accept?: readonly number[];
}

function errorFrom(status: number, body: unknown): ApiError {
  const error = (body as { error?: { code?: unknown; message?: unknown; issues?: unknown } } | undefined)?.error;
  if (error && typeof error.message === 'string') {
    const issues = Array.isArray(error.issues) ? (error.issues as FieldIssue[]) : [];
    return new ApiError(status, typeof error.code === 'string' ? error.code : 'unknown', error.message, issues);
  }
  // A proxy or a crashed server answers without the API's error shape.
  return new ApiError(status, 'unknown', `The API answered with HTTP ${status}`);
}

export async function call<T>(path: string, options: CallOptions = {}, request: Request = fetch): Promise<T> {
  const { token, method = 'GET', body, accept = [] } = options;
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (token !== undefined) headers.Authorization = `Bearer ${token}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';

  let response: Response;
  try {
    response = await request(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch {
    throw new ApiError(0, 'network', 'Could not reach the WHOOSH API');
  }
  if (response.status === 204) return undefined as T;
  const parsed: unknown = await response.json().catch(() => undefined);
  if (!response.ok && !accept.includes(response.status)) throw errorFrom(response.status, parsed);
  if (parsed === undefined) throw new ApiError(response.status, 'invalid_response', 'The API answered with something other than JSON');
  return parsed as T;
}

export const getMe = (token: string, request: Request = fetch) => call<Me>('/api/v1/me', { token }, request);

/** Public; a 503 still carries the readiness report, naming what is down. */
export const getReadiness = (request: Request = fetch) => call<Readiness>('/health/ready', { accept: [503] }, request);

export const getSystemInfo = (token: string, request: Request = fetch) => call<SystemInfo>('/api/v1/system/info', { token }, request);

export const startSelfCheck = (token: string, request: Request = fetch) =>
  call<SelfCheckView>('/api/v1/system/self-check', { token, method: 'POST', body: {} }, request);

export const getSelfCheck = (token: string, workflowId: string, request: Request = fetch) =>
  call<SelfCheckView>(`/api/v1/system/self-check/${encodeURIComponent(workflowId)}`, { token }, request);

export type QueryParams = Readonly<Record<string, string | number | boolean | undefined | null>>;

/** `path?query`, leaving out empty values. */
export function withQuery(path: string, params: QueryParams = {}): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `${path}?${s}` : path;
}

export const get = <T>(token: string, path: string, params: QueryParams = {}, request: Request = fetch) => call<T>(withQuery(path, params), { token }, request);

export const send = <T>(token: string, method: 'POST' | 'PUT' | 'DELETE', path: string, body?: unknown, request: Request = fetch) =>
  call<T>(path, { token, method, body }, request);
