/**
 * The one retry policy for forge calls. It is a fetch wrapper, handed to both
 * clients (gitea-js's `customFetch`, octokit's `request.fetch`), so Gitea and
 * GitHub calls are retried the same way and nowhere else: 5xx answers, 429
 * answers, GitHub's exhausted primary rate limit (403 with
 * `x-ratelimit-remaining: 0`) and network failures are retried with exponential
 * backoff; every other 4xx, and a connection `security.outbound_allow` refuses,
 * is final at once. The answer of the last attempt is
 * handed back to the client, which reports it as usual; the adapters turn that
 * into a ForgeError with `forgeErrorFromStatus` / `forgeErrorFromNetwork`.
 *
 * A POST creates something (a comment, an issue, a label), and a 5xx or a cut
 * connection may come after the forge acted — a proxy timing out in front of
 * it, say — so a blind retry could create it twice. POSTs are therefore
 * retried here only when the forge cannot have acted: a 429 (or exhausted rate
 * limit), or a connection that was never made. Otherwise the failure goes to
 * the caller: an activity's retry looks for its marker first (commentOnce,
 * ensureIssue) and a label is created only if the listing lacks it.
 */
import { Context } from '@temporalio/activity';
import fetchRetry from 'fetch-retry';
import { isOutboundRefusal } from '../../infra/outbound-policy';
import { ForgeError } from './forge';

export interface RetryOptions {
  /** Retries after the first attempt. Default 4. */
  readonly retries?: number;
  /** Wait before the first retry. Default 200 ms. */
  readonly initialDelayMs?: number;
  /** Each further wait is this many times the previous one. Default 2. */
  readonly factor?: number;
  /** Longest backoff wait. Default 5 s. */
  readonly maxDelayMs?: number;
  /** Longest wait a `Retry-After` (or rate-limit reset) is honoured for; longer ones are cut to this. Default 10 s. */
  readonly maxRetryAfterMs?: number;
}

export type ResolvedRetryOptions = Required<RetryOptions>;

export const DEFAULT_RETRY: ResolvedRetryOptions = {
  retries: 4,
  initialDelayMs: 200,
  factor: 2,
  maxDelayMs: 5_000,
  maxRetryAfterMs: 10_000,
};

export function resolveRetryOptions(options: RetryOptions = {}): ResolvedRetryOptions {
  const resolved = { ...DEFAULT_RETRY, ...stripUndefined(options) };
  const { retries, initialDelayMs, factor, maxDelayMs, maxRetryAfterMs } = resolved;
  if (!(Number.isInteger(retries) && retries >= 0)) throw new RangeError(`retry.retries must be a whole number >= 0, got ${retries}`);
  if (!(initialDelayMs >= 0)) throw new RangeError(`retry.initialDelayMs must be >= 0, got ${initialDelayMs}`);
  if (!(factor >= 1)) throw new RangeError(`retry.factor must be >= 1, got ${factor}`);
  if (!(maxDelayMs >= 0)) throw new RangeError(`retry.maxDelayMs must be >= 0, got ${maxDelayMs}`);
  if (!(maxRetryAfterMs >= 0)) throw new RangeError(`retry.maxRetryAfterMs must be >= 0, got ${maxRetryAfterMs}`);
  return resolved;
}

interface HeaderSource {
  get(name: string): string | null;
}

/** GitHub answers an exhausted primary rate limit with 403 (or 429) and `x-ratelimit-remaining: 0`. */
function rateLimitExhausted(status: number, headers: HeaderSource | undefined): boolean {
  return status === 403 && headers?.get('x-ratelimit-remaining') === '0';
}

/** Whether an answer with this status (and these headers) is worth trying again. */
export function isRetryableAnswer(status: number, headers?: HeaderSource): boolean {
  return status >= 500 || status === 429 || rateLimitExhausted(status, headers);
}

/** Errors of the caller's own making (an abort, a timeout it set) are not network failures. */
function isAbort(error: unknown): boolean {
  const name = (error as { name?: unknown } | null)?.name;
  return name === 'AbortError' || name === 'TimeoutError';
}

/** How long the forge asked us to wait, in ms, if it did: `Retry-After` (seconds or a date), else GitHub's rate-limit reset. */
function requestedWaitMs(response: Response, now: number): number | undefined {
  const retryAfter = response.headers.get('retry-after');
  if (retryAfter !== null) {
    const seconds = Number(retryAfter);
    if (retryAfter.trim() !== '' && Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
    const at = Date.parse(retryAfter);
    if (Number.isFinite(at)) return Math.max(0, at - now);
  }
  if (response.headers.get('x-ratelimit-remaining') === '0') {
    const reset = Number(response.headers.get('x-ratelimit-reset'));
    if (Number.isFinite(reset) && reset > 0) return Math.max(0, reset * 1000 - now);
  }
  return undefined;
}

/** The wait before retry number `attempt + 1` (attempt counts from 0). */
export function retryDelayMs(attempt: number, response: Response | null, options: ResolvedRetryOptions, now = Date.now()): number {
  const requested = response ? requestedWaitMs(response, now) : undefined;
  if (requested !== undefined) return Math.min(requested, options.maxRetryAfterMs);
  return Math.min(options.initialDelayMs * options.factor ** attempt, options.maxDelayMs);
}

/** Connection failures that mean the request never left: nothing can have been done with it. */
const NOT_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_CONNECT_TIMEOUT']);

function neverSent(error: unknown): boolean {
  const codeOf = (e: unknown): unknown => (e as { code?: unknown } | null)?.code;
  const code = codeOf(error) ?? codeOf((error as { cause?: unknown } | null)?.cause);
  return typeof code === 'string' && NOT_SENT.has(code);
}

function methodOf(input: Parameters<typeof fetch>[0], init?: RequestInit): string {
  const method = init?.method ?? (typeof input === 'object' && 'method' in input ? input.method : 'GET');
  return method.toUpperCase();
}

/** Wraps `fetchImpl` so that every request made through it follows the policy above. */
export function withRetry(fetchImpl: typeof fetch, options: RetryOptions = {}): typeof fetch {
  const policy = resolveRetryOptions(options);
  /** `repeatable`: the request may be sent again even if the forge may have acted on it (every method but POST). */
  const retrying = (repeatable: boolean) =>
    fetchRetry(fetchImpl, {
      retries: policy.retries,
      retryOn: (attempt, error, response) => {
        if (attempt >= policy.retries) return false;
        // A connection security.outbound_allow refused is refused again.
        if (error) return !isAbort(error) && !isOutboundRefusal(error) && (repeatable || neverSent(error));
        if (!response || !isRetryableAnswer(response.status, response.headers)) return false;
        // A 5xx to a POST may come after the forge acted; a 429 or rate limit never does.
        if (!repeatable && response.status >= 500) return false;
        // Nobody will read this answer: free its connection now.
        response.body?.cancel().catch(() => undefined);
        return true;
      },
      retryDelay: (attempt, _error, response) => retryDelayMs(attempt, response, policy),
    });
  const repeatable = retrying(true);
  const once = retrying(false);
  return ((input: Parameters<typeof fetch>[0], init?: RequestInit) => (methodOf(input, init) === 'POST' ? once : repeatable)(input, init)) as typeof fetch;
}

/** The ForgeError for an answer the forge gave with this status (after retries, for retryable ones). */
export function forgeErrorFromStatus(message: string, status: number, headers?: HeaderSource): ForgeError {
  return new ForgeError(message, status, isRetryableAnswer(status, headers));
}

/** The ForgeError for a request that got no answer at all. */
export function forgeErrorFromNetwork(message: string, error: unknown): ForgeError {
  return new ForgeError(message, undefined, !isAbort(error) && !isOutboundRefusal(error));
}

/** The text of a network error, with the cause fetch hides it behind ("fetch failed: connect ECONNREFUSED ..."). */
export function describeNetworkError(error: unknown): string {
  // fetch's errors may come from another realm (jest), so no instanceof.
  const message = messageOf(error);
  const cause = (error as { cause?: unknown } | null)?.cause;
  const causeMessage = cause === undefined ? undefined : messageOf(cause);
  return causeMessage && !message.includes(causeMessage) ? `${message}: ${causeMessage}` : message;
}

function messageOf(error: unknown): string {
  const message = (error as { message?: unknown } | null)?.message;
  return typeof message === 'string' ? message : String(error);
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** How a forge adapter reaches its forge: the fetch to use (default: the global one) and the retry policy around it. */
export interface ForgeClientOptions {
  readonly fetch?: typeof fetch;
  readonly retry?: RetryOptions;
}

/**
 * Tells Temporal the activity is alive, when there is one (the API calls forges too): before every
 * attempt and every backoff wait, so the FORGE profile's short heartbeat timeout notices a lost
 * worker or a hung request in seconds. Waits are capped below that timeout (maxRetryAfterMs).
 */
function heartbeat(): void {
  try {
    Context.current().heartbeat();
  } catch {
    // Not inside an activity.
  }
}

/** The fetch an adapter hands to its client. */
export function forgeFetch(options: ForgeClientOptions = {}): typeof fetch {
  const plain: typeof fetch = options.fetch ?? ((input, init) => fetch(input, init));
  const base: typeof fetch = (input, init) => {
    heartbeat();
    return plain(input, init);
  };
  const retrying = withRetry(base, options.retry);
  return (async (input: Parameters<typeof fetch>[0], init?: RequestInit) => {
    try {
      return await retrying(input, init);
    } catch (err) {
      if (isAbort(err)) throw err;
      // fetch says only "fetch failed" and keeps the reason in `cause`, which octokit drops: put it in the message.
      throw new Error(describeNetworkError(err), { cause: err });
    }
  }) as typeof fetch;
}
