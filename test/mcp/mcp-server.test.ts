/**
 * WHOOSH as an MCP server, through the SDK's own Client over both transports
 * (Streamable HTTP at /mcp and stdio from `whoosh mcp`): the token's role
 * decides the tools, an active pipeline becomes a tool and the list change is
 * announced, tool errors carry the API's message, resources read by URI.
 */
import { randomUUID } from 'node:crypto';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { ToolListChangedNotificationSchema, type CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { createMcpSession } from '../../api/mcp/whoosh-mcp';
import { WhooshClient } from '../../cli/api-client';
import { eventually } from '../helpers/eventually';
import { seedCouncil } from '../helpers/seed-council';
import { failingDoc, greeterDoc, OPERATOR, startMcpStage, VIEWER, type McpStage, type TransportKind } from './mcp-stage';

let s: McpStage;
beforeAll(async () => {
  s = await startMcpStage();
});
afterAll(async () => {
  await s.close();
});

const READ_TOOLS = ['analyze_task', 'get_agent', 'get_council', 'get_execution', 'get_team', 'list_agents', 'list_councils', 'list_executions', 'list_teams'];
const OPERATOR_TOOLS = ['approve_council', 'cancel_team', 'revise_council', 'run_self_check'];
const names = async (c: Client) => (await c.listTools()).tools.map((t) => t.name).sort();
const textOf = (r: CallToolResult) => (r.content[0] as { text: string }).text;

describe.each<TransportKind>(['http', 'stdio'])('over %s', (kind) => {
  test('viewers get the read tools; operators also the steering tools', async () => {
    const viewer = await s.connect(kind, VIEWER);
    expect(viewer.getServerCapabilities()?.tools?.listChanged).toBe(true);
    expect(await names(viewer)).toEqual(READ_TOOLS);
    const refused = (await viewer.callTool({ name: 'run_self_check', arguments: {} })) as CallToolResult;
    expect(refused.isError).toBe(true);
    expect(textOf(refused)).toContain('No tool "run_self_check" for the viewer role');

    const operator = await s.connect(kind, OPERATOR);
    const ops = await names(operator);
    expect(ops).toEqual(expect.arrayContaining([...READ_TOOLS, ...OPERATOR_TOOLS]));
    const tools = (await operator.listTools()).tools;
    expect(tools.find((t) => t.name === 'list_agents')!.annotations?.readOnlyHint).toBe(true);
    expect(tools.find((t) => t.name === 'revise_council')!.inputSchema).toMatchObject({ type: 'object', required: expect.arrayContaining(['id', 'feedback']) });
  });

  test('own tools answer with the API’s JSON; a failing call is a tool error with the API’s message', async () => {
    const viewer = await s.connect(kind, VIEWER);
    const analyzed = (await viewer.callTool({ name: 'analyze_task', arguments: { title: 'Fix the login form CSS on mobile', labels: ['bug'] } })) as CallToolResult;
    expect(analyzed.isError).toBeFalsy();
    expect(JSON.parse(textOf(analyzed)).classification).toMatchObject({ type: expect.any(String), domains: expect.arrayContaining(['frontend']) });

    const missing = (await viewer.callTool({ name: 'get_team', arguments: { id: randomUUID() } })) as CallToolResult;
    expect(missing.isError).toBe(true);
    expect(textOf(missing)).toMatch(/^No team /);
    const invalid = (await viewer.callTool({ name: 'get_team', arguments: { id: 'not-a-uuid' } })) as CallToolResult;
    expect(invalid.isError).toBe(true);
    expect(textOf(invalid)).toContain('must be a team id');
    const badArgs = (await viewer.callTool({ name: 'analyze_task', arguments: {} })) as CallToolResult;
    expect(badArgs.isError).toBe(true);
    expect(textOf(badArgs)).toContain('invalid arguments');
  });

  test('activating a pipeline announces tools/list_changed and adds a tool with the trigger’s inputs; viewers never see it', async () => {
    const operator = await s.connect(kind, OPERATOR);
    const viewer = await s.connect(kind, VIEWER);
    let changes = 0;
    operator.setNotificationHandler(ToolListChangedNotificationSchema, () => void changes++);
    const before = await names(operator);

    const tag = randomUUID().slice(0, 6);
    const id = await s.importPipeline(greeterDoc(`Greeter ${kind} ${tag}`, 'Greets someone a number of times'));
    expect((await s.call(`/api/v1/pipelines/${id}/activate`, { method: 'POST' })).status).toBe(200);
    await eventually(async () => (changes > 0 ? true : undefined), 'tools/list_changed after activation', 20_000);

    const tool = (await operator.listTools()).tools.find((t) => t.name === `greeter_${kind}_${tag}`);
    expect(tool).toMatchObject({
      description: 'Greets someone a number of times',
      inputSchema: { type: 'object', properties: { who: { type: 'string' }, times: { type: 'number' } }, required: ['who', 'times'] },
    });
    expect(await names(viewer)).toEqual(READ_TOOLS);

    const seen = changes;
    expect((await s.call(`/api/v1/pipelines/${id}/deactivate`, { method: 'POST' })).status).toBe(200);
    await eventually(async () => (changes > seen ? true : undefined), 'tools/list_changed after deactivation', 20_000);
    // Other test files activate pipelines of their own in the same database meanwhile:
    // this pipeline's tool is gone, and every tool WHOOSH itself offers is still there.
    const after = await names(operator);
    expect(after).not.toContain(`greeter_${kind}_${tag}`);
    expect(after).toEqual(expect.arrayContaining(before.filter((n) => [...READ_TOOLS, ...OPERATOR_TOOLS].includes(n))));
  });

  test('a pipeline tool runs the pipeline and answers with its result, reporting progress; a failing one is a tool error', async () => {
    const tag = randomUUID().slice(0, 6);
    const okId = await s.importPipeline(greeterDoc(`Hello ${kind} ${tag}`, 'Greets'));
    const badId = await s.importPipeline(failingDoc(`Refuse ${kind} ${tag}`));
    for (const id of [okId, badId]) expect((await s.call(`/api/v1/pipelines/${id}/activate`, { method: 'POST' })).status).toBe(200);
    const operator = await s.connect(kind, OPERATOR);
    await eventually(async () => ((await names(operator)).includes(`refuse_${kind}_${tag}`) ? true : undefined), 'the pipeline tools', 20_000);

    const result = (await operator.callTool({ name: `hello_${kind}_${tag}`, arguments: { who: 'Ada', times: 2 } })) as CallToolResult;
    expect(result.isError).toBeFalsy();
    expect(JSON.parse(textOf(result))).toEqual([{ greeting: 'hello Ada x2' }]);
    expect(result.structuredContent).toMatchObject({ status: 'success', output: [{ greeting: 'hello Ada x2' }] });

    const progress: { progress: number; total?: number }[] = [];
    const tracked = (await operator.callTool({ name: `hello_${kind}_${tag}`, arguments: { who: 'Bo', times: 1 } }, undefined, { onprogress: (p) => void progress.push(p) })) as CallToolResult;
    expect(JSON.parse(textOf(tracked))).toEqual([{ greeting: 'hello Bo x1' }]);
    // The last notification may reach the SDK's client after the result it precedes (it dispatches
    // notifications a microtask later and drops progress for answered requests), so only the first is certain.
    expect(progress.length).toBeGreaterThan(0);
    expect(progress[0]).toMatchObject({ progress: 0, total: 2 });
    expect(progress.map((p) => p.progress)).toEqual([...progress.map((p) => p.progress)].sort());

    const failed = (await operator.callTool({ name: `refuse_${kind}_${tag}`, arguments: { who: 'Cy', times: 1 } })) as CallToolResult;
    expect(failed.isError).toBe(true);
    expect(textOf(failed)).toMatch(/failed at node "Refuse": cannot greet Cy/);
    for (const id of [okId, badId]) await s.call(`/api/v1/pipelines/${id}/deactivate`, { method: 'POST' });
  });

  test('resources: pipeline documents and council artifacts (Markdown) by URI', async () => {
    const tag = randomUUID().slice(0, 6);
    const doc = greeterDoc(`Doc ${tag}`, 'notes');
    const id = await s.importPipeline(doc);
    const { councilId, artifactId } = await seedCouncil(s.h.pool, { repository: `mcp/${tag}`, issue: 1, title: 'Design Brief: search' });

    const viewer = await s.connect(kind, VIEWER);
    const { resources } = await viewer.listResources();
    expect(resources.map((r) => r.uri)).toEqual(expect.arrayContaining([`whoosh://pipelines/${id}`, `whoosh://councils/${councilId}/artifacts/${artifactId}`]));
    const templates = (await viewer.listResourceTemplates()).resourceTemplates.map((t) => t.uriTemplate);
    expect(templates).toEqual(['whoosh://councils/{councilId}/artifacts/{artifactId}', 'whoosh://pipelines/{pipelineId}']);

    const pipeline = await viewer.readResource({ uri: `whoosh://pipelines/${id}` });
    expect(JSON.parse((pipeline.contents[0] as { text: string }).text)).toEqual(doc);
    const artifact = await viewer.readResource({ uri: `whoosh://councils/${councilId}/artifacts/${artifactId}` });
    expect(artifact.contents[0]).toMatchObject({ mimeType: 'text/markdown' });
    expect((artifact.contents[0] as { text: string }).text).toMatch(/^#+ /m);
    await expect(viewer.readResource({ uri: `whoosh://pipelines/pl_nope` })).rejects.toThrow(/No resource/);
  });
});

test('HTTP: no token or a bad one is refused with 401; a session is bound to the token that opened it', async () => {
  const init = { jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '1' } } };
  const post = (token: string | undefined, body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${s.api.url}/mcp`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
      body: JSON.stringify(body),
    });
  const none = await post(undefined, init);
  expect(none.status).toBe(401);
  expect(none.headers.get('www-authenticate')).toBe('Bearer');
  expect((await post('wrong-token-wrong-token', init)).status).toBe(401);

  const opened = await post(VIEWER, init);
  expect(opened.status).toBe(200);
  const session = opened.headers.get('mcp-session-id')!;
  await opened.body?.cancel();
  const list = { jsonrpc: '2.0', id: 2, method: 'tools/list', params: {} };
  expect((await post(OPERATOR, list, { 'mcp-session-id': session, 'mcp-protocol-version': '2025-06-18' })).status).toBe(403);
  expect((await post(VIEWER, list, { 'mcp-session-id': 'no-such-session' })).status).toBe(404);
});

test('a pipeline still running when the wait ends answers with its execution id and a dashboard link, not an error', async () => {
  const tag = randomUUID().slice(0, 6);
  const doc = greeterDoc(`Slow ${tag}`, 'Takes its time');
  const slow = {
    ...doc,
    nodes: [doc.nodes[0]!, { name: 'Pause', type: 'n8n-nodes-base.wait', typeVersion: 1.1, position: [200, 0], webhookId: `pause-${tag}`, parameters: { amount: 30, unit: 'seconds' } }],
    connections: { 'When called': { main: [[{ node: 'Pause', type: 'main', index: 0 }]] } },
  };
  const id = await s.importPipeline(slow);
  expect((await s.call(`/api/v1/pipelines/${id}/activate`, { method: 'POST' })).status).toBe(200);
  // The core in-process over the SDK's in-memory transport, with a short wait (the transports' is 300 s).
  const session = createMcpSession({ client: new WhooshClient({ baseUrl: s.api.url, token: OPERATOR }), role: 'operator', dashboardUrl: 'http://dash.test/', runWaitSeconds: 1, pollMs: 60_000 });
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await session.server.connect(serverSide);
  const client = new Client({ name: 'in-memory', version: '1' });
  await client.connect(clientSide);
  try {
    const result = (await client.callTool({ name: `slow_${tag}`, arguments: { who: 'Di', times: 1 } })) as CallToolResult;
    expect(result.isError).toBeFalsy();
    const { executionId, status, url } = result.structuredContent as { executionId: string; status: string; url: string };
    expect(status).toBe('waiting');
    expect(url).toMatch(/^http:\/\/dash\.test\/executions\/pipeline%3A/);
    expect(textOf(result)).toContain(`execution ${executionId}`);
    await s.call(`/api/v1/pipelines/executions/${executionId}/cancel`, { method: 'POST' });
  } finally {
    await client.close();
    session.stop();
    await s.call(`/api/v1/pipelines/${id}/deactivate`, { method: 'POST' });
  }
});
