/**
 * whoosh.llm with MCP tools on the real stack: the model (the Ollama
 * simulator, answering with tool_calls) is offered the tools of a test MCP
 * server built with the SDK; each round's calls are made by an activity and
 * their results sent back as tool turns until the model answers in words,
 * within maxToolRounds.
 */
import { randomUUID } from 'node:crypto';
import { createNode, deleteNode, listNodeViews } from '../../../activities/agents/agent-store';
import type { N8nNode } from '../../../domain/pipeline/types';
import { OllamaSimulator, type SimRequest } from '../../../simulators/ollama';
import { serveCalcHttp } from '../../mcp/fixtures/calc-server';
import { chain, manualTrigger, startPipelineStage, type PipelineStage } from '../durable/pipeline-stage';

const PREFIX = `wt${randomUUID().slice(0, 6)}-`;
let stage: PipelineStage;
let calc: Awaited<ReturnType<typeof serveCalcHttp>>;
const sims: OllamaSimulator[] = [];

beforeAll(async () => {
  calc = await serveCalcHttp();
  stage = await startPipelineStage({
    config: { llm: { heartbeat_timeout_seconds: 5, wait_for_node_seconds: 3 }, mcp_servers: { registry: { calc: { url: calc.url, headers: {} } }, call_timeout_seconds: 30 } },
    harness: { nodes: (n) => n.id.startsWith(PREFIX) },
  });
});
afterEach(async () => {
  for (const n of await listNodeViews(stage.h.pool)) if (n.id.startsWith(PREFIX)) await deleteNode(stage.h.pool, n.id);
  await Promise.all(sims.splice(0).map((s) => s.stop().catch(() => undefined)));
});
afterAll(async () => {
  await stage.close();
  await calc.close();
});

async function agent(opts: Parameters<typeof OllamaSimulator.start>[0]) {
  const m = `m-${randomUUID().slice(0, 8)}`;
  const sim = await OllamaSimulator.start({ models: [m], ...opts });
  sims.push(sim);
  await createNode(stage.h.pool, `${PREFIX}${randomUUID().slice(0, 6)}`, { name: 'tools', endpoint: sim.url, models: [m], specialization: null, capabilities: [], parallel: 2, hardware: {}, performance_targets: {} });
  await stage.h.nodeWorkers!.reconcile();
  return m;
}

const llm = (parameters: Record<string, unknown>): N8nNode => ({ name: 'Ask', type: 'whoosh.llm', typeVersion: 1, position: [400, 0], parameters });
const toolTurns = (req: SimRequest) => (req.messages ?? []).filter((x) => x.role === 'tool');

test('the model calls a tool, then another with the first result, then answers: the item has the text and every call', async () => {
  const offered: string[][] = [];
  const m = await agent({
    toolCalls: (req) => {
      offered.push((req.tools ?? []).map((t) => t.function.name));
      const done = toolTurns(req);
      if (done.length === 0) return [{ function: { name: 'add', arguments: { a: 2, b: 3 } } }];
      if (done.length === 1) return [{ function: { name: 'add', arguments: { a: Number(/= (\d+)/.exec(done[0]!.content)![1]), b: 10 } } }];
      return undefined;
    },
    respond: (req) => `The total is ${/= (\d+)/.exec(toolTurns(req).at(-1)!.content)![1]}.`,
  });
  const { body } = await stage.run(chain([manualTrigger(), llm({ model: m, prompt: '=Add {{ $json.a }} and 3, then 10', tools: [{ server: 'calc' }] })]), { input: [{ json: { a: 2 } }] });
  expect(body.status).toBe('success');
  const out = body.nodes.Ask[0][0];
  expect(out).toMatchObject({
    text: 'The total is 15.',
    rounds: 3,
    model: m,
    toolCalls: [
      { server: 'calc', tool: 'add', arguments: { a: 2, b: 3 }, result: '2 + 3 = 5 (http)', isError: false },
      { server: 'calc', tool: 'add', arguments: { a: 5, b: 10 }, result: '5 + 10 = 15 (http)', isError: false },
    ],
  });
  expect(out.tokens.prompt).toBeGreaterThan(0);
  // All of the server's tools were offered, with their schemas, on every turn.
  expect(offered).toEqual([['add', 'fail'], ['add', 'fail'], ['add', 'fail']]);
});

test('a tool error goes back to the model as the result; one tool named: only it is offered', async () => {
  const offered: string[][] = [];
  const m = await agent({
    toolCalls: (req) => {
      offered.push((req.tools ?? []).map((t) => t.function.name));
      return toolTurns(req).length === 0 ? [{ function: { name: 'fail', arguments: { why: 'no reason' } } }] : undefined;
    },
    respond: (req) => `Could not: ${toolTurns(req)[0]!.content}`,
  });
  const { body } = await stage.run(chain([manualTrigger(), llm({ model: m, prompt: 'Try it', tools: 'calc.fail' })]), { input: [{ json: {} }] });
  expect(body.status).toBe('success');
  expect(body.nodes.Ask[0][0]).toMatchObject({ text: 'Could not: Error: refused: no reason', toolCalls: [{ tool: 'fail', isError: true, result: 'Error: refused: no reason' }], rounds: 2 });
  expect(offered).toEqual([['fail'], ['fail']]);
});

test('a model that never stops calling tools fails the item after maxToolRounds; an unknown server is named', async () => {
  let turns = 0;
  const m = await agent({
    toolCalls: () => {
      turns++;
      return [{ function: { name: 'add', arguments: { a: 1, b: 1 } } }];
    },
  });
  const { body } = await stage.run(chain([manualTrigger(), llm({ model: m, prompt: 'Loop', tools: [{ server: 'calc', tool: 'add' }], maxToolRounds: 2 })]), { input: [{ json: {} }] });
  expect(body.status).toBe('error');
  expect(body.error.message).toMatch(/still called tools after 2 rounds/);
  expect(turns).toBe(2);

  const { body: unknown } = await stage.run(chain([manualTrigger(), llm({ model: m, prompt: 'x', tools: [{ server: 'nope' }] })]), { input: [{ json: {} }] });
  expect(unknown.status).toBe('error');
  expect(unknown.error.message).toMatch(/no MCP server "nope"/);
});
