/**
 * whoosh.llm on the real stack: a pipeline's LLM node routed over simulated
 * Ollama nodes (served by their own node workers through the real `ollama`
 * client), structured output with one repair, and failover when the node
 * answering is killed mid-call.
 */
import { randomUUID } from 'node:crypto';
import { createNode, deleteNode, listNodeViews } from '../../../activities/agents/agent-store';
import type { N8nNode } from '../../../domain/pipeline/types';
import { OllamaSimulator } from '../../../simulators/ollama';
import { chain, manualTrigger, startPipelineStage, type PipelineStage } from '../durable/pipeline-stage';

const PREFIX = `wl${randomUUID().slice(0, 6)}-`;
let stage: PipelineStage;
const sims: OllamaSimulator[] = [];

beforeAll(async () => {
  stage = await startPipelineStage({
    config: { llm: { heartbeat_timeout_seconds: 2, attempts_per_node: 2, wait_for_node_seconds: 3, queue_timeout_seconds: 30 } },
    harness: { nodes: (n) => n.id.startsWith(PREFIX) },
  });
});
afterEach(async () => {
  for (const n of await listNodeViews(stage.h.pool)) if (n.id.startsWith(PREFIX)) await deleteNode(stage.h.pool, n.id);
  await Promise.all(sims.splice(0).map((s) => s.stop().catch(() => undefined)));
});
afterAll(async () => {
  await stage.close();
});

async function agent(name: string, models: string[], opts: Parameters<typeof OllamaSimulator.start>[0] = {}, specialization: string | null = null) {
  const sim = await OllamaSimulator.start({ models, ...opts });
  sims.push(sim);
  const id = `${PREFIX}${name}-${randomUUID().slice(0, 4)}`;
  await createNode(stage.h.pool, id, { name, endpoint: sim.url, models, specialization, capabilities: [], parallel: 2, hardware: {}, performance_targets: {} });
  await stage.h.nodeWorkers!.reconcile();
  return { id, sim };
}

const model = (): string => `m-${randomUUID().slice(0, 8)}`;

const llm = (parameters: Record<string, unknown>): N8nNode => ({ name: 'Ask', type: 'whoosh.llm', typeVersion: 1, position: [400, 0], parameters });

const items = (...topics: string[]) => topics.map((topic) => ({ json: { topic } }));

test('one call per item, prompt from expressions, answered on the fleet with model, node, tokens and duration', async () => {
  const m = model();
  const seen: string[] = [];
  const a = await agent('a', [m], {
    respond: (req) => {
      const last = req.messages!.at(-1)!.content;
      seen.push(`${req.messages![0]!.role}:${req.messages![0]!.content}|${last}|${String(req.options?.temperature)}`);
      return `About ${last.replace('Write about ', '')}.`;
    },
  });
  const doc = chain([manualTrigger(), llm({ operation: 'generate', model: m, system: 'Be brief.', prompt: '=Write about {{ $json.topic }}', options: { temperature: 0.2 } })]);
  const { status, body } = await stage.run(doc, { input: items('ants', 'bees') });
  expect(status).toBe(200);
  expect(body.status).toBe('success');
  const out = body.nodes.Ask[0] as Record<string, unknown>[];
  expect(out.map((o) => o.text)).toEqual(['About ants.', 'About bees.']);
  for (const o of out) {
    expect(o).toMatchObject({ model: m, node: a.id, tokens: { prompt: expect.any(Number), completion: expect.any(Number) }, durationMs: expect.any(Number) });
    expect((o.tokens as { completion: number }).completion).toBeGreaterThan(0);
  }
  expect(seen.sort()).toEqual(['system:Be brief.|Write about ants|0.2', 'system:Be brief.|Write about bees|0.2']);
});

test('routing by specialization: only the specialised node serves', async () => {
  const m = model();
  const spec = `spec-${randomUUID().slice(0, 6)}`;
  await agent('plain', [m]);
  const expert = await agent('expert', [m], {}, spec);
  const { body } = await stage.run(chain([manualTrigger(), llm({ specialization: spec, prompt: 'Plan the sprint.' })]), { input: items('x') });
  expect(body.status).toBe('success');
  expect(body.nodes.Ask[0][0]).toMatchObject({ node: expert.id });
});

test('JSON schema output: an answer that does not validate gets one repair call; a second failure fails the item', async () => {
  const m = model();
  const schema = { type: 'object', properties: { label: { type: 'string', enum: ['bug', 'feature'] } }, required: ['label'] };
  const turns: number[] = [];
  await agent('j', [m], {
    respond: (req) => {
      turns.push(req.messages!.length);
      // First answer breaks the schema; the repair (which carries the problems) is right.
      return req.messages!.some((x) => x.role === 'assistant' && x.content.includes('maybe')) ? '```json\n{"label":"bug"}\n```' : '{"label":"maybe"}';
    },
  });
  const { body } = await stage.run(chain([manualTrigger(), llm({ model: m, prompt: '=Classify: {{ $json.topic }}', jsonSchema: JSON.stringify(schema) })]), { input: items('crash') });
  expect(body.status).toBe('success');
  expect(body.nodes.Ask[0][0]).toMatchObject({ json: { label: 'bug' }, model: m });
  expect(turns).toEqual([1, 3]);

  const m2 = model();
  await agent('k', [m2], { respond: () => 'not json at all' });
  const failed = await stage.run(chain([manualTrigger(), llm({ model: m2, prompt: 'Classify', jsonSchema: schema })]), { input: items('x') });
  expect(failed.body.status).toBe('error');
  expect(failed.body.error.message).toMatch(/does not match the JSON schema after a repair attempt: the answer is not valid JSON/);
});

test('a node killed mid-call: another node answers and the item carries its id', async () => {
  const m = model();
  const slow = await agent('slow', [m], { tokensPerSecond: 5, respond: () => 'word '.repeat(200) });
  const { body: started } = await stage.run(chain([manualTrigger(), llm({ model: m, prompt: 'Tell a long story.' })]), { input: items('x'), wait: false });
  await slow.sim.waitForInFlight(1, 20_000);
  const other = await agent('other', [m], { respond: () => 'Short story.' });
  await slow.sim.kill();
  let view: { status: string; nodes: Record<string, unknown[][]> } | undefined;
  for (let i = 0; i < 300; i++) {
    view = (await (await stage.call(`/api/v1/pipelines/executions/${started.id}`)).json()) as typeof view;
    if (view!.status !== 'running') break;
    await new Promise((r) => setTimeout(r, 200));
  }
  expect(view!.status).toBe('success');
  expect(view!.nodes.Ask![0]![0]).toMatchObject({ text: 'Short story.', node: other.id });
});

/** An n8n export: Basic LLM Chain with an Ollama Chat Model sub-node that names one Ollama server. */
function n8nChain(model: string, chainParams: Record<string, unknown>, target = 'Chain') {
  return {
    name: 'n8n chain',
    nodes: [
      { id: 'a', name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
      { id: 'b', name: 'Chain', type: '@n8n/n8n-nodes-langchain.chainLlm', typeVersion: 1.5, position: [200, 0], parameters: chainParams },
      { id: 'c', name: 'Ollama Chat Model', type: '@n8n/n8n-nodes-langchain.lmChatOllama', typeVersion: 1, position: [200, 200], parameters: { model, options: { temperature: 0.3 } }, credentials: { ollamaApi: { id: 'x', name: 'Ollama account' } } },
      { id: 'd', name: 'Done', type: 'n8n-nodes-base.noOp', typeVersion: 1, position: [400, 0], parameters: {} },
    ],
    connections: {
      Start: { main: [[{ node: 'Chain', type: 'main', index: 0 }]] },
      Chain: { main: [[{ node: 'Done', type: 'main', index: 0 }]] },
      'Ollama Chat Model': { ai_languageModel: [[{ node: target, type: 'ai_languageModel', index: 0 }]] },
    },
    settings: { executionOrder: 'v1' },
  };
}

test("n8n's Basic LLM Chain with an Ollama Chat Model runs on the fleet; each item is { text } as n8n gives it", async () => {
  const m = model();
  const seen: string[] = [];
  await agent('chain', [m], {
    respond: (req) => {
      seen.push(`${req.messages!.map((x) => `${x.role}:${x.content}`).join('|')}|t=${String(req.options?.temperature)}`);
      return `  Joke about ${req.messages!.at(-1)!.content}.  `;
    },
  });
  const doc = n8nChain(m, { promptType: 'define', text: '={{ $json.topic }}', messages: { messageValues: [{ message: 'You are funny.' }] } });
  const { body } = await stage.run(doc, { input: items('cats') });
  expect(body.status).toBe('success');
  expect(body.nodes.Chain).toEqual([[{ text: 'Joke about cats.' }]]);
  expect(body.nodes['Ollama Chat Model']).toBeUndefined();
  expect(seen).toEqual(['system:You are funny.|user:cats|t=0.3']);

  // A sub-node may only feed a root node that takes it.
  const wrong = await stage.run(n8nChain(m, { promptType: 'define', text: 'x' }, 'Done'), { input: items('x') });
  expect(wrong.status).toBe(400);
  expect(JSON.stringify(wrong.body)).toContain('\\"ai_languageModel\\" connections (AI sub-nodes) into \\"Done\\" are not supported');
});
