/** Sort, Limit and Remove Duplicates (within the input): which items, in which order, as n8n's nodes do. */
import { NodeOperationError } from '../errors';
import type { NodeExecution } from '../node-type';
import type { Item, JsonObject, JsonValue } from '../types';
import { getField, setField } from '../values';
import { canonical, fieldList, type Params } from './transform-common';

/** A small deterministic PRNG (mulberry32), seeded by the run's time: Random sort repeats on replay. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function sortItems(ex: NodeExecution, params: Params): Item[] {
  const items = [...ex.items];
  const type = String(params.type ?? 'simple');
  if (type === 'random') {
    const next = random(ex.host.now ^ ex.runIndex);
    for (let i = items.length - 1; i > 0; i--) {
      const j = Math.floor(next() * (i + 1));
      [items[i], items[j]] = [items[j]!, items[i]!];
    }
    return items;
  }
  if (type === 'code') {
    const body = String(params.code ?? '');
    const program = `const __items = $input.all();\nconst __cmp = (a, b) => {\n${body}\n};\nreturn __items.map((item, index) => ({ item, index })).sort((x, y) => __cmp(x.item, y.item)).map((x) => ({ json: { index: x.index } }));`;
    const result = ex.host.sandbox.runCode(program, 'runOnceForAllItems', ex.dataAccess(0));
    return result.items.map((r) => items[Number((r as Item).json.index)]!);
  }
  const options = (params.options as Params | undefined) ?? {};
  const dot = options.disableDotNotation !== true;
  const fields = ((params.sortFieldsUi as { sortField?: { fieldName: string; order?: string }[] } | undefined)?.sortField ?? []);
  if (fields.length === 0) throw new NodeOperationError('No sorting specified. Please add a field to sort by');
  for (const f of fields) {
    const found = items.some((item) => (dot ? getField(item.json, f.fieldName) !== undefined : Object.hasOwn(item.json, f.fieldName)));
    if (!found) {
      throw new NodeOperationError(
        `Couldn't find the field '${f.fieldName}' in the input data`,
        !dot && f.fieldName.includes('.') ? "If you're trying to use a nested field, make sure you turn off 'disable dot notation' in the node options" : undefined,
      );
    }
  }
  const key = (v: unknown) => (typeof v === 'string' ? v.toLowerCase() : v);
  return items.sort((a, b) => {
    for (const f of fields) {
      const x = key(dot ? getField(a.json, f.fieldName) : a.json[f.fieldName]);
      const y = key(dot ? getField(b.json, f.fieldName) : b.json[f.fieldName]);
      if (canonical(x) === canonical(y)) continue;
      const ascending = (f.order ?? 'ascending') === 'ascending';
      const less = (x as never) < (y as never);
      return less ? (ascending ? -1 : 1) : ascending ? 1 : -1;
    }
    return 0;
  });
}

export function limitItems(ex: NodeExecution, params: Params): Item[] {
  const max = Number(params.maxItems ?? 1);
  const items = ex.items;
  if (max >= items.length) return items;
  return params.keep === 'lastItems' ? items.slice(items.length - max) : items.slice(0, max);
}

// ------------------------------------------------------------ remove duplicates

/** Leaf paths of a value ("a.b", "tags.0"), as n8n's flattenKeys lists them. */
function flattenKeys(value: unknown, prefix: string[] = [], out: string[] = []): string[] {
  if (typeof value !== 'object' || value === null) {
    out.push(prefix.join('.'));
    return out;
  }
  for (const [k, v] of Object.entries(value)) flattenKeys(v, [...prefix, k], out);
  return out;
}

/** Remove Duplicates within the input, as n8n's removeDuplicateInputItems: first occurrence kept. */
export function removeDuplicateItems(ex: NodeExecution, params: Params): Item[] {
  const options = (params.options as Params | undefined) ?? {};
  const dot = options.disableDotNotation !== true;
  const compare = String(params.compare ?? 'allFields');
  const items = ex.items;
  if (items.length === 0) return [];
  const keysOf = (json: JsonObject) => (dot ? flattenKeys(json) : Object.keys(json));
  let keys: string[] = [];
  if (compare === 'allFields') {
    for (const item of items) for (const k of keysOf(item.json)) if (!keys.includes(k)) keys.push(k);
  } else if (compare === 'allFieldsExcept') {
    const except = fieldList(params.fieldsToExclude);
    if (except.length === 0) throw new NodeOperationError('No fields specified. Please add a field to exclude from comparison');
    keys = keysOf(items[0]!.json).filter((k) => !except.includes(k));
  } else {
    keys = fieldList(params.fieldsToCompare);
    if (keys.length === 0) throw new NodeOperationError('No fields specified. Please add a field to compare on');
  }
  const value = (json: JsonObject, k: string) => (dot ? getField(json, k) : json[k]);
  for (const k of keys) {
    let type: string | undefined;
    items.forEach((item, i) => {
      const v = value(item.json, k);
      if (v === null && ex.node.typeVersion > 1) return;
      if (v === undefined) {
        throw new NodeOperationError(
          `'${k}' field is missing from some input items`,
          !dot && k.includes('.') ? "If you're trying to use a nested field, make sure you turn off 'disable dot notation' in the node options" : undefined,
        );
      }
      if (type !== undefined && type !== typeof v) {
        throw new NodeOperationError(`'${k}' isn't always the same type`, `The type of this field varies between items, in item [${i - 1}] it's a ${type} and in item [${i}] it's a ${typeof v} `);
      }
      type = typeof v;
    });
  }
  const seen = new Set<string>();
  const kept: Item[] = [];
  for (const item of items) {
    const id = canonical(keys.map((k) => value(item.json, k)));
    if (seen.has(id)) continue;
    seen.add(id);
    kept.push(item);
  }
  if (options.removeOtherFields !== true) return kept;
  return kept.map((item, index) => {
    const json: JsonObject = {};
    for (const k of keys) {
      const v = value(item.json, k);
      if (v !== undefined) setField(json, k, v as JsonValue, dot);
    }
    return { json, pairedItem: { item: index } };
  });
}
