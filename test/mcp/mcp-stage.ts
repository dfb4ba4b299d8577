/**
 * What the MCP tests share: the real API (with /mcp) on the suite's Temporal
 * and Postgres, an operator and a viewer token, and the SDK's own Client over
 * either transport: Streamable HTTP to /mcp, or stdio to `whoosh mcp` run as a
 * child process.
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { readJson, serveApi, type RunningApi } from '../helpers/api-server';
import { silentLogger, startHarness, testConfig, type Harness } from '../helpers/harness';

export const OPERATOR = 'operator-token-mcp-000001';
export const VIEWER = 'viewer-token-mcp-00000001';
const ROOT = path.join(__dirname, '..', '..');
const TSX = pathToFileURL(path.join(ROOT, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href;

export type TransportKind = 'http' | 'stdio';

export interface McpStage {
  readonly h: Harness;
  readonly api: RunningApi;
  call(p: string, init?: RequestInit & { token?: string }): Promise<Response>;
  /** Imports an n8n document (operator) and answers its id. */
  importPipeline(doc: unknown): Promise<string>;
  connect(kind: TransportKind, token: string): Promise<Client>;
  close(): Promise<void>;
}

export async function startMcpStage(): Promise<McpStage> {
  const config = testConfig({ security: { tokens: [{ name: 'ops', token: OPERATOR, role: 'operator' }, { name: 'wall', token: VIEWER, role: 'viewer' }] } });
  const h = await startHarness({ config });
  const api = await serveApi({ config, temporal: h.client, pool: h.pool, logger: silentLogger, version: 'mcp-test', mcpPollMs: 300 });
  const clients: Client[] = [];
  const call = (p: string, init: RequestInit & { token?: string } = {}) =>
    fetch(`${api.url}${p}`, { ...init, headers: { authorization: `Bearer ${init.token ?? OPERATOR}`, 'content-type': 'application/json' } });
  return {
    h,
    api,
    call,
    async importPipeline(doc) {
      const res = await call('/api/v1/pipelines', { method: 'POST', body: JSON.stringify(doc) });
      if (res.status !== 201) throw new Error(`import answered ${res.status}: ${await res.text()}`);
      return (await readJson(res)).id as string;
    },
    async connect(kind, token) {
      const client = new Client({ name: 'mcp-test', version: '1.0.0' });
      const transport =
        kind === 'http'
          ? new StreamableHTTPClientTransport(new URL(`${api.url}/mcp`), { requestInit: { headers: { authorization: `Bearer ${token}` } } })
          : new StdioClientTransport({
              command: process.execPath,
              args: ['--import', TSX, path.join(ROOT, 'cli', 'main.ts'), 'mcp', '--poll-ms', '300'],
              env: { PATH: process.env.PATH!, HOME: process.env.HOME!, WHOOSH_URL: api.url, WHOOSH_TOKEN: token },
              stderr: 'pipe',
            });
      await client.connect(transport);
      clients.push(client);
      return client;
    },
    async close() {
      await Promise.all(clients.map((c) => c.close().catch(() => undefined)));
      await api.close();
      await h.close();
    },
  };
}

/** A pipeline called as a tool: an Execute Workflow Trigger with typed inputs, then a Set node answering with a greeting. */
export function greeterDoc(name: string, notes: string) {
  return {
    name,
    nodes: [
      {
        name: 'When called',
        type: 'n8n-nodes-base.executeWorkflowTrigger',
        typeVersion: 1.1,
        position: [0, 0],
        notes,
        parameters: { workflowInputs: { values: [{ name: 'who', type: 'string' }, { name: 'times', type: 'number' }] } },
      },
      {
        name: 'Greet',
        type: 'n8n-nodes-base.set',
        typeVersion: 3.4,
        position: [200, 0],
        parameters: { assignments: { assignments: [{ id: 'g', name: 'greeting', value: '={{ "hello " + $json.who + " x" + $json.times }}', type: 'string' }] }, options: {} },
      },
    ],
    connections: { 'When called': { main: [[{ node: 'Greet', type: 'main', index: 0 }]] } },
    settings: { executionOrder: 'v1' },
  };
}

/** A pipeline tool that always fails: Stop and Error with a message from its input. */
export function failingDoc(name: string) {
  const doc = greeterDoc(name, 'Fails on purpose');
  return {
    ...doc,
    nodes: [doc.nodes[0]!, { name: 'Refuse', type: 'n8n-nodes-base.stopAndError', typeVersion: 1, position: [200, 0], parameters: { errorMessage: '={{ "cannot greet " + $json.who }}' } }],
    connections: { 'When called': { main: [[{ node: 'Refuse', type: 'main', index: 0 }]] } },
  };
}
