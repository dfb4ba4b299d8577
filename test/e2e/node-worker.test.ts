/**
 * `npm run worker -- --node <id> --endpoint <url>`: one node's worker run on
 * its own (as on the GPU host, calling its local Ollama) serves that node's
 * task queue.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { createNode, deleteNode } from '../../activities/agents/agent-store';
import type { LlmResult } from '../../domain/routing/llm-call';
import { startHarness, type Harness } from '../helpers/harness';
import { OllamaSimulator } from '../../simulators/ollama';
import { testEnv } from '../setup/test-env';

const ROOT = path.join(__dirname, '..', '..');
let h: Harness;
let sim: OllamaSimulator;

beforeAll(async () => {
  h = await startHarness();
  sim = await OllamaSimulator.start({ models: ['phi3:mini'] });
});
afterAll(async () => {
  await sim.stop();
  await h.close();
});

test('a node worker started from the command line serves its node, calling the endpoint it was given', async () => {
  const id = `cli-${randomUUID().slice(0, 8)}`;
  const model = `phi3-${id}`;
  sim.configure({ models: [model] });
  // The registry holds the LAN address; the worker on the GPU host calls localhost instead.
  await createNode(h.pool, id, { name: id, endpoint: 'http://192.0.2.1:11434', models: [model], specialization: null, capabilities: [], parallel: 2, hardware: {}, performance_targets: {} });
  const env = testEnv();
  const worker = spawn(path.join(ROOT, 'node_modules', '.bin', 'tsx'), ['workers/main.ts', '--node', id, '--endpoint', sim.url], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, TEMPORAL_ADDRESS: env.temporalAddress, DATABASE_URL: env.databaseUrl, WHOOSH_LOG_LEVEL: 'info', WHOOSH_DATA_DIR: env.scratchDir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  worker.stdout.on('data', (d: Buffer) => (out += d.toString()));
  worker.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => worker.once('exit', resolve));
  try {
    for (let i = 0; i < 200 && !out.includes('node worker running'); i++) await new Promise((r) => setTimeout(r, 100));
    expect(out).toContain(`"taskQueue":"llm:${id}"`);

    const result: LlmResult = await h.client.workflow.execute('llmCall', {
      workflowId: `llm:${randomUUID()}`,
      taskQueue: h.taskQueue,
      args: [{ needs: { model }, request: { messages: [{ role: 'user', content: 'hello' }] } }],
    });
    expect(result).toMatchObject({ nodeId: id, model, failedOver: [] });
    expect(sim.stats.chat).toBe(1);
  } finally {
    worker.kill('SIGINT');
    expect(await exited).toBe(0);
    await deleteNode(h.pool, id);
  }
});

test('an unknown node id ends with one line saying so', async () => {
  const env = testEnv();
  const worker = spawn(path.join(ROOT, 'node_modules', '.bin', 'tsx'), ['workers/main.ts', '--node', 'nope'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, TEMPORAL_ADDRESS: env.temporalAddress, DATABASE_URL: env.databaseUrl, WHOOSH_LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
  worker.stderr.on('data', (d: Buffer) => (err += d.toString()));
  expect(await new Promise((resolve) => worker.once('exit', resolve))).toBe(1);
  expect(err.trim()).toBe('whoosh worker: no agent node "nope" is registered (see GET /api/v1/agents)');
});
