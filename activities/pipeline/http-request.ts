/**
 * The HTTP Request node's side effect, on Node's fetch. The engine resolves
 * the node's parameters into one HttpRequestSpec per item (method, URL with
 * query, headers, JSON / form / multipart / raw / binary body, response
 * format, timeout, redirects) and turns each HttpResponseResult back into
 * items with n8n's rules (neverError, full response, JSON / text / file);
 * this module only makes the requests, `batching` at a time, and reports what
 * came back, status codes included.
 */
import type { HttpRequestActivity, HttpRequestSpec, HttpResponseResult } from '../../domain/pipeline/types';

type Fetch = typeof fetch;

/** Content types whose body is text; anything else is kept as bytes (base64). */
const TEXT_TYPES = /^(text\/|application\/(.+\+)?(json|xml|javascript|x-www-form-urlencoded|x-ndjson)\b|.*\+(json|xml)$)/i;

function bodyOf(spec: HttpRequestSpec, headers: Headers): RequestInit['body'] {
  const b = spec.body;
  if (!b) return undefined;
  const setType = (t: string) => {
    if (!headers.has('content-type')) headers.set('content-type', t);
  };
  switch (b.type) {
    case 'json':
      setType('application/json');
      return JSON.stringify(b.json);
    case 'form': {
      const form = new URLSearchParams();
      for (const [k, v] of b.fields) form.append(k, v);
      return form;
    }
    case 'multipart': {
      const form = new FormData();
      for (const [k, v] of b.fields) form.append(k, v);
      return form;
    }
    case 'raw':
      setType(b.contentType);
      return b.text;
    case 'binary':
      setType(b.contentType);
      return Buffer.from(b.base64, 'base64');
  }
}

async function send(spec: HttpRequestSpec, request: Fetch): Promise<HttpResponseResult> {
  // Node's fetch has no per-request TLS or proxy settings; say so rather than ignore them.
  if (spec.allowUnauthorizedCerts) return { ok: false, message: 'The option "Ignore SSL Issues" (allowUnauthorizedCerts) is not supported', code: 'UNSUPPORTED_OPTION' };
  if (spec.proxy) return { ok: false, message: 'The option "Proxy" is not supported', code: 'UNSUPPORTED_OPTION' };
  const url = new URL(spec.url);
  for (const [k, v] of spec.query) url.searchParams.append(k, v);
  const headers = new Headers(spec.headers);
  const body = bodyOf(spec, headers);
  try {
    let target = url.toString();
    let res: Response;
    let redirects = 0;
    // Redirects by hand, so maxRedirects holds as n8n's option says.
    for (;;) {
      res = await request(target, {
        method: spec.method,
        headers,
        ...(body !== undefined ? { body } : {}),
        redirect: 'manual',
        signal: AbortSignal.timeout(spec.timeoutMs),
      });
      const location = res.headers.get('location');
      if (!spec.followRedirects || res.status < 300 || res.status >= 400 || !location || redirects >= spec.maxRedirects) break;
      await res.body?.cancel();
      target = new URL(location, target).toString();
      redirects++;
    }
    const contentType = res.headers.get('content-type') ?? undefined;
    const bare = (contentType ?? '').split(';')[0]!.trim();
    const asText = spec.responseFormat !== 'file' && (bare === '' || TEXT_TYPES.test(bare) || spec.responseFormat === 'json' || spec.responseFormat === 'text');
    const responseBody = asText ? { encoding: 'text' as const, text: await res.text() } : { encoding: 'base64' as const, base64: Buffer.from(await res.arrayBuffer()).toString('base64') };
    return {
      ok: true,
      statusCode: res.status,
      statusMessage: res.statusText,
      headers: Object.fromEntries(res.headers),
      body: responseBody,
      ...(contentType !== undefined ? { contentType } : {}),
    };
  } catch (err) {
    const e = err as Error & { cause?: { code?: string; message?: string } };
    if (e.name === 'TimeoutError' || e.name === 'AbortError') return { ok: false, message: `timeout of ${spec.timeoutMs}ms exceeded`, code: 'ECONNABORTED' };
    const code = e.cause?.code;
    if (code === 'ECONNREFUSED') return { ok: false, message: 'The service refused the connection - perhaps it is offline', code };
    if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return { ok: false, message: `The DNS server returned an error, perhaps the server is offline (${url.hostname})`, code };
    return { ok: false, message: e.cause?.message ? `${e.message}: ${e.cause.message}` : e.message, ...(code ? { code } : {}) };
  }
}

/** A response n8n calls a failure, and so what retryOnFail retries: no answer, or a status ≥ 400 without neverError. */
export function isFailure(r: HttpResponseResult, spec: Pick<HttpRequestSpec, 'neverError'>): boolean {
  return !r.ok || (r.statusCode >= 400 && spec.neverError !== true);
}

/**
 * Every request of the node, in order: all at once (batchSize -1 or no
 * batching, at most `maxParallel` sockets), or batchSize at a time with the
 * interval between batches.
 */
export async function runHttpRequests(
  activity: HttpRequestActivity,
  opts: { readonly fetch?: Fetch; readonly maxParallel?: number; readonly sleep?: (ms: number) => Promise<void> } = {},
): Promise<HttpResponseResult[]> {
  const request = opts.fetch ?? fetch;
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const batched = activity.batching !== undefined && activity.batching.batchSize > 0;
  const size = batched ? activity.batching!.batchSize : (opts.maxParallel ?? 50);
  const interval = batched ? activity.batching!.intervalMs : 0;
  const results: HttpResponseResult[] = [];
  for (let start = 0; start < activity.requests.length; start += size) {
    if (start > 0 && interval > 0) await sleep(interval);
    results.push(...(await Promise.all(activity.requests.slice(start, start + size).map((spec) => send(spec, request)))));
  }
  return results;
}
