/**
 * n8n's Webhook node (2.x) as WHOOSH serves it: which method and path a node
 * answers on, how it authenticates, when it answers (responseMode) and what
 * item the run starts with ({ headers, params, query, body, webhookUrl,
 * executionMode }, as n8n gives it).
 */
import type { Item, JsonObject, JsonValue, N8nNode, N8nWorkflow, WaitWebhook } from './types';

export const WEBHOOK_TYPE = 'n8n-nodes-base.webhook';

export type WebhookAuth = WaitWebhook['auth'];

export interface WebhookEndpoint {
  readonly node: string;
  readonly method: string;
  readonly path: string;
  readonly auth: WebhookAuth;
  readonly responseMode: 'onReceived' | 'lastNode' | 'responseNode';
  readonly responseCode: number;
  /** lastNode: firstEntryJson (default), allEntries, noData; onReceived: noData or the default message. */
  readonly responseData: string;
}

/** $execution.resumeUrl: where a call resumes the run's Wait on webhook (n8n's /webhook-waiting/<execution>). */
export const resumeUrlOf = (publicUrl: string, executionId: string): string => `${publicUrl.replace(/\/+$/, '')}/webhook-waiting/${executionId}`;

/** A webhook path as stored and matched: no leading or trailing slashes. */
export const normalizeWebhookPath = (path: string): string => path.trim().replace(/^\/+|\/+$/g, '');

const CREDENTIAL_TYPE: Record<string, 'httpBasicAuth' | 'httpHeaderAuth'> = { basicAuth: 'httpBasicAuth', headerAuth: 'httpHeaderAuth' };

/** The authentication a node's `param` (none, basicAuth, headerAuth) asks of its caller, with the credential it names. */
export function webhookAuthOf(node: N8nNode, param: string): WebhookAuth {
  const authName = String(node.parameters?.[param] ?? 'none');
  const credentials = (node as { credentials?: Record<string, { id?: unknown; name?: unknown }> }).credentials ?? {};
  const type = CREDENTIAL_TYPE[authName];
  const ref = type ? credentials[type] : undefined;
  const text = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);
  return (authName === 'basicAuth' || authName === 'headerAuth') && type ? { kind: authName, credential: { id: text(ref?.id), name: text(ref?.name), type } } : { kind: 'none' };
}

function endpointOf(node: N8nNode): WebhookEndpoint {
  const p = (node.parameters ?? {}) as Record<string, unknown>;
  const options = (p.options ?? {}) as Record<string, unknown>;
  const mode = String(p.responseMode ?? 'onReceived');
  return {
    node: node.name,
    method: String(p.httpMethod ?? 'GET').toUpperCase(),
    path: normalizeWebhookPath(String(p.path ?? '')),
    auth: webhookAuthOf(node, 'authentication'),
    responseMode: mode === 'lastNode' || mode === 'responseNode' ? mode : 'onReceived',
    responseCode: Number(p.responseCode ?? options.responseCode ?? 200) || 200,
    responseData: String(p.responseData ?? options.responseData ?? (mode === 'lastNode' ? 'firstEntryJson' : '')),
  };
}

/** The enabled Webhook nodes of a document, each with its method and path. */
export function webhookEndpoints(doc: N8nWorkflow): WebhookEndpoint[] {
  if (!Array.isArray(doc?.nodes)) return [];
  return doc.nodes.filter((n) => n?.type === WEBHOOK_TYPE && !n.disabled).map(endpointOf);
}

/** Problems a Webhook node has that keep its pipeline from being activated. */
export function webhookProblems(node: N8nNode): string[] {
  const e = endpointOf(node);
  const problems: string[] = [];
  if (e.path === '') problems.push('parameter "path" is empty');
  if (/[?#]/.test(e.path) || e.path.split('/').some((s) => s.startsWith(':'))) problems.push(`path "${e.path}" has a query, fragment or ":parameter" segment, which WHOOSH does not serve`);
  const auth = String(node.parameters?.authentication ?? 'none');
  if (!['none', 'basicAuth', 'headerAuth'].includes(auth)) problems.push(`authentication "${auth}" is not supported (none, basicAuth, headerAuth)`);
  else if (e.auth.kind !== 'none' && e.auth.credential.id === null && e.auth.credential.name === null) problems.push(`authentication "${auth}" needs a ${CREDENTIAL_TYPE[auth]} credential`);
  if (Array.isArray(node.parameters?.httpMethod) || node.parameters?.multipleMethods === true) problems.push('several HTTP methods on one node are not supported');
  return problems;
}

export interface WebhookRequest {
  readonly method: string;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly query: Record<string, unknown>;
  readonly body: JsonValue;
  readonly url: string;
  readonly test: boolean;
}

/** The item a Webhook node emits, as n8n gives it. */
export function webhookItem(r: WebhookRequest): Item {
  const headers: JsonObject = {};
  for (const [k, v] of Object.entries(r.headers)) if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(', ') : v;
  return { json: { headers, params: {}, query: r.query as JsonObject, body: r.body, webhookUrl: r.url, executionMode: r.test ? 'test' : 'production' } };
}

/** What a lastNode webhook answers with, from the last node's items (responseData of the node). */
export function lastNodeReply(responseData: string, items: readonly Item[]): JsonValue | undefined {
  if (responseData === 'noData') return undefined;
  if (responseData === 'allEntries') return items.map((i) => i.json);
  return items[0]?.json ?? {};
}
