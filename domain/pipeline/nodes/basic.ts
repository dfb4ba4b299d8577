/**
 * Entry points and simple flow nodes: Manual Trigger, Schedule Trigger and
 * Webhook (as entry points: they emit what the run was started with), Execute
 * Workflow Trigger (passthrough or defined inputs), No Op, Stop and Error, and
 * Respond to Webhook (records the response, passes items on).
 */
import { NodeOperationError } from '../errors';
import type { NodeType } from '../node-type';
import type { Item, JsonObject, JsonValue } from '../types';
import { isObject, toJson, type FieldType } from '../values';

const one = () => 1;

/** What a trigger emits: the items it was started with, without lineage (nothing came before). */
export function entryItems(items: Item[]): Item[] {
  return items.map((i) => (i.binary ? { json: i.json, binary: i.binary } : { json: i.json }));
}

export const manualTrigger: NodeType = {
  type: 'n8n-nodes-base.manualTrigger',
  versions: [1],
  kind: 'trigger',
  inputs: () => 0,
  outputs: one,
  parameters: [],
  execute: (ex) => [entryItems(ex.inputs[0] ?? [])],
};

export const scheduleTrigger: NodeType = {
  type: 'n8n-nodes-base.scheduleTrigger',
  versions: [1, 1.1, 1.2, 1.3],
  kind: 'trigger',
  inputs: () => 0,
  outputs: one,
  parameters: ['rule'],
  execute: (ex) => [entryItems(ex.inputs[0] ?? [])],
};

export const webhook: NodeType = {
  type: 'n8n-nodes-base.webhook',
  versions: [1, 1.1, 2, 2.1],
  kind: 'trigger',
  inputs: () => 0,
  outputs: one,
  parameters: ['httpMethod', 'path', 'authentication', 'responseMode', 'responseCode', 'responseData', 'responseBinaryPropertyName', 'multipleMethods', 'options'],
  execute: (ex) => [entryItems(ex.inputs[0] ?? [])],
};

interface DefinedInput {
  name: string;
  type?: FieldType;
}

export const executeWorkflowTrigger: NodeType = {
  type: 'n8n-nodes-base.executeWorkflowTrigger',
  versions: [1, 1.1],
  kind: 'trigger',
  inputs: () => 0,
  outputs: one,
  parameters: ['events', 'inputSource', 'workflowInputs', 'jsonExample', 'inputOptions'],
  check(node) {
    const source = node.parameters?.inputSource ?? 'workflowInputs';
    return node.typeVersion >= 1.1 && !['passthrough', 'workflowInputs', 'jsonExample'].includes(String(source))
      ? [`parameter "inputSource" has an unsupported value "${String(source)}"`]
      : [];
  },
  execute(ex) {
    const items = entryItems(ex.inputs[0] ?? []);
    // Version 1 always passes its input through; 1.1 defaults to defined inputs.
    const source = ex.node.typeVersion < 1.1 ? 'passthrough' : String(ex.parameters.inputSource ?? 'workflowInputs');
    if (source === 'passthrough') return [items];
    let fields: DefinedInput[];
    if (source === 'jsonExample') {
      const example = JSON.parse(String(ex.parameters.jsonExample ?? '{}')) as Record<string, unknown>;
      fields = Object.keys(example).map((name) => ({ name, type: 'any' }));
    } else {
      const values = (ex.parameters.workflowInputs as { values?: DefinedInput[] } | undefined)?.values ?? [];
      fields = values.map((v) => ({ name: v.name, type: v.type ?? 'any' }));
    }
    // As n8n 1.123: every defined field (null when missing), only those; types were the caller's to convert.
    const names = new Set(fields.map((f) => f.name));
    return [
      items.map((item, i) => {
        const json: JsonObject = {};
        for (const f of fields) json[f.name] = null;
        for (const [k, v] of Object.entries(item.json)) if (names.has(k)) json[k] = v;
        return { ...item, json, pairedItem: { item: i } };
      }),
    ];
  },
};

export const noOp: NodeType = {
  type: 'n8n-nodes-base.noOp',
  versions: [1],
  kind: 'pure',
  inputs: one,
  outputs: one,
  parameters: [],
  execute: (ex) => [ex.items],
};

export const stopAndError: NodeType = {
  type: 'n8n-nodes-base.stopAndError',
  versions: [1],
  kind: 'pure',
  inputs: one,
  outputs: one,
  parameters: ['errorType', 'errorMessage', 'errorObject'],
  execute(ex) {
    const errorType = ex.param<string>('errorType', 0, 'errorMessage');
    if (errorType === 'errorObject') {
      const raw = ex.param<unknown>('errorObject', 0, '{}');
      const obj = (typeof raw === 'string' ? JSON.parse(raw) : raw) as Record<string, unknown>;
      const message = typeof obj.message === 'string' ? obj.message : typeof obj.description === 'string' ? obj.description : 'error';
      throw new NodeOperationError(message, typeof obj.description === 'string' ? obj.description : undefined);
    }
    throw new NodeOperationError(String(ex.param('errorMessage', 0, '')));
  },
};

export const respondToWebhook: NodeType = {
  type: 'n8n-nodes-base.respondToWebhook',
  versions: [1, 1.1, 1.2, 1.3, 1.4, 1.5],
  kind: 'pure',
  inputs: one,
  outputs: one,
  parameters: ['respondWith', 'responseBody', 'responseDataSource', 'inputFieldName', 'redirectURL', 'payload', 'options', 'enableResponseOutput', 'generalNotice', 'webhookNotice'],
  execute(ex) {
    const items = ex.items;
    const respondWith = ex.param<string>('respondWith', 0, 'firstIncomingItem');
    const options = ex.param<Record<string, unknown>>('options', 0, {});
    const headers: JsonObject = {};
    const entries = (options.responseHeaders as { entries?: { name: string; value: string }[] } | undefined)?.entries ?? [];
    for (const h of entries) headers[h.name.toLowerCase()] = String(h.value);
    let body: JsonValue = null;
    let statusCode = Number(options.responseCode ?? 200);
    switch (respondWith) {
      case 'allIncomingItems':
        body = items.map((i) => i.json);
        break;
      case 'firstIncomingItem':
        body = items[0]?.json ?? {};
        break;
      case 'json': {
        const raw = ex.param<unknown>('responseBody', 0, '');
        body = typeof raw === 'string' ? (raw.trim() === '' ? {} : (JSON.parse(raw) as JsonValue)) : toJson(raw);
        break;
      }
      case 'text':
        body = String(ex.param('responseBody', 0, ''));
        break;
      case 'noData':
        body = null;
        break;
      case 'redirect':
        statusCode = Number(options.responseCode ?? 307);
        headers.location = String(ex.param('redirectURL', 0, ''));
        break;
      default:
        throw new NodeOperationError(`The "Respond With" option "${String(respondWith)}" is not supported`);
    }
    ex.respond({ respondWith: String(respondWith), statusCode, headers, body: isObject(body) || Array.isArray(body) || typeof body !== 'object' ? body : null });
    return [items];
  },
};
