/**
 * Merge 3.x: append (N inputs, in input order), combine by matching fields
 * (keep matches / non-matches / everything, enrich input 1 or 2; multiple
 * matches all or first; clash handling prefer input 1 / input 2 / add suffix,
 * deep or shallow), by position (include unpaired), all combinations, and
 * choose branch. SQL mode is refused before the run.
 */
import { NodeOperationError } from '../errors';
import type { NodeType } from '../node-type';
import type { Item, JsonObject, JsonValue, N8nNode, PairedItem } from '../types';
import { getField, isObject } from '../values';

interface ClashOptions {
  resolveClash?: 'preferInput1' | 'preferInput2' | 'preferLast' | 'addSuffix';
  mergeMode?: 'deepMerge' | 'shallowMerge';
  overrideEmpty?: boolean;
}

const isEmptyValue = (v: unknown) => v === undefined || v === null || v === '';

function deepMerge(target: JsonObject, source: JsonObject, overrideEmpty: boolean): JsonObject {
  const out: JsonObject = { ...target };
  for (const [k, v] of Object.entries(source)) {
    if (k === '__proto__') continue;
    const current = out[k];
    if (!overrideEmpty && isEmptyValue(v) && current !== undefined) continue;
    if (isObject(current) && isObject(v)) out[k] = deepMerge(current as JsonObject, v as JsonObject, overrideEmpty);
    else if (Array.isArray(current) && Array.isArray(v)) {
      const merged: JsonValue[] = [...current];
      v.forEach((x, i) => {
        const c = merged[i];
        merged[i] = isObject(c) && isObject(x) ? deepMerge(c as JsonObject, x as JsonObject, overrideEmpty) : x;
      });
      out[k] = merged;
    } else out[k] = v;
  }
  return out;
}

function shallowMerge(target: JsonObject, source: JsonObject, overrideEmpty: boolean): JsonObject {
  const out: JsonObject = { ...target };
  for (const [k, v] of Object.entries(source)) {
    if (k === '__proto__') continue;
    if (!overrideEmpty && isEmptyValue(v) && out[k] !== undefined) continue;
    out[k] = v;
  }
  return out;
}

function mergeAll(objects: JsonObject[], clash: ClashOptions): JsonObject {
  const merge = clash.mergeMode === 'shallowMerge' ? shallowMerge : deepMerge;
  return objects.slice(1).reduce((acc, o) => merge(acc, o, clash.overrideEmpty === true), { ...objects[0] });
}

function suffixed(json: JsonObject, suffix: string): JsonObject {
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(json)) out[`${k}_${suffix}`] = v;
  return out;
}

function pairs(items: Item[]): PairedItem[] {
  return items.flatMap((i) => (i.pairedItem === undefined ? [] : Array.isArray(i.pairedItem) ? i.pairedItem : [typeof i.pairedItem === 'number' ? { item: i.pairedItem } : i.pairedItem]));
}

/** Merge entries of several inputs (entries[k] from input k+1; undefined when missing). */
function combine(entries: (Item | undefined)[], clash: ClashOptions): Item {
  const present = entries.map((e, k) => ({ e, k })).filter((x): x is { e: Item; k: number } => x.e !== undefined);
  let json: JsonObject;
  if (clash.resolveClash === 'addSuffix') {
    json = mergeAll(present.map(({ e, k }) => suffixed(e.json, String(k + 1))), clash);
  } else if (clash.resolveClash === 'preferInput1') {
    json = mergeAll(present.map(({ e }) => e.json).reverse(), clash);
  } else {
    json = mergeAll(present.map(({ e }) => e.json), clash);
  }
  const binary = Object.assign({}, ...present.map(({ e }) => e.binary ?? {}));
  const item: Item = { json, pairedItem: pairs(present.map(({ e }) => e)) };
  if (Object.keys(binary).length) item.binary = binary;
  return item;
}

function numberInputs(node: N8nNode): number {
  const p = node.parameters ?? {};
  const mode = p.mode ?? 'append';
  if (mode === 'append' || (mode === 'combine' && p.combineBy === 'combineByPosition') || mode === 'chooseBranch') return Number(p.numberInputs ?? 2);
  return 2;
}

function clashOf(options: Record<string, unknown>): ClashOptions {
  const values = (options.clashHandling as { values?: ClashOptions } | undefined)?.values ?? {};
  return { resolveClash: values.resolveClash ?? 'preferInput2', mergeMode: values.mergeMode ?? 'deepMerge', overrideEmpty: values.overrideEmpty ?? false };
}

function combineByFields(inputs: Item[][], p: Record<string, unknown>, options: Record<string, unknown>): Item[] {
  let fields: { field1: string; field2: string }[];
  if (p.advanced === true) fields = ((p.mergeByFields as { values?: { field1: string; field2: string }[] } | undefined)?.values ?? []);
  else fields = String(p.fieldsToMatchString ?? '').split(',').map((f) => f.trim()).filter(Boolean).map((f) => ({ field1: f, field2: f }));
  if (fields.length === 0) throw new NodeOperationError('You need to define at least one pair of fields in "Fields to Match" to match on');
  const joinMode = String(p.joinMode ?? 'keepMatches');
  const outputDataFrom = String(p.outputDataFrom ?? 'both');
  const dot = options.disableDotNotation !== true;
  const fuzzy = options.fuzzyCompare === true;
  const clash = clashOf(options);
  const multiple = options.multipleMatches === 'first' ? 'first' : 'all';
  let [input1, input2] = [inputs[0] ?? [], inputs[1] ?? []];
  let pairsOfFields = fields;
  if (joinMode === 'enrichInput2') {
    [input1, input2] = [input2, input1];
    pairsOfFields = fields.map((f) => ({ field1: f.field2, field2: f.field1 }));
  }
  for (const [input, key, label] of [[input1, 'field1', 'Input 1'], [input2, 'field2', 'Input 2']] as const) {
    if (input.length === 0) continue;
    for (const f of pairsOfFields) {
      const name = f[key];
      if (!input.some((e) => (dot ? getField(e.json, name) : e.json[name]) !== undefined)) {
        throw new NodeOperationError(`Field '${name}' is not present in any of items in '${joinMode === 'enrichInput2' ? (label === 'Input 1' ? 'Input 2' : 'Input 1') : label}'`, 'Check that the field is present in the items of this input, or remove it from the fields to match');
      }
    }
  }
  const equal = (a: unknown, b: unknown) => {
    if (fuzzy && a !== null && b !== null && typeof a !== 'object' && typeof b !== 'object') return String(a) === String(b);
    return JSON.stringify(a) === JSON.stringify(b);
  };
  const matched: { entry: Item; matches: Item[] }[] = [];
  const unmatched1: Item[] = [];
  const matchedIn2 = new Set<number>();
  for (const entry of input1) {
    const lookup = pairsOfFields.map((f) => ({ key: f.field2, value: dot ? getField(entry.json, f.field1) : entry.json[f.field1] }));
    if (lookup.some((l) => l.value === undefined)) {
      unmatched1.push(entry);
      continue;
    }
    const found: [number, Item][] = [];
    input2.forEach((e2, idx) => {
      if (lookup.every((l) => equal(l.value, dot ? getField(e2.json, l.key) : e2.json[l.key]))) found.push([idx, e2]);
    });
    if (found.length === 0) {
      unmatched1.push(entry);
      continue;
    }
    for (const [idx] of found) matchedIn2.add(idx);
    // Each match is its own output item ("include all matches"), or only the first.
    if (multiple === 'first') matched.push({ entry, matches: [found[0]![1]] });
    else for (const [, m] of found) matched.push({ entry, matches: [m] });
  }
  const matched2 = input2.filter((_, i) => matchedIn2.has(i));
  const unmatched2 = input2.filter((_, i) => !matchedIn2.has(i));
  const withSuffix = (items: Item[], s: string) => (clash.resolveClash === 'addSuffix' ? items.map((i) => ({ ...i, json: suffixed(i.json, s) })) : items);
  const merged = (enrich2: boolean) =>
    matched.map(({ entry, matches }) => {
      const resolve = enrich2 ? (clash.resolveClash === 'preferInput1' ? 'preferInput2' : clash.resolveClash === 'preferInput2' ? 'preferInput1' : clash.resolveClash) : clash.resolveClash;
      if (resolve === 'addSuffix') {
        const [a, b] = enrich2 ? ['2', '1'] : ['1', '2'];
        return { ...combine([{ ...entry, json: suffixed(entry.json, a) }, ...matches.map((m) => ({ ...m, json: suffixed(m.json, b) }))], { ...clash, resolveClash: 'preferInput2' }), pairedItem: pairs([entry, ...matches]) };
      }
      return combine([entry, ...matches], { ...clash, resolveClash: resolve });
    });
  switch (joinMode) {
    case 'keepMatches':
    case 'keepEverything': {
      let out: Item[] = outputDataFrom === 'input1' ? matched.map((m) => m.entry) : outputDataFrom === 'input2' ? matched2 : merged(false);
      if (joinMode === 'keepEverything') out = [...out, ...withSuffix(unmatched1, '1'), ...withSuffix(unmatched2, '2')];
      return out;
    }
    case 'keepNonMatches':
      if (outputDataFrom === 'input1') return unmatched1;
      if (outputDataFrom === 'input2') return unmatched2;
      return [...unmatched1.map((i) => ({ ...i, json: { ...i.json, _source: 'input1' } })), ...unmatched2.map((i) => ({ ...i, json: { ...i.json, _source: 'input2' } }))];
    case 'enrichInput1':
      return [...merged(false), ...withSuffix(unmatched1, '1')];
    case 'enrichInput2':
      return [...merged(true), ...withSuffix(unmatched1, '2')];
    default:
      throw new NodeOperationError(`The join mode "${joinMode}" is not known`);
  }
}

export const merge: NodeType = {
  type: 'n8n-nodes-base.merge',
  versions: [3, 3.1, 3.2],
  kind: 'pure',
  inputs: numberInputs,
  outputs: () => 1,
  requiredInputs: (node) => (node.parameters?.mode === 'chooseBranch' ? [0, 1] : 1),
  parameters: ['mode', 'combineBy', 'numberInputs', 'fieldsToMatchString', 'advanced', 'mergeByFields', 'joinMode', 'outputDataFrom', 'chooseBranchMode', 'output', 'useDataOfInput', 'options', 'query'],
  check(node) {
    const p = node.parameters ?? {};
    const mode = p.mode ?? 'append';
    if (mode === 'combineBySql') return ['mode "combineBySql" (SQL Query) is not supported: WHOOSH does not run SQL over items; use "Combine" by fields, position or all combinations'];
    if (!['append', 'combine', 'chooseBranch'].includes(String(mode))) return [`parameter "mode" has an unsupported value "${String(mode)}"`];
    if (mode === 'combine' && !['combineByFields', 'combineByPosition', 'combineAll'].includes(String(p.combineBy ?? 'combineByFields'))) return [`parameter "combineBy" has an unsupported value "${String(p.combineBy)}"`];
    return [];
  },
  execute(ex) {
    const p = ex.resolve(0);
    const options = (p.options as Record<string, unknown> | undefined) ?? {};
    const inputs = ex.inputs;
    const mode = p.mode ?? 'append';
    if (mode === 'append') return [inputs.flat()];
    if (mode === 'chooseBranch') {
      const output = String(p.output ?? 'specifiedInput');
      if (output === 'empty') return [[{ json: {}, pairedItem: pairs(inputs.flat()) }]];
      const which = output === 'input1' ? 1 : output === 'input2' ? 2 : Number(p.useDataOfInput ?? 1);
      return [inputs[which - 1] ?? []];
    }
    const combineBy = p.combineBy ?? 'combineByFields';
    const clash = clashOf(options);
    if (combineBy === 'combineByPosition') {
      const lengths = inputs.map((i) => i.length);
      const n = options.includeUnpaired === true ? Math.max(0, ...lengths) : Math.min(...lengths);
      const out: Item[] = [];
      for (let i = 0; i < n; i++) out.push(combine(inputs.map((input) => input[i]), clash));
      return [out];
    }
    if (combineBy === 'combineAll') {
      const out: Item[] = [];
      for (const a of inputs[0] ?? []) for (const b of inputs[1] ?? []) out.push(combine([a, b], clash));
      return [out];
    }
    return [combineByFields(inputs, p, options)];
  },
};
