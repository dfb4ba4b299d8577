/**
 * The agent network on the real Temporal dev server: LLM calls routed to node
 * task queues, served through the real `ollama` client by simulated Ollama
 * nodes, failing over when a node dies, stalls, is busy or lacks the model,
 * and waiting durably when no node can serve.
 */
import { randomUUID } from 'node:crypto';
import { WorkflowFailedError } from '@temporalio/client';
import { createNode, deleteNode, listNodeViews } from '../../activities/agents/agent-store';
import { listAlerts } from '../../activities/agents/alert-store';
import type { LlmResult } from '../../domain/routing/llm-call';
import type { llmCall } from '../../workflows/llm-call';
import { startHarness, testConfig, type Harness } from '../helpers/harness';
import { recordHistory } from '../helpers/histories';
import { OllamaSimulator } from '../../simulators/ollama';

const PREFIX = `t${randomUUID().slice(0, 6)}-`;
let h: Harness;
let nodeCount = 0;
const sims: OllamaSimulator[] = [];

beforeAll(async () => {
  const config = testConfig({
    llm: { heartbeat_timeout_seconds: 2, attempts_per_node: 2, wait_for_node_seconds: 3, inline_output_limit: 200, queue_timeout_seconds: 30 },
  });
  h = await startHarness({ config, nodes: (n) => n.id.startsWith(PREFIX) });
});
afterEach(async () => {
  for (const n of await listNodeViews(h.pool)) if (n.id.startsWith(PREFIX)) await deleteNode(h.pool, n.id);
  await Promise.all(sims.splice(0).map((s) => s.stop().catch(() => undefined)));
});
afterAll(async () => {
  await h.close();
});

/** A simulated Ollama node registered in WHOOSH under a file-unique id. */
async function node(
  name: string,
  models: string[],
  opts: Parameters<typeof OllamaSimulator.start>[0] = {},
  parallel = 1,
  performance_targets: { min_tokens_per_second?: number; max_response_time_ms?: number } = {},
) {
  const sim = await OllamaSimulator.start({ models, ...opts });
  sims.push(sim);
  const id = `${PREFIX}${name}-${++nodeCount}`;
  await createNode(h.pool, id, {
    name,
    endpoint: sim.url,
    models,
    specialization: null,
    capabilities: [],
    parallel,
    hardware: {},
    performance_targets,
  });
  await h.nodeWorkers!.reconcile();
  return { id, sim };
}

const model = (): string => `m-${randomUUID().slice(0, 8)}`;
type CallInput = Parameters<typeof llmCall>[0];
const ask = (m: string, over: Partial<CallInput> = {}): CallInput => ({
  needs: { model: m },
  request: { messages: [{ role: 'user', content: 'Summarise the design brief in one line.' }] },
  ...over,
});

function start(input: CallInput) {
  return h.client.workflow.start('llmCall', { workflowId: `llm:${randomUUID()}`, taskQueue: h.taskQueue, args: [input] });
}

async function llmChatQueues(handle: Awaited<ReturnType<typeof start>>): Promise<string[]> {
  const { events } = await handle.fetchHistory();
  return (events ?? [])
    .filter((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'llmChat')
    .map((e) => e.activityTaskScheduledEventAttributes!.taskQueue!.name!);
}

test('a call is served by a node that has the model, through its own task queue', async () => {
  const m = model();
  const a = await node('a', ['other:1b']);
  const b = await node('b', [m]);
  const handle = await start(ask(m));
  const result: LlmResult = await handle.result();
  expect(result).toMatchObject({ nodeId: b.id, model: m, failedOver: [], doneReason: 'stop' });
  expect(result.content).toContain(`Simulated reply from ${m}`);
  expect(result.metrics.evalTokens).toBeGreaterThan(0);
  expect(result.metrics.tokensPerSecond).toBeGreaterThan(0);
  expect(a.sim.stats.chat).toBe(0);
  expect(await llmChatQueues(handle)).toEqual([`llm:${b.id}`]);

  const [row] = (await h.pool.query('SELECT state, eval_tokens FROM llm_calls WHERE id = $1', [result.callId])).rows;
  expect(row).toEqual({ state: 'succeeded', eval_tokens: result.metrics.evalTokens });
});

test('concurrent calls spread over the nodes', async () => {
  const m = model();
  const a = await node('a', [m], { tokensPerSecond: 40 });
  const b = await node('b', [m], { tokensPerSecond: 40 });
  const results: LlmResult[] = await Promise.all(Array.from({ length: 4 }, () => start(ask(m)).then((hd) => hd.result())));
  const served = results.map((r) => r.nodeId).sort();
  expect(served).toEqual([a.id, a.id, b.id, b.id]);
});

test('a node killed mid-stream: the call finishes on another node, the retry visible in the history', async () => {
  const m = model();
  const a = await node('a', [m], { tokensPerSecond: 5, respond: () => 'word '.repeat(200) });
  const b = await node('b', [m]);
  const handle = await start(ask(m));
  await a.sim.waitForInFlight(1, 20_000);
  await a.sim.kill();
  const result: LlmResult = await handle.result();
  expect(result.nodeId).toBe(b.id);
  expect(result.failedOver).toEqual([expect.objectContaining({ nodeId: a.id, type: 'NodeUnavailable' })]);
  expect(await llmChatQueues(handle)).toEqual([`llm:${a.id}`, `llm:${b.id}`]);
  await recordHistory('llm-call-failover', handle);
});

test('404 model not found: not retried on that node, served by another', async () => {
  const m = model();
  // Registered with the model, but the server does not have it (no health check yet).
  const a = await node('a', [m], { models: ['something-else'] });
  const b = await node('b', [m]);
  const result: LlmResult = await (await start(ask(m))).result();
  expect(result.nodeId).toBe(b.id);
  expect(result.failedOver).toEqual([expect.objectContaining({ nodeId: a.id, type: 'ModelNotFound' })]);
  expect(a.sim.stats.chat).toBe(1);
});

test('503 busy: retried with backoff on the node, then routed elsewhere', async () => {
  const m = model();
  const a = await node('a', [m], { failureRate: 1 });
  const b = await node('b', [m]);
  const result: LlmResult = await (await start(ask(m))).result();
  expect(result.nodeId).toBe(b.id);
  expect(result.failedOver).toEqual([expect.objectContaining({ nodeId: a.id, type: 'NodeBusy' })]);
  expect(a.sim.stats.chat).toBe(2);
});

test('a mid-stream error line and a stream without done are failures, retried, never short answers', async () => {
  const m = model();
  const a = await node('a', [m]);
  a.sim.failNextStreamWith('CUDA error: out of memory');
  let handle = await start(ask(m));
  let result: LlmResult = await handle.result();
  expect(result).toMatchObject({ nodeId: a.id, failedOver: [] });
  expect(result.content).toContain('Simulated reply');
  const lastFailure = async (hd: typeof handle) =>
    (await hd.fetchHistory()).events?.find((e) => (e.activityTaskStartedEventAttributes?.attempt ?? 0) > 1)?.activityTaskStartedEventAttributes?.lastFailure;
  expect(await lastFailure(handle)).toMatchObject({ message: expect.stringContaining('CUDA error: out of memory'), applicationFailureInfo: { type: 'StreamError' } });

  a.sim.truncateNextStream();
  handle = await start(ask(m));
  result = await handle.result();
  expect(result).toMatchObject({ nodeId: a.id, failedOver: [] });
  expect(await lastFailure(handle)).toMatchObject({ applicationFailureInfo: { type: 'StreamTruncated' } });
  expect(a.sim.stats.chat).toBe(4);
});

test('a stalled stream trips the heartbeat timeout and the call moves on', async () => {
  const m = model();
  const a = await node('a', [m]);
  const b = await node('b', [m]);
  a.sim.hang(true);
  const result: LlmResult = await (await start(ask(m))).result();
  expect(result.nodeId).toBe(b.id);
  expect(result.failedOver).toEqual([expect.objectContaining({ nodeId: a.id, type: 'TimeoutFailure', error: expect.stringMatching(/heartbeat/i) })]);
  // The worker ends the stalled requests itself (half a heartbeat timeout after the server gave up on them),
  // and records why just after: wait for both.
  const errorTypes = async (nodeId: string) => (await h.pool.query(`SELECT error_type FROM llm_calls WHERE node_id = $1`, [nodeId])).rows.map((r) => r.error_type);
  for (let i = 0; i < 50 && (a.sim.stats.inFlight > 0 || !(await errorTypes(a.id)).includes('StreamStalled')); i++) await new Promise((r) => setTimeout(r, 100));
  expect(a.sim.stats.inFlight).toBe(0);
  expect(await errorTypes(a.id)).toEqual(expect.arrayContaining(['StreamStalled']));
});

test('a stream that stalls mid-answer also fails by the heartbeat timeout, never by the worker’s own watchdog', async () => {
  const m = model();
  const a = await node('a', [m]);
  const b = await node('b', [m]);
  // Several chunks at once, then silence: the SDK throttles the heartbeats after the first, so the
  // server hears of the last chunks up to 0.8 of a heartbeat timeout late, and times the attempt
  // out after the worker sees the stall.
  a.sim.hang(true, { afterChunks: 5 });
  const handle = await start(ask(m));
  const result: LlmResult = await handle.result();
  expect(result.nodeId).toBe(b.id);
  expect(result.failedOver).toEqual([expect.objectContaining({ nodeId: a.id, type: 'TimeoutFailure', error: expect.stringMatching(/heartbeat/i) })]);
  // The first attempt on the node ended the same way as the last.
  const retried = (await handle.fetchHistory()).events?.find((e) => (e.activityTaskStartedEventAttributes?.attempt ?? 0) > 1)?.activityTaskStartedEventAttributes;
  expect(retried?.lastFailure).toMatchObject({ message: expect.stringMatching(/heartbeat/i), timeoutFailureInfo: expect.anything() });
});

test('with no eligible node the call waits durably, then fails clearly', async () => {
  const handle = await start(ask(model()));
  const err = await handle.result().catch((e: unknown) => e);
  expect(err).toBeInstanceOf(WorkflowFailedError);
  const cause = (err as WorkflowFailedError).cause;
  expect(cause).toMatchObject({ type: 'NoEligibleNode', message: expect.stringContaining('after waiting 3s') });
  const { events } = await handle.fetchHistory();
  expect(events?.filter((e) => e.timerStartedEventAttributes).length).toBeGreaterThan(0);
  await recordHistory('llm-call-no-eligible-node', handle);
});

test('a call that waits is served by a node registered while it waits', async () => {
  const m = model();
  const handle = await start(ask(m));
  await new Promise((r) => setTimeout(r, 800));
  const late = await node('late', [m]);
  const result: LlmResult = await handle.result();
  expect(result.nodeId).toBe(late.id);
});

test('image inputs that are file paths are refused without calling any node', async () => {
  const m = model();
  const a = await node('a', [m]);
  const handle = await start(ask(m, { request: { messages: [{ role: 'user', content: 'look', images: ['/etc/passwd'] }] } }));
  const err = await handle.result().catch((e: unknown) => e);
  expect((err as WorkflowFailedError).cause?.cause).toMatchObject({ type: 'InvalidLlmRequest' });
  expect(a.sim.stats.chat).toBe(0);
});

test('large outputs are stored and passed by reference', async () => {
  const m = model();
  const text = 'lorem ipsum '.repeat(100);
  await node('a', [m], { respond: () => text });
  const result: LlmResult = await (await start(ask(m))).result();
  expect(result.content).toBeUndefined();
  expect(result.contentLength).toBe(text.length);
  const { rows } = await h.pool.query('SELECT content FROM llm_outputs WHERE id = $1', [result.contentRef]);
  expect(rows[0].content).toBe(text);
});

test('health: a killed node is marked down with an alert; restarted, it is up and the alert resolves', async () => {
  const m = model();
  const a = await node('a', [m]);
  const sweep = async () => {
    // Only this test's node: the registry is shared with the other test files, whose nodes are theirs to check.
    const handle = await h.client.workflow.start('agentHealthSweep', { workflowId: `health:${randomUUID()}`, taskQueue: h.taskQueue, args: [{ nodeIds: [a.id] }] });
    await handle.result();
    await recordHistory('agent-health-sweep', handle);
  };
  const statusOf = async () => (await listNodeViews(h.pool)).find((n) => n.id === a.id)!;

  await sweep();
  expect(await statusOf()).toMatchObject({ status: 'up', modelsInstalled: [`${m}:latest`], version: expect.any(String) });

  await a.sim.kill();
  await sweep();
  expect(await statusOf()).toMatchObject({ status: 'down', lastError: expect.any(String) });
  expect(await listAlerts(h.pool, { status: 'open', nodeId: a.id, limit: 10 })).toEqual([expect.objectContaining({ kind: 'node_down', severity: 'critical' })]);

  await a.sim.restart();
  await sweep();
  expect(await statusOf()).toMatchObject({ status: 'up' });
  expect(await listAlerts(h.pool, { status: 'open', nodeId: a.id, limit: 10 })).toEqual([]);
  expect(await listAlerts(h.pool, { status: 'resolved', nodeId: a.id, limit: 10 })).toEqual([expect.objectContaining({ kind: 'node_down' })]);
});

test('health: a node missing a configured model is degraded', async () => {
  const m = model();
  const a = await node('a', [m, 'absent:7b'], { models: [m] });
  await h.client.workflow.execute('agentHealthSweep', { workflowId: `health:${randomUUID()}`, taskQueue: h.taskQueue, args: [{ nodeIds: [a.id] }] });
  expect((await listNodeViews(h.pool)).find((n) => n.id === a.id)).toMatchObject({ status: 'degraded', reason: 'missing models: absent:7b' });
});

test('health: a node slower than its tokens/s target is degraded, with an alert', async () => {
  const m = model();
  const a = await node('slow', [m], { tokensPerSecond: 50 }, 1, { min_tokens_per_second: 500 });
  await (await start(ask(m))).result();
  await h.client.workflow.execute('agentHealthSweep', { workflowId: `health:${randomUUID()}`, taskQueue: h.taskQueue, args: [{ nodeIds: [a.id] }] });
  const view = (await listNodeViews(h.pool)).find((n) => n.id === a.id)!;
  expect(view.status).toBe('degraded');
  expect(view.reason).toMatch(/tokens\/s, below the target of 500/);
  expect(await listAlerts(h.pool, { status: 'open', nodeId: a.id, limit: 10 })).toEqual([expect.objectContaining({ kind: 'slow_tokens', severity: 'warning' })]);
});
