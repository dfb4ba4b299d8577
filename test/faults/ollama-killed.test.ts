/**
 * An Ollama node killed mid-stream while it serves several LLM calls at once,
 * with a second node up (issue 12.2): every call fails over and completes with
 * its own answer; none is lost, none is answered twice, and the ledger of calls
 * (llm_calls) holds one success per call and nothing left running on the dead
 * node. The calls are `llmCall` workflows through the real `ollama` client and
 * the node workers, as a council member's or a pipeline's LLM step makes them.
 */
import { randomUUID } from 'node:crypto';
import { createNode, deleteNode } from '../../activities/agents/agent-store';
import type { LlmResult } from '../../domain/routing/llm-call';
import { OllamaSimulator, type SimRequest } from '../../simulators/ollama';
import { startHarness, testConfig, type Harness } from '../helpers/harness';

const PREFIX = `ok${randomUUID().slice(0, 6)}-`;
const MODEL = `m-${randomUUID().slice(0, 8)}`;
let h: Harness;
const sims: OllamaSimulator[] = [];
const nodeIds: string[] = [];

beforeAll(async () => {
  const config = testConfig({ llm: { heartbeat_timeout_seconds: 3, attempts_per_node: 2, wait_for_node_seconds: 10, queue_timeout_seconds: 60 } });
  h = await startHarness({ config, nodes: (n) => n.id.startsWith(PREFIX) });
});
afterAll(async () => {
  for (const id of nodeIds) await deleteNode(h.pool, id).catch(() => undefined);
  await Promise.all(sims.map((s) => s.stop().catch(() => undefined)));
  await h.close();
});

/** The prompt each request carried, one entry per stream the node began. */
const promptOf = (req: SimRequest): string => String(req.messages?.at(-1)?.content ?? '');

async function node(name: string, opts: Parameters<typeof OllamaSimulator.start>[0], seen: string[]) {
  const sim = await OllamaSimulator.start({ models: [MODEL], ...opts, respond: (req) => {
    seen.push(promptOf(req));
    return `Answer to ${promptOf(req)}. ${opts?.respond ? opts.respond(req) : ''}`;
  } });
  sims.push(sim);
  const id = `${PREFIX}${name}`;
  await createNode(h.pool, id, { name, endpoint: sim.url, models: [MODEL], specialization: null, capabilities: [], parallel: 3, hardware: {}, performance_targets: {} });
  nodeIds.push(id);
  await h.nodeWorkers!.reconcile();
  return { id, sim };
}

test('a node killed with calls mid-stream: each call fails over once and completes; 0 lost, 0 duplicated', async () => {
  const onA: string[] = [];
  const onB: string[] = [];
  // A streams slowly (a long answer at 10 tokens/s), so its calls are cut mid-stream.
  const a = await node('a', { tokensPerSecond: 10, respond: () => 'word '.repeat(400) }, onA);
  const b = await node('b', { tokensPerSecond: 2000 }, onB);
  const prompts = Array.from({ length: 6 }, (_, i) => `question ${i} ${randomUUID().slice(0, 8)}`);
  const handles = await Promise.all(
    prompts.map((p) =>
      h.client.workflow.start('llmCall', {
        workflowId: `llm:${PREFIX}${randomUUID()}`,
        taskQueue: h.taskQueue,
        args: [{ needs: { model: MODEL }, request: { messages: [{ role: 'user', content: p }] } }],
      }),
    ),
  );
  await a.sim.waitForInFlight(2, 30_000);
  const cut = a.sim.stats.inFlight;
  await a.sim.kill();
  const killedAt = Date.now();
  const results: LlmResult[] = await Promise.all(handles.map((hd) => hd.result()));
  const recoverySeconds = (Date.now() - killedAt) / 1000;

  // Every call has its own answer, from the node left standing.
  expect(results.map((r) => r.nodeId)).toEqual(prompts.map(() => b.id));
  results.forEach((r, i) => expect(r.content ?? '').toContain(`Answer to ${prompts[i]}.`));
  // The calls cut on A are the ones that failed over, once each.
  const failedOver = results.filter((r) => r.failedOver.length > 0);
  expect(failedOver.length).toBeGreaterThanOrEqual(cut);
  for (const r of failedOver) expect(r.failedOver).toEqual([expect.objectContaining({ nodeId: a.id })]);
  // B answered each prompt exactly once.
  expect([...onB].sort()).toEqual([...prompts].sort());
  expect(new Set(onA).size).toBe(onA.length);

  // The ledger: one success per call, and nothing left reserved or running on the dead node.
  const { rows } = await h.pool.query<{ workflow_id: string; node_id: string; state: string }>(
    `SELECT workflow_id, node_id, state FROM llm_calls WHERE workflow_id = ANY($1::text[])`,
    [handles.map((hd) => hd.workflowId)],
  );
  for (const hd of handles) {
    const mine = rows.filter((r) => r.workflow_id === hd.workflowId);
    expect(mine.filter((r) => r.state === 'succeeded').map((r) => r.node_id)).toEqual([b.id]);
    expect(mine.filter((r) => r.state !== 'succeeded').map((r) => `${r.node_id} ${r.state}`)).toEqual(mine.length > 1 ? [`${a.id} failed`] : []);
  }
  console.warn(JSON.stringify({ fault: 'ollama-killed', calls: prompts.length, cutMidStream: cut, failedOver: failedOver.length, recoverySeconds }));
}, 120_000);
