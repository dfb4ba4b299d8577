/**
 * Tool calls on the Ollama simulator, through the real `ollama` client, as
 * Ollama's /api/chat documents them: `tools` in the request, the model's
 * `message.tool_calls` in the answer, `tool` turns carrying the results back,
 * and an answer in words once the results are in.
 */
import { Ollama, type Message, type Tool } from 'ollama';
import { OllamaSimulator } from '../../simulators/ollama';

const MODEL = 'llama3.1:8b';
let sim: OllamaSimulator;
let ollama: Ollama;

beforeEach(async () => {
  sim = await OllamaSimulator.start({ tokensPerSecond: 5000 });
  ollama = new Ollama({ host: sim.url });
});
afterEach(async () => {
  await sim.kill();
});

const tools: Tool[] = [
  { type: 'function', function: { name: 'get_weather', description: 'Weather of a city', parameters: { type: 'object', required: ['city'], properties: { city: { type: 'string' } } } } },
  { type: 'function', function: { name: 'add', description: 'Adds', parameters: { type: 'object', required: ['a', 'b'], properties: { a: { type: 'number' }, b: { type: 'number' } } } } },
];

test('a model offered tools calls the one the user names, with arguments that fit its schema; the loop ends in words', async () => {
  const messages: Message[] = [{ role: 'user', content: 'Please add 2 and 3' }];
  const first = await ollama.chat({ model: MODEL, messages, tools, stream: false });
  expect(first.message.content).toBe('');
  expect(first.done).toBe(true);
  const calls = first.message.tool_calls!;
  expect(calls).toHaveLength(1);
  expect(calls[0]!.function.name).toBe('add');
  expect(Object.keys(calls[0]!.function.arguments).sort()).toEqual(['a', 'b']);
  expect(typeof calls[0]!.function.arguments.a).toBe('number');

  messages.push(first.message, { role: 'tool', content: '5', tool_name: 'add' });
  const second = await ollama.chat({ model: MODEL, messages, tools, stream: false });
  expect(second.message.tool_calls).toBeUndefined();
  expect(second.message.content).toContain('add: 5');
});

test('streaming: the tool calls come in one chunk before the final one', async () => {
  const stream = await ollama.chat({ model: MODEL, messages: [{ role: 'user', content: 'What is the weather in Oslo?' }], tools, stream: true });
  const chunks = [];
  for await (const c of stream) chunks.push(c);
  const withCalls = chunks.filter((c) => c.message.tool_calls?.length);
  expect(withCalls).toHaveLength(1);
  expect(withCalls[0]!.message.tool_calls![0]!.function).toEqual({ name: 'get_weather', arguments: { city: expect.any(String) } });
  expect(chunks.at(-1)!.done).toBe(true);
});

test('a test decides the calls; without tools, or with malformed ones, the simulator answers as Ollama does', async () => {
  await sim.kill();
  sim = await OllamaSimulator.start({ toolCalls: (req) => (req.messages!.length === 1 ? [{ function: { name: 'add', arguments: { a: 40, b: 2 } } }] : undefined) });
  ollama = new Ollama({ host: sim.url });
  const r = await ollama.chat({ model: MODEL, messages: [{ role: 'user', content: 'anything' }], tools, stream: false });
  expect(r.message.tool_calls).toEqual([{ function: { name: 'add', arguments: { a: 40, b: 2 } } }]);
  const plain = await ollama.chat({ model: MODEL, messages: [{ role: 'user', content: 'hello' }], stream: false });
  expect(plain.message.tool_calls).toBeUndefined();
  expect(plain.message.content).toContain('hello');
  const bad = await fetch(`${sim.url}/api/chat`, { method: 'POST', body: JSON.stringify({ model: MODEL, messages: [], tools: [{ type: 'function' }] }) });
  expect(bad.status).toBe(400);
});
