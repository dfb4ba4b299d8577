/**
 * whoosh.llm 1: chat or generate on the agent network. start() resolves one
 * call per item (model or specialization, system, prompt or messages,
 * options, structured output) into an llm step, which the durable run routes
 * with failover over the fleet. With a JSON schema, an answer that does not
 * parse or validate gets one repair call (the answer and the problems sent
 * back to the model); then the item fails. With `tools` (MCP tools of
 * mcp_servers.registry: [{ server, tool? }], a ref without a tool offering all
 * of the server's) the step loops: the model's tool calls are made and their
 * results sent back until it answers, at most `maxToolRounds` model turns.
 */
import { z } from 'zod';
import { NodeOperationError } from '../errors';
import type { NodeExecution, NodeType, PendingStep } from '../node-type';
import type { Item, JsonObject, JsonValue, LlmStepAnswer, LlmStepCall, LlmStepResult, LlmToolRef, ResumeResult } from '../types';
import { isObject, toJson } from '../values';

type Message = LlmStepCall['messages'][number];
const ROLES = new Set(['system', 'user', 'assistant']);

/** What finish() needs: per item, the call (for a repair), whether it expects JSON and its schema, and answers so far. */
interface Pending {
  calls: LlmStepCall[];
  output: 'text' | 'json';
  schema: JsonObject | null;
  /** Item indexes of the calls in flight (all items first, then those being repaired). */
  inFlight: number[];
  answers: (JsonObject | null)[];
  repaired: boolean;
}

function messagesOf(ex: NodeExecution, i: number): Message[] {
  const p = ex.resolve(i);
  const out: Message[] = [];
  const system = p.system;
  if (typeof system === 'string' && system !== '') out.push({ role: 'system', content: system });
  const operation = p.operation ?? 'chat';
  const raw = isObject(p.messages) ? (p.messages as { message?: unknown }).message : p.messages;
  if (operation === 'chat' && raw !== undefined && raw !== '') {
    const list = typeof raw === 'string' ? (JSON.parse(raw) as unknown) : raw;
    if (!Array.isArray(list)) throw new NodeOperationError('"messages" must be a list of { role, content }', undefined, i);
    for (const m of list) {
      if (!isObject(m) || !ROLES.has(String(m.role)) || m.content === undefined) throw new NodeOperationError('Each message needs a role (system, user or assistant) and a content', JSON.stringify(m), i);
      out.push({ role: m.role as Message['role'], content: typeof m.content === 'string' ? m.content : JSON.stringify(m.content) });
    }
  }
  const prompt = p.prompt;
  if (prompt !== undefined && prompt !== '') out.push({ role: 'user', content: typeof prompt === 'string' ? prompt : JSON.stringify(prompt) });
  if (!out.some((m) => m.role === 'user')) throw new NodeOperationError('No prompt: set "prompt" (or "messages" with a user message)', undefined, i);
  return out;
}

/** `tools` as a list of { server, tool? }, a JSON string of one, n8n's fixedCollection ({ tool: [...] }, or {} with no tool as the editor starts it) or "server" / "server.tool" names. */
export function toolRefsOf(raw: unknown, i?: number): LlmToolRef[] {
  if (raw === undefined || raw === null || raw === '') return [];
  let list: unknown = raw;
  if (typeof raw === 'string') {
    const text = raw.trim();
    if (text.startsWith('[') || text.startsWith('{')) {
      try {
        list = JSON.parse(text);
      } catch {
        throw new NodeOperationError('"tools" is not valid JSON', undefined, i);
      }
    } else list = text.split(',').map((x) => x.trim()).filter(Boolean);
  }
  if (isObject(list) && Array.isArray(list.tool)) list = list.tool;
  else if (isObject(list) && Object.keys(list).length === 0) list = [];
  if (!Array.isArray(list)) throw new NodeOperationError('"tools" must be a list of { server, tool }', undefined, i);
  return list.map((t): LlmToolRef => {
    if (typeof t === 'string') {
      const dot = t.indexOf('.');
      return dot < 0 ? { server: t } : { server: t.slice(0, dot), tool: t.slice(dot + 1) };
    }
    if (!isObject(t) || typeof t.server !== 'string' || t.server === '') throw new NodeOperationError('Each tool needs a "server" (a name of mcp_servers.registry)', JSON.stringify(t), i);
    return typeof t.tool === 'string' && t.tool !== '' ? { server: t.server, tool: t.tool } : { server: t.server };
  });
}

function schemaOf(ex: NodeExecution): JsonObject | null {
  const raw = ex.param<unknown>('jsonSchema', 0, '');
  if (raw === '' || raw === undefined || raw === null) return null;
  let schema: unknown = raw;
  if (typeof raw === 'string') {
    try {
      schema = JSON.parse(raw);
    } catch {
      throw new NodeOperationError('The JSON schema is not valid JSON');
    }
  }
  if (!isObject(schema)) throw new NodeOperationError('The JSON schema must be an object');
  return toJson(schema) as JsonObject;
}

/** The answer as JSON, or the problems with it (in words a model can act on). */
export function checkJsonAnswer(text: string, schema: JsonObject | null): { ok: true; value: JsonValue } | { ok: false; problems: string } {
  const stripped = text.trim().replace(/^```(?:json)?\s*/i, '').replace(/\s*```$/, '');
  let value: unknown;
  try {
    value = JSON.parse(stripped);
  } catch (e) {
    return { ok: false, problems: `the answer is not valid JSON (${(e as Error).message})` };
  }
  if (schema) {
    let validator: z.ZodType;
    try {
      validator = z.fromJSONSchema(schema as Parameters<typeof z.fromJSONSchema>[0]);
    } catch (e) {
      throw new NodeOperationError(`The JSON schema is not supported: ${(e as Error).message}`);
    }
    const r = validator.safeParse(value);
    if (!r.success) return { ok: false, problems: r.error.issues.map((x) => `${x.path.length ? x.path.join('.') : '(root)'}: ${x.message}`).join('; ') };
  }
  return { ok: true, value: toJson(value) };
}

function outputJson(answer: Extract<LlmStepAnswer, { ok: true }>, body: JsonObject): JsonObject {
  const tools: JsonObject = answer.toolCalls ? { toolCalls: answer.toolCalls as unknown as JsonValue, rounds: answer.rounds ?? 1 } : {};
  return { ...body, ...tools, model: answer.model, node: answer.node, tokens: { prompt: answer.promptTokens, completion: answer.completionTokens, total: answer.promptTokens + answer.completionTokens }, durationMs: answer.durationMs };
}

function llmStep(node: string, calls: LlmStepCall[]): PendingStep['step'] {
  return { kind: 'llm', node, calls };
}

export const whooshLlm: NodeType = {
  type: 'whoosh.llm',
  versions: [1],
  kind: 'activity',
  inputs: () => 1,
  outputs: () => 1,
  parameters: ['operation', 'model', 'specialization', 'system', 'prompt', 'messages', 'output', 'jsonSchema', 'options', 'tools', 'maxToolRounds'],
  check(node) {
    const p = node.parameters ?? {};
    const problems: string[] = [];
    if (p.operation !== undefined && p.operation !== 'chat' && p.operation !== 'generate') problems.push(`parameter "operation" must be chat or generate, not "${String(p.operation)}"`);
    if (p.output !== undefined && p.output !== 'text' && p.output !== 'json') problems.push(`parameter "output" must be text or json, not "${String(p.output)}"`);
    if (p.prompt === undefined && p.messages === undefined) problems.push('set "prompt" (or "messages" for chat)');
    if (!(typeof p.tools === 'string' && p.tools.startsWith('='))) {
      try {
        toolRefsOf(p.tools);
      } catch (e) {
        problems.push(`parameter "tools": ${(e as Error).message}`);
      }
    }
    const rounds = p.maxToolRounds;
    if (rounds !== undefined && (typeof rounds !== 'number' || !Number.isInteger(rounds) || rounds < 1 || rounds > 50)) problems.push('parameter "maxToolRounds" must be a whole number from 1 to 50');
    return problems;
  },
  start(ex) {
    const schema = schemaOf(ex);
    const output = schema || ex.param<string>('output', 0, 'text') === 'json' ? 'json' : 'text';
    const calls = ex.items.map((_, i): LlmStepCall => {
      const model = ex.param<string>('model', i, '');
      const specialization = ex.param<string>('specialization', i, '');
      const options = ex.param<unknown>('options', i, {});
      const tools = toolRefsOf(ex.param<unknown>('tools', i, ''), i);
      const rounds = ex.param<unknown>('maxToolRounds', i, 5);
      return {
        ...(model ? { model: String(model) } : {}),
        ...(specialization ? { specialization: String(specialization) } : {}),
        messages: messagesOf(ex, i),
        ...(isObject(options) && Object.keys(options).length ? { options: toJson(options) as JsonObject } : {}),
        ...(output === 'json' ? { format: schema ?? 'json' } : {}),
        ...(tools.length ? { tools, maxToolRounds: typeof rounds === 'number' && rounds >= 1 ? Math.min(50, Math.floor(rounds)) : 5 } : {}),
      };
    });
    const pending: Pending = { calls, output, schema, inFlight: calls.map((_, i) => i), answers: calls.map(() => null), repaired: false };
    return { step: llmStep(ex.node.name, calls), pending: pending as unknown as JsonValue };
  },
  finish(ex, raw, resume: ResumeResult) {
    const pending = { ...(raw as unknown as Pending) };
    pending.answers = [...pending.answers];
    if (resume.kind === 'activityError') throw new NodeOperationError(resume.error.message, resume.error.description);
    if (resume.kind !== 'activity') throw new Error(`LLM: expected the answers, got ${resume.kind}`);
    const { answers } = resume.result as unknown as LlmStepResult;
    const repairs: number[] = [];
    pending.inFlight.forEach((item, k) => {
      const a = answers[k];
      pending.answers[item] = (a ?? { ok: false, message: 'no answer' }) as unknown as JsonObject;
      if (pending.output === 'json' && !pending.repaired && a?.ok && !checkJsonAnswer(a.text, pending.schema).ok) repairs.push(item);
    });
    if (repairs.length > 0) {
      const calls = repairs.map((item): LlmStepCall => {
        const a = pending.answers[item] as unknown as Extract<LlmStepAnswer, { ok: true }>;
        const check = checkJsonAnswer(a.text, pending.schema) as { problems: string };
        const call = pending.calls[item]!;
        return {
          ...call,
          messages: [
            ...call.messages,
            { role: 'assistant', content: a.text },
            { role: 'user', content: `Your answer does not match the required JSON: ${check.problems}. Answer again with only the corrected JSON.` },
          ],
        };
      });
      const next: Pending = { ...pending, inFlight: repairs, repaired: true };
      return { step: llmStep(ex.node.name, calls), pending: next as unknown as JsonValue };
    }
    const out: Item[] = [];
    pending.answers.forEach((raw, i) => {
      const a = raw as unknown as LlmStepAnswer;
      try {
        if (!a.ok) throw new NodeOperationError(a.message, undefined, i);
        if (pending.output === 'text') return void out.push({ json: outputJson(a, { text: a.text }), pairedItem: { item: i } });
        const checked = checkJsonAnswer(a.text, pending.schema);
        if (!checked.ok) throw new NodeOperationError(`The model's answer does not match the JSON schema after a repair attempt: ${checked.problems}`, a.text, i);
        out.push({ json: outputJson(a, { json: checked.value }), pairedItem: { item: i } });
      } catch (error) {
        if (!ex.continueOnFail) throw error;
        out.push({ json: { error: (error as Error).message }, pairedItem: { item: i } });
      }
    });
    return [out];
  },
};
