/**
 * Code 2 (JavaScript): the code runs in the sandbox, once for all items or
 * once per item. What it returns is normalized to items as n8n does (plain
 * objects wrapped into { json }); console output goes to the run data.
 */
import { NodeOperationError } from '../errors';
import type { NodeType } from '../node-type';
import type { Item, JsonObject } from '../types';
import { isObject, toJson } from '../values';

function normalize(result: unknown[]): Item[] {
  return result.map((r) => {
    if (isObject(r) && isObject(r.json)) {
      const item: Item = { json: toJson(r.json) as JsonObject };
      if (r.binary !== undefined) item.binary = r.binary as Item['binary'];
      if (r.pairedItem !== undefined) item.pairedItem = r.pairedItem as Item['pairedItem'];
      return item;
    }
    if (isObject(r)) return { json: toJson(r) as JsonObject };
    throw new NodeOperationError("Code doesn't return items properly", 'Please return an array of objects, one for each item you would like to output.');
  });
}

export const code: NodeType = {
  type: 'n8n-nodes-base.code',
  versions: [2],
  kind: 'pure',
  inputs: () => 1,
  outputs: () => 1,
  parameters: ['mode', 'language', 'jsCode', 'pythonCode', 'notice'],
  check(node) {
    const language = node.parameters?.language ?? 'javaScript';
    const problems = language === 'javaScript' ? [] : [`parameter "language" "${String(language)}" is not supported: only JavaScript runs in WHOOSH's sandbox`];
    const mode = node.parameters?.mode ?? 'runOnceForAllItems';
    if (mode !== 'runOnceForAllItems' && mode !== 'runOnceForEachItem') problems.push(`parameter "mode" has an unsupported value "${String(mode)}"`);
    return problems;
  },
  execute(ex) {
    const source = String(ex.parameters.jsCode ?? '');
    const mode = ex.parameters.mode === 'runOnceForEachItem' ? 'runOnceForEachItem' : 'runOnceForAllItems';
    // One sandbox call runs the code for all items, or once per item (the sandbox loops, pairing each result with its item).
    try {
      const result = ex.host.sandbox.runCode(source, mode, ex.dataAccess(0), { continueOnFail: ex.continueOnFail });
      ex.console.push(...result.console);
      return [normalize(result.items)];
    } catch (error) {
      if (!ex.continueOnFail) throw error;
      const itemIndex = (error as { itemIndex?: number }).itemIndex;
      return [[{ json: { error: (error as Error).message }, ...(itemIndex !== undefined ? { pairedItem: { item: itemIndex } } : {}) }]];
    }
  },
};
