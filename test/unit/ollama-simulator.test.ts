/**
 * The Ollama simulator, driven through the real `ollama` npm client: what the
 * production LLM activity will see from a healthy server, and from a busy,
 * hung, crashing or misbehaving one.
 */
import { Ollama, type ChatResponse } from 'ollama';
import { z } from 'zod';
import { BUSY_MESSAGE, OllamaSimulator, sampleFromSchema, type OllamaSimulatorOptions } from '../../simulators/ollama';

const MODEL = 'llama3.1:8b';

let sim: OllamaSimulator;
let ollama: Ollama;

async function startSim(opts: OllamaSimulatorOptions = {}): Promise<void> {
  sim = await OllamaSimulator.start(opts);
  ollama = new Ollama({ host: sim.url });
}

afterEach(async () => {
  await sim.kill();
});

/** Drains a stream, keeping what arrived before it failed. */
async function drain<T>(stream: AsyncIterable<T>): Promise<{ chunks: T[]; error?: Error }> {
  const chunks: T[] = [];
  try {
    for await (const chunk of stream) chunks.push(chunk);
    return { chunks };
  } catch (err) {
    return { chunks, error: err as Error };
  }
}

/** The client's ResponseError is not exported: it is recognised by name and `status_code`. */
async function responseErrorOf(promise: Promise<unknown>): Promise<{ name: string; message: string; status_code: number }> {
  try {
    await promise;
  } catch (err) {
    return err as { name: string; message: string; status_code: number };
  }
  throw new Error('expected the request to fail');
}

const ask = (content: string) => ({ model: MODEL, messages: [{ role: 'user', content }] });

describe('a healthy server', () => {
  test('streams a chat reply token by token, then a done chunk with its metrics', async () => {
    await startSim({ tokensPerSecond: 200 });
    const { chunks, error } = await drain(await ollama.chat({ ...ask('Plan the login page'), stream: true }));
    expect(error).toBeUndefined();

    const last = chunks.at(-1) as ChatResponse;
    const tokens = chunks.slice(0, -1);
    expect(tokens.length).toBeGreaterThan(3);
    expect(tokens.every((c) => !c.done && c.message.role === 'assistant')).toBe(true);
    expect(tokens.map((c) => c.message.content).join('')).toBe(`Simulated reply from ${MODEL}: Plan the login page`);
    expect(last).toMatchObject({ model: MODEL, done: true, done_reason: 'stop', eval_count: tokens.length, prompt_eval_count: 4 });
    expect(last.eval_duration).toBe((tokens.length * 1e9) / 200);
    expect(last.total_duration).toBeGreaterThanOrEqual(last.load_duration + last.prompt_eval_duration + last.eval_duration);
  });

  test('answers generate in one object when not streaming, after the generation time', async () => {
    await startSim({ tokensPerSecond: 100 });
    const started = Date.now();
    const reply = await ollama.generate({ model: MODEL, prompt: 'Name three colours' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(reply.eval_count * 10 - 5);
    expect(reply).toMatchObject({ model: MODEL, done: true, done_reason: 'stop', response: `Simulated reply from ${MODEL}: Name three colours` });
    expect(reply.eval_count).toBe(7); // 'llama3.1:8b: ' is one token
    expect(reply.context.length).toBe(reply.prompt_eval_count + reply.eval_count);
  });

  test('answers a JSON schema format with JSON that satisfies it', async () => {
    await startSim();
    const Plan = z.object({
      title: z.string().min(3),
      priority: z.enum(['high', 'low']),
      estimate: z.number().int().min(2),
      steps: z.array(z.object({ done: z.boolean(), note: z.string().nullable() })).min(2),
    });
    const reply = await ollama.chat({ ...ask('Plan it'), format: z.toJSONSchema(Plan) });
    expect(Plan.parse(JSON.parse(reply.message.content))).toEqual({
      title: 'simulated',
      priority: 'high',
      estimate: 2,
      steps: [
        { done: true, note: 'simulated' },
        { done: true, note: 'simulated' },
      ],
    });
    const streamed = await drain(await ollama.generate({ model: MODEL, prompt: 'x', format: 'json', stream: true }));
    expect(streamed.chunks.map((c) => c.response).join('')).toBe('{}');
  });

  test('lets a test script the reply and stop it at num_predict', async () => {
    const seen: unknown[] = [];
    await startSim({
      respond: (req) => {
        seen.push(req);
        return 'one two three four five';
      },
    });
    const reply = await ollama.chat({ ...ask('count'), options: { num_predict: 3 } });
    expect(reply.message.content).toBe('one two three ');
    expect(reply.done_reason).toBe('length');
    expect(seen).toEqual([{ endpoint: 'chat', model: MODEL, messages: [{ role: 'user', content: 'count' }], options: { num_predict: 3 } }]);
  });

  test('lists installed models, loaded models, details and version', async () => {
    await startSim({ models: ['llama3.1:8b', { name: 'qwen2.5-coder:7b', sizeBytes: 4_683_087_332, family: 'qwen2' }], version: '0.6.2' });
    expect(await ollama.version()).toEqual({ version: '0.6.2' });
    expect(await (await fetch(sim.url)).text()).toBe('Ollama is running');

    const { models } = await ollama.list();
    expect(models.map((m) => m.name)).toEqual(['llama3.1:8b', 'qwen2.5-coder:7b']);
    expect(models[1]).toMatchObject({ model: 'qwen2.5-coder:7b', size: 4_683_087_332, details: { format: 'gguf', family: 'qwen2', parameter_size: '7B' } });
    expect(models[1]?.digest).toMatch(/^[0-9a-f]{64}$/);

    expect((await ollama.ps()).models).toEqual([]);
    await ollama.generate({ model: 'qwen2.5-coder:7b', prompt: 'hi' });
    const running = (await ollama.ps()).models;
    expect(running.map((m) => m.name)).toEqual(['qwen2.5-coder:7b']);
    const expiresIn = new Date(running[0]?.expires_at ?? 0).getTime() - Date.now();
    expect(expiresIn).toBeGreaterThan(4.9 * 60_000);
    expect(expiresIn).toBeLessThanOrEqual(5 * 60_000);
    expect(running[0]?.size_vram).toBe(4_683_087_332);

    const shown = await ollama.show({ model: 'llama3.1:8b' });
    expect(shown.capabilities).toEqual(['completion']);
    expect(shown.details.family).toBe('llama');
    const missing = await responseErrorOf(ollama.show({ model: 'mistral' }));
    expect(missing).toMatchObject({ status_code: 404, message: "model 'mistral' not found" });
  });

  test('counts requests by endpoint', async () => {
    await startSim();
    await ollama.list();
    await ollama.chat(ask('a'));
    await ollama.generate({ model: MODEL, prompt: 'b' });
    await responseErrorOf(ollama.chat({ ...ask('c'), model: 'nope' }));
    expect(sim.stats).toEqual({
      requests: 4,
      chat: 2,
      generate: 1,
      inFlight: 0,
      maxInFlight: 1,
      byEndpoint: { '/api/tags': 1, '/api/chat': 2, '/api/generate': 1 },
    });
  });
});

describe('errors the client reports as ResponseError', () => {
  test('an unknown model is a 404 that says "not found"', async () => {
    await startSim();
    const err = await responseErrorOf(ollama.chat({ ...ask('hi'), model: 'mistral:7b' }));
    expect(err.name).toBe('ResponseError');
    expect(err.status_code).toBe(404);
    expect(err.message).toBe('model "mistral:7b" not found, try pulling it first');
    // Streaming requests fail the same way, before any iterator exists.
    expect(await responseErrorOf(ollama.chat({ ...ask('hi'), model: 'x', stream: true }))).toMatchObject({ status_code: 404 });
  });

  test('a busy server is a 503, drawn from a seeded failure rate or a concurrency limit', async () => {
    await startSim({ failureRate: 1 });
    expect(await responseErrorOf(ollama.generate({ model: MODEL, prompt: 'hi' }))).toMatchObject({ status_code: 503, message: BUSY_MESSAGE });

    sim.configure({ failureRate: 0, maxConcurrent: 1, tokensPerSecond: 20 });
    const first = await ollama.chat({ ...ask('a long answer please'), stream: true });
    await sim.waitForInFlight(1);
    expect(await responseErrorOf(ollama.chat(ask('second')))).toMatchObject({ status_code: 503 });
    first.abort();

    const pattern = async (seed: number): Promise<number[]> => {
      sim.configure({ failureRate: 0.5, maxConcurrent: undefined, tokensPerSecond: 10_000, seed });
      const outcomes: number[] = [];
      for (let i = 0; i < 8; i++) {
        const res = await fetch(`${sim.url}/api/generate`, { method: 'POST', body: JSON.stringify({ model: MODEL, prompt: 'x', stream: false }) });
        await res.arrayBuffer();
        outcomes.push(res.status);
      }
      return outcomes;
    };
    const once = await pattern(7);
    expect(once).toEqual(await pattern(7));
    expect(new Set(once)).toEqual(new Set([200, 503]));
  });

  test('malformed JSON is a 400', async () => {
    await startSim();
    const res = await fetch(`${sim.url}/api/chat`, { method: 'POST', body: '{"model":' });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: expect.stringContaining('invalid JSON') });
  });
});

describe('streams that go wrong', () => {
  test('an {"error"} line mid-stream makes the iteration throw a plain Error with its text', async () => {
    await startSim();
    sim.failNextStreamWith('llama runner process has terminated: signal: killed');
    const { chunks, error } = await drain(await ollama.chat({ ...ask('hello there, how are you'), stream: true }));
    expect(chunks).toHaveLength(2);
    expect(error?.message).toBe('llama runner process has terminated: signal: killed');
    expect(error?.name).toBe('Error');
    expect(error).not.toHaveProperty('status_code');
    // One-shot: the next stream is whole again.
    const next = await drain(await ollama.chat({ ...ask('again'), stream: true }));
    expect(next.chunks.at(-1)?.done).toBe(true);
  });

  test('a stream that ends without its done line makes the iteration throw', async () => {
    await startSim();
    sim.truncateNextStream();
    const { chunks, error } = await drain(await ollama.generate({ model: MODEL, prompt: 'tell me a story please', stream: true }));
    expect(chunks).toHaveLength(2);
    expect(chunks.some((c) => c.done)).toBe(false);
    expect(error?.message).toBe('Did not receive done or success response in stream.');
  });

  test('a server killed mid-stream breaks the consuming loop, and comes back on the same port', async () => {
    await startSim({ tokensPerSecond: 20 });
    const port = sim.port;
    const stream = await ollama.chat({ ...ask('write a long essay about durable execution'), stream: true });
    const chunks: ChatResponse[] = [];
    const consumed = (async () => {
      for await (const chunk of stream) chunks.push(chunk);
    })();
    await sim.waitForInFlight(1);
    await waitUntil(() => chunks.length >= 2);
    await sim.kill();
    // undici's TypeError comes from another realm under jest: match by name, not instanceof.
    await expect(consumed).rejects.toMatchObject({ name: 'TypeError', message: 'terminated', cause: { code: 'UND_ERR_SOCKET' } });
    expect(chunks.length).toBeGreaterThanOrEqual(2);
    expect(chunks.some((c) => c.done)).toBe(false);
    expect(sim.stats.inFlight).toBe(0);

    await expect(ollama.version()).rejects.toMatchObject({ name: 'TypeError', message: 'fetch failed', cause: { code: 'ECONNREFUSED' } });

    await sim.restart();
    expect(sim.port).toBe(port);
    expect(await ollama.version()).toEqual({ version: '0.6.0' });
    expect((await ollama.ps()).models).toEqual([]);
  });

  test('a hung server sends nothing more until released', async () => {
    await startSim();
    sim.hang();

    // Streaming: headers and a first chunk arrive, then silence; the stream's own abort() ends it.
    const stream = await ollama.chat({ ...ask('are you there'), stream: true });
    const consumed = drain(stream);
    await new Promise((r) => setTimeout(r, 500));
    expect(sim.stats.inFlight).toBe(1);
    stream.abort();
    const { chunks, error } = await consumed;
    expect(chunks).toHaveLength(1);
    expect(error?.name).toBe('AbortError');

    // Non-streaming calls take no signal, so the caller's fetch has to bring one.
    const controller = new AbortController();
    const withSignal = new Ollama({ host: sim.url, fetch: (input, init) => fetch(input, { ...init, signal: controller.signal }) });
    const pending = withSignal.version();
    const outcome = await Promise.race([pending.then(() => 'answered'), new Promise((r) => setTimeout(() => r('still waiting'), 500))]);
    expect(outcome).toBe('still waiting');
    controller.abort();
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });

    sim.hang(false);
    expect(await ollama.version()).toEqual({ version: '0.6.0' });
    await expect(waitUntil(() => sim.stats.inFlight === 0)).resolves.toBe(true);
  });
});

describe('sampleFromSchema', () => {
  test('follows $ref, enum, const, anyOf, bounds and required keys', () => {
    const schema = {
      $defs: { Step: { type: 'object', properties: { n: { type: 'integer', exclusiveMinimum: 4 } } } },
      type: 'object',
      properties: {
        step: { $ref: '#/$defs/Step' },
        kind: { const: 'plan' },
        when: { type: 'string', format: 'date-time' },
        maybe: { anyOf: [{ type: 'null' }, { type: 'number', minimum: 2.5 }] },
        tags: { type: 'array', items: { enum: ['a', 'b'] }, minItems: 3 },
        code: { type: 'string', minLength: 12, maxLength: 12 },
      },
      required: ['step', 'extra'],
    };
    expect(sampleFromSchema(schema)).toEqual({
      step: { n: 5 },
      kind: 'plan',
      when: '1970-01-01T00:00:00.000Z',
      maybe: 2.5,
      tags: ['a', 'a', 'a'],
      code: 'simulatedxxx',
      extra: 'simulated',
    });
  });
});

async function waitUntil(condition: () => boolean, timeoutMs = 2_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 10));
  }
  return true;
}
