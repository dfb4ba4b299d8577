/**
 * The whoosh.mcpTool node in durable runs on the real stack: it calls tools on
 * MCP servers of mcp_servers.registry built with the same SDK, over HTTP and
 * over stdio, with the server, tool and arguments from expressions; a tool
 * error fails the node (or becomes an item with continueOnFail); an unknown
 * server is named.
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { N8nNode, N8nWorkflow } from '../../domain/pipeline/types';
import { readJson, serveApi, type RunningApi } from '../helpers/api-server';
import { silentLogger, startHarness, testConfig, type Harness } from '../helpers/harness';
import { serveCalcHttp } from './fixtures/calc-server';

const OPERATOR = 'operator-token-mcp-node-01';
const ROOT = path.join(__dirname, '..', '..');
const TSX = pathToFileURL(path.join(ROOT, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href;

let h: Harness;
let api: RunningApi;
let calc: Awaited<ReturnType<typeof serveCalcHttp>>;

beforeAll(async () => {
  calc = await serveCalcHttp();
  const config = testConfig({
    security: { tokens: [{ name: 'ops', token: OPERATOR, role: 'operator' }] },
    mcp_servers: {
      registry: {
        calc_http: { url: calc.url, headers: {} },
        calc_stdio: { command: process.execPath, args: ['--import', TSX, path.join(__dirname, 'fixtures', 'calc-server.ts')], env: {} },
      },
      call_timeout_seconds: 60,
    },
  });
  h = await startHarness({ config });
  api = await serveApi({ config, temporal: h.client, pool: h.pool, logger: silentLogger, version: 'test' });
});
afterAll(async () => {
  await api.close();
  await h.close();
  await calc.close();
});

async function run(workflow: N8nWorkflow, input: unknown[]) {
  const res = await fetch(`${api.url}/api/v1/pipelines/executions?wait=true&timeoutSeconds=120`, {
    method: 'POST',
    headers: { authorization: `Bearer ${OPERATOR}`, 'content-type': 'application/json' },
    body: JSON.stringify({ workflow, input }),
  });
  expect([200, 400]).toContain(res.status);
  return readJson(res);
}

const mcpNode = (parameters: Record<string, unknown>, extra: Partial<N8nNode> = {}): N8nNode => ({ name: 'Call tool', type: 'whoosh.mcpTool', typeVersion: 1, position: [200, 0], parameters, ...extra });
const flow = (node: N8nNode): N8nWorkflow => ({
  name: 'mcp',
  nodes: [{ name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} }, node],
  connections: { Start: { main: [[{ node: node.name, type: 'main', index: 0 }]] } },
  settings: { executionOrder: 'v1' },
});

test('calls a tool over HTTP and over stdio, server, tool and arguments from expressions, one call per item', async () => {
  const view = await run(flow(mcpNode({ server: '={{ $json.server }}', tool: 'add', arguments: '={{ { a: $json.a, b: $json.a * 10 } }}' })), [
    { json: { server: 'calc_http', a: 2 } },
    { json: { server: 'calc_stdio', a: 3 } },
  ]);
  expect(view.status).toBe('success');
  expect(view.nodes['Call tool'][0]).toEqual([
    { text: '2 + 20 = 22 (http)', content: [{ type: 'text', text: '2 + 20 = 22 (http)' }], structuredContent: { sum: 22, via: 'http' } },
    { text: '3 + 30 = 33 (stdio)', content: [{ type: 'text', text: '3 + 30 = 33 (stdio)' }], structuredContent: { sum: 33, via: 'stdio' } },
  ]);
});

test('a tool error fails the node with the tool’s message; with continueOnFail it is an item', async () => {
  const failed = await run(flow(mcpNode({ server: 'calc_http', tool: 'fail', arguments: '{"why":"no budget"}' })), [{ json: {} }]);
  expect(failed.status).toBe('error');
  expect(failed.error).toMatchObject({ node: 'Call tool', message: expect.stringContaining('refused: no budget') });

  const kept = await run(flow(mcpNode({ server: 'calc_stdio', tool: 'fail', arguments: { why: 'later' } }, { onError: 'continueRegularOutput' })), [{ json: {} }]);
  expect(kept.status).toBe('success');
  expect(kept.nodes['Call tool'][0]).toEqual([{ error: { message: expect.stringContaining('refused: later') } }]);
});

test('an unknown server is named with the known ones; a node without a tool is refused before the run', async () => {
  const unknown = await run(flow(mcpNode({ server: 'nowhere', tool: 'add', arguments: {} })), [{ json: {} }]);
  expect(unknown.status).toBe('error');
  expect(unknown.error.message).toContain('no MCP server "nowhere" in mcp_servers.registry (known: calc_http, calc_stdio)');

  const refused = await run(flow(mcpNode({ server: 'calc_http' })), [{ json: {} }]);
  expect(refused.error.issues.map((i: { message: string }) => i.message).join(' ')).toContain('"tool" is required');
});
