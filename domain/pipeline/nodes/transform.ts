/**
 * Item transformation nodes: Split Out 1, Aggregate 1, Summarize 1, Sort 1,
 * Limit 1, Remove Duplicates 2 (within the input), Rename Keys 1, and Item
 * Lists 3, whose operations are the same as those nodes'.
 */
import { NodeOperationError } from '../errors';
import type { NodeType } from '../node-type';
import type { JsonObject, JsonValue } from '../types';
import { deepCopy, getField, isObject, setField, unsetField } from '../values';
import type { Params } from './transform-common';
import { aggregateItems, splitOutItems, summarizeItems } from './transform-group';
import { limitItems, removeDuplicateItems, sortItems } from './transform-order';

export { aggregateItems, splitOutItems, summarizeItems, limitItems, removeDuplicateItems, sortItems };

// ------------------------------------------------------------ node types

const TRANSFORM_INPUTS = { inputs: () => 1, outputs: () => 1, kind: 'pure' as const };

export const splitOut: NodeType = {
  ...TRANSFORM_INPUTS,
  type: 'n8n-nodes-base.splitOut',
  versions: [1],
  parameters: ['fieldToSplitOut', 'include', 'fieldsToInclude', 'options'],
  execute: (ex) => [splitOutItems(ex, (i) => ex.resolve(i))],
};

export const aggregate: NodeType = {
  ...TRANSFORM_INPUTS,
  type: 'n8n-nodes-base.aggregate',
  versions: [1],
  parameters: ['aggregate', 'fieldsToAggregate', 'destinationFieldName', 'include', 'fieldsToInclude', 'fieldsToExclude', 'options'],
  execute: (ex) => [aggregateItems(ex, ex.resolve(0))],
};

export const summarize: NodeType = {
  ...TRANSFORM_INPUTS,
  type: 'n8n-nodes-base.summarize',
  versions: [1, 1.1],
  parameters: ['fieldsToSummarize', 'fieldsToSplitBy', 'options'],
  execute: (ex) => [summarizeItems(ex, ex.resolve(0))],
};

export const sort: NodeType = {
  ...TRANSFORM_INPUTS,
  type: 'n8n-nodes-base.sort',
  versions: [1],
  parameters: ['type', 'sortFieldsUi', 'code', 'options'],
  execute: (ex) => [sortItems(ex, ex.resolve(0))],
};

export const limit: NodeType = {
  ...TRANSFORM_INPUTS,
  type: 'n8n-nodes-base.limit',
  versions: [1],
  parameters: ['maxItems', 'keep'],
  execute: (ex) => [limitItems(ex, ex.resolve(0))],
};

export const removeDuplicates: NodeType = {
  ...TRANSFORM_INPUTS,
  type: 'n8n-nodes-base.removeDuplicates',
  versions: [1, 1.1, 2],
  parameters: ['operation', 'compare', 'fieldsToExclude', 'fieldsToCompare', 'options', 'logic', 'dedupeValue', 'mode'],
  check(node) {
    const op = node.parameters?.operation ?? 'removeDuplicateInputItems';
    return op === 'removeDuplicateInputItems' ? [] : [`operation "${String(op)}" needs deduplication history kept across executions, which is not supported yet`];
  },
  execute: (ex) => [removeDuplicateItems(ex, ex.resolve(0))],
};

interface RenamePair {
  currentKey: string;
  newKey: string;
}

interface RegexReplacement {
  searchRegex: string;
  replaceRegex: string;
  options?: { caseInsensitive?: boolean; depth?: number };
}

function renameByRegex(value: JsonValue, r: RegexReplacement, depth: number): JsonValue {
  if (!isObject(value)) return value;
  const re = new RegExp(r.searchRegex, r.options?.caseInsensitive ? 'gi' : 'g');
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(value as JsonObject)) {
    const child = depth === -1 || depth > 0 ? renameByRegex(v, r, depth === -1 ? -1 : depth - 1) : v;
    out[k.replace(re, r.replaceRegex)] = child;
  }
  return out;
}

export const renameKeys: NodeType = {
  ...TRANSFORM_INPUTS,
  type: 'n8n-nodes-base.renameKeys',
  versions: [1],
  parameters: ['keys', 'additionalOptions'],
  execute(ex) {
    return [
      ex.items.map((item, i) => {
        const p = ex.resolve(i);
        const json: JsonObject = deepCopy(item.json);
        for (const k of ((p.keys as { key?: RenamePair[] } | undefined)?.key ?? [])) {
          if (!k.currentKey || !k.newKey || k.currentKey === k.newKey) continue;
          const value = getField(item.json, k.currentKey);
          if (value === undefined) continue;
          setField(json, k.newKey, value as JsonValue);
          unsetField(json, k.currentKey);
        }
        let result: JsonValue = json;
        const replacements = (((p.additionalOptions as Params | undefined)?.regexReplacement as { replacements?: RegexReplacement[] } | undefined)?.replacements ?? []);
        for (const r of replacements) result = renameByRegex(result, r, r.options?.depth ?? -1);
        return { ...item, json: result as JsonObject, pairedItem: { item: i } };
      }),
    ];
  },
};

export const itemLists: NodeType = {
  ...TRANSFORM_INPUTS,
  type: 'n8n-nodes-base.itemLists',
  versions: [3, 3.1],
  parameters: [
    'operation', 'fieldToSplitOut', 'include', 'fieldsToInclude', 'aggregate', 'fieldsToAggregate', 'destinationFieldName', 'fieldsToExclude',
    'compare', 'fieldsToCompare', 'type', 'sortFieldsUi', 'code', 'maxItems', 'keep', 'fieldsToSummarize', 'fieldsToSplitBy', 'options',
  ],
  check(node) {
    const op = String(node.parameters?.operation ?? 'splitOutItems');
    return ['splitOutItems', 'aggregateItems', 'concatenateItems', 'removeDuplicates', 'sort', 'limit', 'summarize'].includes(op) ? [] : [`operation "${op}" is not supported`];
  },
  execute(ex) {
    const op = String(ex.parameters.operation ?? 'splitOutItems');
    switch (op) {
      case 'splitOutItems':
        return [splitOutItems(ex, (i) => ex.resolve(i))];
      case 'aggregateItems':
      case 'concatenateItems':
        return [aggregateItems(ex, ex.resolve(0))];
      case 'removeDuplicates':
        return [removeDuplicateItems(ex, ex.resolve(0))];
      case 'sort':
        return [sortItems(ex, ex.resolve(0))];
      case 'limit':
        return [limitItems(ex, ex.resolve(0))];
      case 'summarize':
        return [summarizeItems(ex, ex.resolve(0))];
    }
    throw new NodeOperationError(`The operation "${op}" is not supported`);
  },
};
