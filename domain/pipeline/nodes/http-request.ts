/**
 * HTTP Request 4.x, a side-effect node: start() resolves one request per item
 * (method, URL, query, headers, JSON / form / multipart / raw / binary body,
 * response format, timeout, redirects, batching) into an activity step;
 * finish() turns the activity's responses into items with n8n's rules (JSON
 * arrays become one item each, text under the output property, files as
 * binary, full response, neverError, per-item errors with continueOnFail).
 * retryOnFail travels with the step: the durable run retries failed attempts.
 */
import { HTTP_AUTH_TYPES, type CredentialRef, type CredentialType } from '../../credentials';
import { clampTries, clampWait } from '../retry';
import { NodeOperationError } from '../errors';
import type { NodeExecution, NodeOutput, NodeType, PendingStep } from '../node-type';
import type {
  HttpActivityResult,
  HttpBody,
  HttpMethod,
  HttpRequestActivity,
  HttpRequestSpec,
  HttpResponseResult,
  Item,
  JsonObject,
  JsonValue,
  N8nNode,
  ResumeResult,
} from '../types';
import { isObject, toJson } from '../values';

const STATUS_MESSAGES: Record<string, string> = {
  '4XX': 'Your request is invalid or could not be processed by the service',
  '400': 'Bad request - please check your parameters',
  '401': 'Authorization failed - please check your credentials',
  '402': 'Payment required - perhaps check your payment details?',
  '403': 'Forbidden - perhaps check your credentials?',
  '404': 'The resource you are requesting could not be found',
  '405': 'Method not allowed - please check you are using the right HTTP method',
  '429': 'The service is receiving too many requests from you',
  '5XX': 'The service failed to process your request',
  '500': 'The service was not able to process your request',
  '502': 'Bad gateway - the service failed to handle your request',
  '503': 'Service unavailable - try again later or consider setting this node to retry automatically (in the node settings)',
  '504': 'Gateway timed out - perhaps try again later?',
};

const CONNECTION_MESSAGES: Record<string, string> = {
  ECONNREFUSED: 'The service refused the connection - perhaps it is offline',
  ECONNRESET: 'The connection to the server was closed unexpectedly, perhaps it is offline. You can retry the request immediately or wait and retry later.',
  ENOTFOUND: 'The DNS server returned an error, perhaps the server is offline',
  ETIMEDOUT: "The connection timed out, consider setting the 'Retry on Fail' option in the node settings",
  ECONNABORTED: "The connection timed out, consider setting the 'Retry on Fail' option in the node settings",
};

const METHODS: HttpMethod[] = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'];

interface Pair {
  name: string;
  value?: unknown;
  parameterType?: string;
  inputDataFieldName?: string;
}

const pairsOf = (v: unknown): Pair[] => ((v as { parameters?: Pair[] } | undefined)?.parameters ?? []).filter((p) => p.name !== undefined && p.name !== '');

function jsonParam(value: unknown, what: string, itemIndex: number): Record<string, unknown> {
  if (isObject(value)) return value;
  if (typeof value === 'string' && value.trim() !== '') {
    try {
      const parsed: unknown = JSON.parse(value);
      if (isObject(parsed)) return parsed;
    } catch {
      // falls through to the error below
    }
    throw new NodeOperationError(`JSON parameter needs to be valid JSON`, `The ${what} is not valid JSON`, itemIndex);
  }
  return {};
}

const text = (v: unknown) => (typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v ?? ''));

function requestFor(ex: NodeExecution, i: number): HttpRequestSpec {
  const p = ex.resolve(i);
  const method = String(p.method ?? 'GET').toUpperCase() as HttpMethod;
  if (!METHODS.includes(method)) throw new NodeOperationError(`The HTTP method "${method}" is not supported`, undefined, i);
  const url = String(p.url ?? '');
  if (!/^https?:\/\//i.test(url)) throw new NodeOperationError(`Invalid URL: ${url}. URL must start with "http" or "https".`, undefined, i);
  const options = (p.options as Record<string, unknown> | undefined) ?? {};

  const query: [string, string][] = [];
  if (p.sendQuery === true) {
    if (p.specifyQuery === 'json') for (const [k, v] of Object.entries(jsonParam(p.jsonQuery, 'query', i))) query.push([k, text(v)]);
    else for (const q of pairsOf(p.queryParameters)) query.push([q.name, text(q.value)]);
  }
  const headers: Record<string, string> = {};
  const lower = options.lowercaseHeaders !== false;
  const addHeader = (k: string, v: unknown) => (headers[lower ? k.toLowerCase() : k] = text(v));
  if (p.sendHeaders === true) {
    if (p.specifyHeaders === 'json') for (const [k, v] of Object.entries(jsonParam(p.jsonHeaders, 'headers', i))) addHeader(k, v);
    else for (const h of pairsOf(p.headerParameters)) addHeader(h.name, h.value);
  }

  let body: HttpBody | undefined;
  if (p.sendBody === true) {
    const contentType = String(p.contentType ?? 'json');
    const specify = String(p.specifyBody ?? 'keypair');
    switch (contentType) {
      case 'json': {
        if (specify === 'json') {
          const raw = p.jsonBody;
          let json: JsonValue;
          if (typeof raw === 'string') {
            try {
              json = JSON.parse(raw) as JsonValue;
            } catch {
              throw new NodeOperationError('JSON parameter needs to be valid JSON', 'The body is not valid JSON', i);
            }
          } else json = toJson(raw);
          body = { type: 'json', json };
        } else {
          const json: JsonObject = {};
          for (const b of pairsOf(p.bodyParameters)) json[b.name] = toJson(b.value);
          body = { type: 'json', json };
        }
        break;
      }
      case 'form-urlencoded':
        if (specify === 'string') body = { type: 'raw', contentType: 'application/x-www-form-urlencoded', text: String(p.body ?? '') };
        else body = { type: 'form', fields: pairsOf(p.bodyParameters).map((b) => [b.name, text(b.value)]) };
        break;
      case 'multipart-form-data': {
        const fields = pairsOf(p.bodyParameters);
        if (fields.some((f) => f.parameterType === 'formBinaryData')) throw new NodeOperationError('Binary files in multipart bodies are not supported yet', undefined, i);
        body = { type: 'multipart', fields: fields.map((b) => [b.name, text(b.value)]) };
        break;
      }
      case 'raw':
        body = { type: 'raw', contentType: String(p.rawContentType ?? 'text/plain'), text: text(p.body) };
        break;
      case 'binaryData': {
        const field = String(p.inputDataFieldName ?? 'data');
        const binary = ex.items[i]?.binary?.[field];
        if (!binary) throw new NodeOperationError(`This operation expects the node's input data to contain a binary file '${field}', but none was found [item ${i}]`, undefined, i);
        body = { type: 'binary', contentType: binary.mimeType, base64: binary.data };
        break;
      }
      default:
        throw new NodeOperationError(`The body content type "${contentType}" is not supported`, undefined, i);
    }
  }

  const response = ((options.response as { response?: Record<string, unknown> } | undefined)?.response ?? {}) as Record<string, unknown>;
  const redirect = ((options.redirect as { redirect?: Record<string, unknown> } | undefined)?.redirect ?? {}) as Record<string, unknown>;
  const format = String(response.responseFormat ?? 'autodetect');
  return {
    method,
    url,
    query,
    headers,
    ...(body ? { body } : {}),
    responseFormat: (['autodetect', 'json', 'text', 'file'].includes(format) ? format : 'autodetect') as HttpRequestSpec['responseFormat'],
    neverError: response.neverError === true,
    timeoutMs: Number(options.timeout ?? 300_000),
    followRedirects: redirect.followRedirects !== false,
    maxRedirects: Number(redirect.maxRedirects ?? 21),
    allowUnauthorizedCerts: options.allowUnauthorizedCerts === true,
    ...(typeof options.proxy === 'string' && options.proxy !== '' ? { proxy: options.proxy } : {}),
  };
}

/** The credential of authentication "genericCredentialType": n8n's credentials[genericAuthType] = { id, name }. */
function credentialOf(node: N8nNode): CredentialRef | undefined {
  const type = node.parameters?.genericAuthType as CredentialType | undefined;
  if (!type || !HTTP_AUTH_TYPES.includes(type)) return undefined;
  const ref = node.credentials?.[type];
  if (!ref || (typeof ref.id !== 'string' && typeof ref.name !== 'string')) return undefined;
  return { type, ...(typeof ref.id === 'string' ? { id: ref.id } : {}), ...(typeof ref.name === 'string' ? { name: ref.name } : {}) };
}

interface Pending {
  /** Per item: how to read the response. */
  reading: { fullResponse: boolean; neverError: boolean; outputPropertyName: string; format: string }[];
}

function activityStep(ex: NodeExecution, request: HttpRequestActivity): PendingStep['step'] {
  return {
    kind: 'activity',
    node: ex.node.name,
    nodeType: ex.node.type,
    request: request as unknown as JsonValue,
    ...(ex.node.retryOnFail ? { retry: { maxTries: clampTries(ex.node.maxTries), waitBetweenTries: clampWait(ex.node.waitBetweenTries) } } : {}),
  };
}

class HttpFailure extends NodeOperationError {
  override readonly name: string = 'NodeApiError';
  constructor(
    message: string,
    description: string | undefined,
    itemIndex: number,
    readonly httpCode?: string,
  ) {
    super(message, description, itemIndex);
  }
}

function itemsFor(res: HttpResponseResult, read: Pending['reading'][number], i: number): Item[] {
  if (!res.ok) {
    throw new HttpFailure(CONNECTION_MESSAGES[res.code ?? ''] ?? res.message, res.message, i, res.code);
  }
  const bodyText = res.body.encoding === 'text' ? res.body.text : undefined;
  if (res.statusCode >= 400 && !read.neverError) {
    const code = String(res.statusCode);
    const message = STATUS_MESSAGES[code] ?? STATUS_MESSAGES[`${code[0]}XX`] ?? `Request failed with status code ${code}`;
    throw new HttpFailure(message, `${code} - ${bodyText ?? ''}`.trim(), i, code);
  }
  const contentType = (res.contentType ?? res.headers['content-type'] ?? '').toLowerCase();
  let body: JsonValue;
  let binary: Item['binary'] | undefined;
  const format = read.format;
  if (format === 'file' || res.body.encoding === 'base64') {
    const data = res.body.encoding === 'base64' ? res.body.base64 : '';
    binary = { [read.outputPropertyName]: { data, mimeType: contentType.split(';')[0] || 'application/octet-stream', fileSize: String(Math.floor((data.length * 3) / 4)) } };
    body = null;
  } else if (format === 'json' || (format === 'autodetect' && contentType.includes('json'))) {
    try {
      body = bodyText === '' ? '' : (JSON.parse(bodyText ?? '') as JsonValue);
    } catch {
      if (format === 'json') throw new NodeOperationError('Response body is not valid JSON. Change "Response Format" to "Text"', undefined, i);
      body = bodyText ?? '';
    }
  } else {
    body = bodyText ?? '';
  }
  if (read.fullResponse) {
    const json: JsonObject = { body: binary ? {} : body, headers: res.headers, statusCode: res.statusCode, statusMessage: res.statusMessage };
    return [{ json, ...(binary ? { binary } : {}), pairedItem: { item: i } }];
  }
  if (binary) return [{ json: {}, binary, pairedItem: { item: i } }];
  if (Array.isArray(body)) return body.map((b) => ({ json: isObject(b) ? (b as JsonObject) : { [read.outputPropertyName]: b }, pairedItem: { item: i } }));
  if (isObject(body)) return [{ json: body as JsonObject, pairedItem: { item: i } }];
  return [{ json: { [read.outputPropertyName]: body }, pairedItem: { item: i } }];
}

export const httpRequest: NodeType = {
  type: 'n8n-nodes-base.httpRequest',
  versions: [4, 4.1, 4.2, 4.3],
  kind: 'activity',
  inputs: () => 1,
  outputs: () => 1,
  parameters: [
    'method', 'url', 'authentication', 'nodeCredentialType', 'genericAuthType', 'provideSslCertificates', 'sslCertificate',
    'sendQuery', 'specifyQuery', 'queryParameters', 'jsonQuery', 'sendHeaders', 'specifyHeaders', 'headerParameters', 'jsonHeaders',
    'sendBody', 'contentType', 'specifyBody', 'bodyParameters', 'jsonBody', 'body', 'rawContentType', 'inputDataFieldName', 'options', 'infoMessage', 'curlImport',
  ],
  check(node) {
    const p = node.parameters ?? {};
    const problems: string[] = [];
    if (p.authentication === 'genericCredentialType') {
      const ref = credentialOf(node);
      if (!ref) problems.push(`"genericAuthType" must be one of ${HTTP_AUTH_TYPES.join(', ')}, with the credential named in "credentials"`);
    } else if (p.authentication !== undefined && p.authentication !== 'none') {
      problems.push(`parameter "authentication" "${String(p.authentication)}" is not supported: use "genericCredentialType" with an HTTP header, basic or bearer credential`);
    }
    const options = (p.options as Record<string, unknown> | undefined) ?? {};
    if (options.pagination !== undefined) problems.push('option "pagination" is not supported');
    return problems;
  },
  start(ex) {
    const requests: HttpRequestSpec[] = [];
    const reading: Pending['reading'] = [];
    ex.items.forEach((_, i) => {
      requests.push(requestFor(ex, i));
      const response = ((ex.param<Record<string, unknown>>('options', i, {}).response as { response?: Record<string, unknown> } | undefined)?.response ?? {}) as Record<string, unknown>;
      reading.push({
        fullResponse: response.fullResponse === true,
        neverError: response.neverError === true,
        outputPropertyName: String(response.outputPropertyName ?? 'data'),
        format: String(response.responseFormat ?? 'autodetect'),
      });
    });
    const batch = ((ex.param<Record<string, unknown>>('options', 0, {}).batching as { batch?: { batchSize?: number; batchInterval?: number } } | undefined)?.batch);
    const credential = ex.parameters.authentication === 'genericCredentialType' ? credentialOf(ex.node) : undefined;
    const request: HttpRequestActivity = {
      requests,
      ...(batch ? { batching: { batchSize: Number(batch.batchSize ?? 50), intervalMs: Number(batch.batchInterval ?? 1000) } } : {}),
      // Only the reference: the activity opens the credential, so its secret never enters the run's data or history.
      ...(credential ? { credential } : {}),
    };
    const pending: Pending = { reading };
    return { step: activityStep(ex, request), pending: pending as unknown as JsonValue };
  },
  finish(ex, raw, resume: ResumeResult): NodeOutput {
    const pending = raw as unknown as Pending;
    // Retries (retryOnFail) were the durable run's, with step.retry: this result is final.
    if (resume.kind === 'activityError') throw new NodeOperationError(resume.error.message, resume.error.description);
    if (resume.kind !== 'activity') throw new Error(`HTTP Request: expected the activity's result, got ${resume.kind}`);
    const result = resume.result as unknown as HttpActivityResult;
    const out: Item[] = [];
    pending.reading.forEach((read, i) => {
      const res = result.responses[i];
      if (!res) throw new NodeOperationError(`No response for item ${i}`, undefined, i);
      try {
        out.push(...itemsFor(res, read, i));
      } catch (error) {
        if (!ex.continueOnFail) throw error;
        const e = error as HttpFailure;
        out.push({ json: { error: { message: e.message, ...(e.description ? { description: e.description } : {}), ...(e.httpCode ? { httpCode: e.httpCode } : {}) } }, pairedItem: { item: i } });
      }
    });
    return [out];
  },
};

