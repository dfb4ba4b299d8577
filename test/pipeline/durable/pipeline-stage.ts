/**
 * What the durable-run tests share: the real API and an orchestrator worker on
 * the suite's Temporal dev server and Postgres, a local HTTP server that counts
 * the requests it gets, and small builders of n8n documents.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ApiContext } from '../../../api/context';
import type { N8nNode, N8nWorkflow } from '../../../domain/pipeline/types';
import { readJson, serveApi, type RunningApi } from '../../helpers/api-server';
import { silentLogger, startHarness, testConfig, type Harness, type HarnessOptions } from '../../helpers/harness';

export const OPERATOR = 'operator-token-pipelines-01';

export interface CountingServer {
  readonly url: string;
  /** Requests received, by path. */
  count(path?: string): number;
  readonly bodies: string[];
  /** Answer this path with a handler of its own (default: the JSON echo of the query). */
  on(path: string, handler: (req: IncomingMessage, res: ServerResponse, body: string) => void): void;
  close(): Promise<void>;
}

export async function startCountingServer(): Promise<CountingServer> {
  const counts = new Map<string, number>();
  const bodies: string[] = [];
  const handlers = new Map<string, (req: IncomingMessage, res: ServerResponse, body: string) => void>();
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      const url = new URL(req.url!, 'http://x');
      counts.set(url.pathname, (counts.get(url.pathname) ?? 0) + 1);
      bodies.push(body);
      const handler = handlers.get(url.pathname);
      if (handler) return handler(req, res, body);
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ path: url.pathname, query: Object.fromEntries(url.searchParams), method: req.method, ...(body ? { body: JSON.parse(body) as unknown } : {}) }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    count: (path) => (path ? (counts.get(path) ?? 0) : [...counts.values()].reduce((a, b) => a + b, 0)),
    bodies,
    on: (path, handler) => void handlers.set(path, handler),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export interface PipelineStage {
  readonly h: Harness;
  readonly api: RunningApi;
  readonly http: CountingServer;
  call(path: string, init?: RequestInit): Promise<Response>;
  /** POST the document; `wait` answers when it ends. Returns status and body. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  run(workflow: N8nWorkflow | Record<string, unknown>, opts?: { input?: unknown[]; wait?: boolean; timeoutSeconds?: number }): Promise<{ status: number; body: any }>;
  close(): Promise<void>;
}

export async function startPipelineStage(opts: { harness?: Omit<HarnessOptions, 'config'>; bodyLimit?: string; config?: Parameters<typeof testConfig>[0] } = {}): Promise<PipelineStage> {
  const config = testConfig({ ...opts.config, security: { tokens: [{ name: 'ops', token: OPERATOR, role: 'operator' }], ...opts.config?.security }, ...(opts.bodyLimit ? { server: { body_limit: opts.bodyLimit } } : {}) });
  const h = await startHarness({ ...opts.harness, config });
  const ctx: ApiContext = { config, temporal: h.client, pool: h.pool, logger: silentLogger, version: 'test' };
  const api = await serveApi(ctx);
  const http = await startCountingServer();
  const call = (path: string, init: RequestInit = {}) =>
    fetch(`${api.url}${path}`, { ...init, headers: { authorization: `Bearer ${OPERATOR}`, ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}), ...(init.headers as Record<string, string>) } });
  return {
    h,
    api,
    http,
    call,
    async run(workflow, o = {}) {
      const wait = o.wait ?? true;
      const query = wait ? `?wait=true&timeoutSeconds=${o.timeoutSeconds ?? 120}` : '';
      const res = await call(`/api/v1/pipelines/executions${query}`, { method: 'POST', body: JSON.stringify({ workflow, ...(o.input ? { input: o.input } : {}) }) });
      return { status: res.status, body: await readJson(res) };
    },
    async close() {
      await http.close();
      await api.close();
      await h.close();
    },
  };
}

// ---------------------------------------------------------------- document builders

let x = 0;
const at = (): [number, number] => [(x += 200), 0];

export const manualTrigger = (name = 'Start'): N8nNode => ({ name, type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: at(), parameters: {} });

export const setNode = (name: string, fields: Record<string, string | number | boolean>, include = false): N8nNode => ({
  name,
  type: 'n8n-nodes-base.set',
  typeVersion: 3.4,
  position: at(),
  parameters: {
    assignments: {
      assignments: Object.entries(fields).map(([field, value], i) => ({ id: `${name}-${i}`, name: field, value, type: typeof value === 'number' ? 'number' : typeof value === 'boolean' ? 'boolean' : 'string' })),
    },
    ...(include ? { includeOtherFields: true } : {}),
    options: {},
  },
});

export const httpNode = (name: string, url: string, extra: Partial<N8nNode> = {}, parameters: Record<string, unknown> = {}): N8nNode => ({
  name,
  type: 'n8n-nodes-base.httpRequest',
  typeVersion: 4.2,
  position: at(),
  parameters: { method: 'GET', url, options: {}, ...parameters },
  ...extra,
});

export const waitNode = (name: string, seconds: number): N8nNode => ({
  name,
  type: 'n8n-nodes-base.wait',
  typeVersion: 1.1,
  position: at(),
  webhookId: `wait-${name}`,
  parameters: { amount: seconds, unit: 'seconds' },
});

/** A chain: each node's output 0 into the next node's input 0. */
/** A Wait 1.1 node resumed by a POST (or `httpMethod`) to $execution.resumeUrl. */
export const waitWebhookNode = (name: string, parameters: Record<string, unknown> = {}): N8nNode => ({
  name,
  type: 'n8n-nodes-base.wait',
  typeVersion: 1.1,
  position: at(),
  parameters: { resume: 'webhook', httpMethod: 'POST', options: {}, ...parameters },
});

export function chain(nodes: N8nNode[], extra: Partial<N8nWorkflow> = {}): N8nWorkflow {
  const connections: N8nWorkflow['connections'] = {};
  for (let i = 0; i + 1 < nodes.length; i++) connections[nodes[i]!.name] = { main: [[{ node: nodes[i + 1]!.name, type: 'main', index: 0 }]] };
  return { name: 'test', nodes, connections, settings: { executionOrder: 'v1' }, ...extra };
}
