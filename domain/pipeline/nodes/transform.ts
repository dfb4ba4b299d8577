/**
 * Item transformation nodes: Split Out 1, Aggregate 1, Summarize 1, Sort 1,
 * Limit 1, Remove Duplicates 2 (within the input), Rename Keys 1, and Item
 * Lists 3, whose operations are the same as those nodes'.
 */
import { NodeOperationError } from '../errors';
import type { NodeExecution, NodeType } from '../node-type';
import type { Item, JsonObject, JsonValue, PairedItem } from '../types';
import { deepCopy, getField, isObject, setField, unsetField } from '../values';

type Params = Record<string, unknown>;

/** A list of field names, given comma-separated (current nodes) or as { fields: [{ fieldName }] } (Item Lists). */
function fieldList(value: unknown): string[] {
  if (typeof value === 'string') return value.split(',').map((f) => f.trim()).filter((f) => f !== '');
  const fields = (value as { fields?: { fieldName?: string }[] } | undefined)?.fields ?? [];
  return fields.map((f) => String(f.fieldName ?? '').trim()).filter((f) => f !== '');
}

const allPaired = (items: Item[]): PairedItem[] => items.map((_, i) => ({ item: i }));
const read = (json: JsonObject, field: string, dot: boolean) => getField(json, field, dot) as JsonValue | undefined;

/** Canonical JSON (sorted keys), to compare values as lodash's isEqual does. */
function canonical(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (isObject(value)) return `{${Object.keys(value).sort().map((k) => `${JSON.stringify(k)}:${canonical(value[k])}`).join(',')}}`;
  return JSON.stringify(value);
}

// ------------------------------------------------------------ split out

export function splitOutItems(ex: NodeExecution, p: (i: number) => Params): Item[] {
  const out: Item[] = [];
  ex.items.forEach((input, i) => {
    const params = p(i);
    const options = (params.options as Params | undefined) ?? {};
    const dot = options.disableDotNotation !== true;
    const fields = String(params.fieldToSplitOut ?? '').split(',').map((f) => f.trim().replace(/^\$json\./, '')).filter((f) => f !== '');
    const destinations = String(options.destinationFieldName ?? '').split(',').map((f) => f.trim()).filter((f) => f !== '');
    if (destinations.length && destinations.length !== fields.length) {
      throw new NodeOperationError('If multiple fields to split out are given, the same number of destination fields must be given', undefined, i);
    }
    const include = String(params.include ?? 'noOtherFields');
    const multi = fields.length > 1;
    const json = input.json;
    const rows: JsonObject[] = [];
    fields.forEach((field, f) => {
      const destination = destinations[f] ?? '';
      let entity: unknown = dot ? getField(json, field) : json[field];
      if (entity === undefined) entity = [];
      if (typeof entity !== 'object' || entity === null) entity = [entity];
      if (!Array.isArray(entity)) entity = Object.values(entity as object);
      (entity as JsonValue[]).forEach((element, e) => {
        const row = (rows[e] ??= {});
        const name = destination || field;
        if (typeof element === 'object' && element !== null && include === 'noOtherFields' && destination === '' && !multi) {
          rows[e] = { ...row, ...(element as JsonObject) };
        } else row[name] = element;
      });
    });
    for (const row of rows) {
      let json2: JsonObject;
      if (include === 'allOtherFields') {
        const copy: JsonObject = { ...json };
        for (const field of fields) unsetField(copy, field, dot);
        json2 = { ...copy, ...row };
      } else if (include === 'selectedOtherFields') {
        const selected = fieldList(params.fieldsToInclude);
        if (selected.length === 0) throw new NodeOperationError('No fields specified', 'Please add a field to include', i);
        json2 = { ...row };
        for (const field of selected) json2[field] = (dot ? getField(json, field) : json[field]) as JsonValue;
      } else json2 = row;
      out.push({ json: json2, pairedItem: { item: i } });
    }
  });
  return out;
}

// ------------------------------------------------------------ aggregate

export function aggregateItems(ex: NodeExecution, params: Params): Item[] {
  const items = ex.items;
  const options = (params.options as Params | undefined) ?? {};
  const dot = options.disableDotNotation !== true;
  if ((params.aggregate ?? 'aggregateIndividualFields') === 'aggregateAllItemData') {
    const destination = String(params.destinationFieldName ?? 'data');
    const exclude = fieldList(params.fieldsToExclude);
    const include = fieldList(params.fieldsToInclude);
    if (!exclude.length && !include.length) return [{ json: { [destination]: items.map((i) => i.json) }, pairedItem: allPaired(items) }];
    // Top-level fields only; an item left with nothing is dropped (and not paired).
    const data: JsonObject[] = [];
    const pairedItem: PairedItem[] = [];
    items.forEach((item, index) => {
      const json: JsonObject = {};
      for (const [k, v] of Object.entries(item.json)) {
        if (exclude.includes(k)) continue;
        if (include.length && !include.includes(k)) continue;
        json[k] = v;
      }
      if (Object.keys(json).length === 0) return;
      data.push(json);
      pairedItem.push({ item: index });
    });
    return [{ json: { [destination]: data }, pairedItem }];
  }
  const list = ((params.fieldsToAggregate as { fieldToAggregate?: { fieldToAggregate: string; renameField?: boolean; outputFieldName?: string }[] } | undefined)?.fieldToAggregate ?? []);
  if (list.length === 0) throw new NodeOperationError('No fields specified', 'Please add a field to aggregate');
  const values: Record<string, JsonValue[]> = {};
  const used: string[] = [];
  for (const spec of list) {
    const field = spec.fieldToAggregate ?? '';
    const name = spec.renameField ? (spec.outputFieldName ?? '') : field;
    if (used.includes(name)) throw new NodeOperationError(`The '${name}' output field is used more than once`, 'Please make sure each output field name is unique');
    used.push(name);
    const output = spec.outputFieldName ? spec.outputFieldName : dot && field.includes('.') ? field.split('.').pop()! : field;
    if (field === '') continue;
    const collected: JsonValue[] = [];
    for (const item of items) {
      let value = read(item.json, field, dot);
      if (options.keepMissing !== true) {
        if (Array.isArray(value)) value = value.filter((v) => v !== null);
        else if (value === null || value === undefined) continue;
      }
      if (Array.isArray(value) && options.mergeLists === true) collected.push(...value);
      else collected.push(value ?? null);
    }
    values[output] = collected;
  }
  const json: JsonObject = {};
  for (const [k, v] of Object.entries(values)) setField(json, k, v, dot);
  return [{ json, pairedItem: allPaired(items) }];
}

// ------------------------------------------------------------ summarize

const AGGREGATION_NAMES: Record<string, string> = {
  append: 'appended_',
  average: 'average_',
  concatenate: 'concatenated_',
  count: 'count_',
  countUnique: 'unique_count_',
  max: 'max_',
  min: 'min_',
  sum: 'sum_',
};

interface Summary {
  aggregation: string;
  field: string;
  includeEmpty?: boolean;
  separateBy?: string;
  customSeparator?: string;
}

const isEmpty = (v: unknown) => v === null || v === undefined || v === '';

/** One aggregation over a group's values, as n8n's Summarize computes it. */
function summarizeValues(spec: Summary, values: (JsonValue | undefined)[]): JsonValue {
  const keep = (vs: (JsonValue | undefined)[]) => (spec.includeEmpty ? vs : vs.filter((v) => !isEmpty(v)));
  switch (spec.aggregation) {
    case 'append':
      return keep(values).map((v) => v ?? null);
    case 'concatenate': {
      const sep = spec.separateBy === 'other' ? (spec.customSeparator ?? '') : (spec.separateBy ?? ',');
      return keep(values).map((v) => (typeof v === 'object' && v !== null ? JSON.stringify(v) : v === undefined ? 'undefined' : String(v))).join(sep);
    }
    case 'sum':
    case 'average': {
      // Only numbers count; anything else is left out.
      const numbers = values.filter((v): v is number => typeof v === 'number');
      const sum = numbers.reduce((a, b) => a + b, 0);
      return spec.aggregation === 'sum' ? sum : numbers.length ? sum / numbers.length : null;
    }
    case 'min':
    case 'max': {
      let best: JsonValue | undefined;
      for (const v of values) {
        if (isEmpty(v)) continue;
        if (best === undefined || (spec.aggregation === 'min' ? (v as never) < (best as never) : (v as never) > (best as never))) best = v;
      }
      return best ?? null;
    }
    case 'countUnique':
      return new Set(keep(values).map((v) => (typeof v === 'object' && v !== null ? Symbol() : v))).size;
    default:
      return keep(values).length;
  }
}

/** n8n's output field name: aggregation prefix + field, with brackets and quotes dropped and spaces or dots as "_". */
const summaryKey = (spec: Summary) => `${AGGREGATION_NAMES[spec.aggregation] ?? 'count_'}${spec.field}`.replace(/[\]["]/g, '').replace(/[ .]/g, '_');

export function summarizeItems(ex: NodeExecution, params: Params): Item[] {
  const options = (params.options as Params | undefined) ?? {};
  const dot = options.disableDotNotation !== true;
  const specs = ((params.fieldsToSummarize as { values?: Summary[] } | undefined)?.values ?? []);
  const splitBy = fieldList(params.fieldsToSplitBy);
  const groups = new Map<string, { keys: (JsonValue | undefined)[]; members: number[] }>();
  ex.items.forEach((item, i) => {
    const keys = splitBy.map((f) => read(item.json, f, dot));
    if (options.skipEmptySplitFields === true && keys.some(isEmpty)) return;
    const key = canonical(keys);
    const g = groups.get(key) ?? { keys, members: [] };
    g.members.push(i);
    groups.set(key, g);
  });
  if (splitBy.length === 0 && groups.size === 0) groups.set('[]', { keys: [], members: [] });
  for (const spec of specs) {
    if (spec.field === '') continue;
    if (options.continueIfFieldNotFound !== true && !ex.items.some((item) => read(item.json, spec.field, dot) !== undefined)) {
      throw new NodeOperationError(`The field '${spec.field}' does not exist in any items`, 'To ignore this, set the option "Continue if Field Not Found"');
    }
  }
  const out: Item[] = [];
  for (const g of groups.values()) {
    const json: JsonObject = {};
    splitBy.forEach((f, k) => (json[f] = g.keys[k] ?? null));
    for (const spec of specs) {
      json[summaryKey(spec)] = summarizeValues(spec, g.members.map((i) => read(ex.items[i]!.json, spec.field, dot)));
    }
    out.push({ json, pairedItem: g.members.map((i) => ({ item: i })) });
  }
  if (options.outputFormat === 'singleItem' && splitBy.length > 0) {
    const nested: JsonObject = {};
    for (const item of out) {
      let at = nested;
      splitBy.forEach((f, k) => {
        const key = String(item.json[f]);
        if (k === splitBy.length - 1) {
          const rest: JsonObject = { ...item.json };
          for (const s of splitBy) delete rest[s];
          at[key] = rest;
        } else at = (at[key] = isObject(at[key]) ? at[key] : {}) as JsonObject;
      });
    }
    return [{ json: nested, pairedItem: allPaired(ex.items) }];
  }
  return out;
}

// ------------------------------------------------------------ sort, limit

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
