/**
 * n8n's Basic LLM Chain (`@n8n/n8n-nodes-langchain.chainLlm`) with an Ollama
 * Chat Model sub-node (`lmChatOllama`, through `ai_languageModel`): the
 * document names one Ollama URL, WHOOSH runs the prompt on the whole fleet
 * (the sub-node's model, routed with failover, as whoosh.llm does). Each item
 * comes out as n8n's chain gives it: `{ text }`, the answer trimmed.
 */
import { NodeOperationError } from '../errors';
import type { NodeExecution, NodeType } from '../node-type';
import type { Item, JsonObject, JsonValue, LlmStepCall, LlmStepResult, N8nNode } from '../types';
import { isObject } from '../values';

const ROLE: Record<string, LlmStepCall['messages'][number]['role']> = {
  SystemMessagePromptTemplate: 'system',
  HumanMessagePromptTemplate: 'user',
  AIMessagePromptTemplate: 'assistant',
};

/** lmChatOllama's options as Ollama's (camelCase → snake_case), the ones that shape an answer. */
const OPTION_NAMES: Record<string, string> = {
  temperature: 'temperature',
  topK: 'top_k',
  topP: 'top_p',
  numPredict: 'num_predict',
  numCtx: 'num_ctx',
  repeatPenalty: 'repeat_penalty',
  frequencyPenalty: 'frequency_penalty',
  presencePenalty: 'presence_penalty',
  seed: 'seed',
};

function modelOf(ex: NodeExecution): { model: string; options?: JsonObject } {
  const [sub] = ex.subNodes('ai_languageModel');
  if (!sub) throw new NodeOperationError('A Chat Model sub-node must be connected and enabled');
  if (sub.type !== lmChatOllama.type) throw new NodeOperationError(`The chat model "${sub.name}" (${sub.type}) is not supported: connect an Ollama Chat Model`);
  const model = String(sub.parameters?.model ?? 'llama3.2').replace(/^=/, '');
  const raw = isObject(sub.parameters?.options) ? (sub.parameters!.options as Record<string, unknown>) : {};
  const options: JsonObject = {};
  for (const [k, v] of Object.entries(raw)) if (OPTION_NAMES[k] && (typeof v === 'number' || typeof v === 'boolean')) options[OPTION_NAMES[k]] = v;
  return { model, ...(Object.keys(options).length ? { options } : {}) };
}

/** The prompt: `text` (promptType define), else the chat input; before 1.4, `prompt`. */
function promptOf(ex: NodeExecution, i: number): string {
  if (ex.node.typeVersion < 1.4) return String(ex.param('prompt', i, '') ?? '');
  const type = ex.param<string>('promptType', i, 'auto');
  const value = type === 'define' ? ex.param<unknown>('text', i, '') : ex.items[i]?.json.chatInput;
  if (value === undefined || value === null || value === '') {
    throw new NodeOperationError(type === 'define' ? 'The prompt ("text") is empty' : 'No prompt specified: expected the chat input in "chatInput"', undefined, i);
  }
  return typeof value === 'string' ? value : JSON.stringify(value);
}

export const lmChatOllama: NodeType = {
  type: '@n8n/n8n-nodes-langchain.lmChatOllama',
  versions: [1],
  kind: 'subNode',
  inputs: () => 0,
  outputs: () => 0,
  parameters: ['model', 'options'],
};

export const chainLlm: NodeType = {
  type: '@n8n/n8n-nodes-langchain.chainLlm',
  versions: [1, 1.1, 1.2, 1.3, 1.4, 1.5, 1.6, 1.7],
  kind: 'activity',
  inputs: () => 1,
  outputs: () => 1,
  subInputs: ['ai_languageModel'],
  parameters: ['prompt', 'promptType', 'text', 'hasOutputParser', 'messages', 'batching', 'needsFallback', 'notice'],
  check(node: N8nNode) {
    return node.parameters?.hasOutputParser === true ? ['output parsers ("hasOutputParser") are not supported: use whoosh.llm with a JSON schema'] : [];
  },
  start(ex) {
    const { model, options } = modelOf(ex);
    const calls = ex.items.map((_, i): LlmStepCall => {
      const listed = (ex.param<{ messageValues?: { type?: string; message?: unknown }[] }>('messages', i, {}).messageValues ?? [])
        .filter((m) => m.type === undefined || ROLE[m.type])
        .map((m) => ({ role: ROLE[m.type ?? 'SystemMessagePromptTemplate']!, content: String(m.message ?? '') }));
      return { model, ...(options ? { options } : {}), messages: [...listed, { role: 'user', content: promptOf(ex, i) }] };
    });
    return { step: { kind: 'llm', node: ex.node.name, calls }, pending: null };
  },
  finish(ex, _pending, resume) {
    if (resume.kind === 'activityError') throw new NodeOperationError(resume.error.message, resume.error.description);
    if (resume.kind !== 'activity') throw new Error(`Basic LLM Chain: expected the answers, got ${resume.kind}`);
    const { answers } = resume.result as unknown as LlmStepResult;
    const out: Item[] = [];
    ex.items.forEach((_, i) => {
      const a = answers[i];
      if (a?.ok) return void out.push({ json: { text: a.text.trim() } as { [k: string]: JsonValue }, pairedItem: { item: i } });
      const message = a ? a.message : `No answer for item ${i}`;
      if (!ex.continueOnFail) throw new NodeOperationError(message, undefined, i);
      out.push({ json: { error: message }, pairedItem: { item: i } });
    });
    return [out];
  },
};
