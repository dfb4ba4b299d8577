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
  resolveClash?: string;
  mergeMode?: 'deepMerge' | 'shallowMerge';
  overrideEmpty?: boolean;
}

const isEmptyValue = (v: unknown) => v === undefined || v === null || v === '';

/** lodash's merge (skipEmpty: mergeWith keeping the target when the source is empty, n8n's overrideEmpty). */
function deepMerge(target: JsonObject, source: JsonObject, skipEmpty: boolean): JsonObject {
  const out: JsonObject = { ...target };
  for (const [k, v] of Object.entries(source)) {
    if (k === '__proto__') continue;
    const current = out[k];
    if (skipEmpty && isEmptyValue(v) && current !== undefined) continue;
    if (isObject(current) && isObject(v)) out[k] = deepMerge(current as JsonObject, v as JsonObject, skipEmpty);
    else if (Array.isArray(current) && Array.isArray(v)) {
      const merged: JsonValue[] = [...current];
      v.forEach((x, i) => {
        const c = merged[i];
        merged[i] = isObject(c) && isObject(x) ? deepMerge(c as JsonObject, x as JsonObject, skipEmpty) : x;
      });
      out[k] = merged;
    } else if (isObject(v)) out[k] = deepMerge({}, v as JsonObject, skipEmpty);
    else out[k] = v;
  }
  return out;
}

/** lodash's assign (skipEmpty: assignWith keeping the target when the source is empty). */
function shallowMerge(target: JsonObject, source: JsonObject, skipEmpty: boolean): JsonObject {
  const out: JsonObject = { ...target };
  for (const [k, v] of Object.entries(source)) {
    if (k === '__proto__') continue;
    if (skipEmpty && isEmptyValue(v) && out[k] !== undefined) continue;
    out[k] = v;
  }
  return out;
}

/** n8n's selectMergeMethod: objects merged left to right into a new one. */
function mergeAll(objects: JsonObject[], clash: ClashOptions): JsonObject {
  const merge = clash.mergeMode === 'shallowMerge' ? shallowMerge : deepMerge;
  return objects.reduce((acc, o) => merge(acc, o, clash.overrideEmpty === true), {});
}

function suffixed(json: JsonObject, suffix: string): JsonObject {
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(json)) out[`${k}_${suffix}`] = v;
  return out;
}

const withSuffix = (items: Item[], suffix: string): Item[] => items.map((i) => ({ ...i, json: suffixed(i.json, suffix) }));

function pairs(items: (Item | undefined)[]): PairedItem[] {
  return items.flatMap((i) =>
    i?.pairedItem === undefined ? [] : Array.isArray(i.pairedItem) ? i.pairedItem : [typeof i.pairedItem === 'number' ? { item: i.pairedItem } : i.pairedItem],
  );
}

function mergeBinary(items: (Item | undefined)[]): Item['binary'] | undefined {
  const binary = Object.assign({}, ...items.map((e) => e?.binary ?? {})) as NonNullable<Item['binary']>;
  return Object.keys(binary).length ? binary : undefined;
}

function item(json: JsonObject, from: (Item | undefined)[], pairedFrom: (Item | undefined)[] = from): Item {
  const binary = mergeBinary(from);
  return { json, pairedItem: pairs(pairedFrom), ...(binary ? { binary } : {}) };
}

function numberInputs(node: N8nNode): number {
  const p = node.parameters ?? {};
  const mode = p.mode ?? 'append';
  if (mode === 'append' || (mode === 'combine' && p.combineBy === 'combineByPosition') || mode === 'chooseBranch') return Number(p.numberInputs ?? 2);
  return 2;
}

function clashOf(options: Record<string, unknown>): ClashOptions {
  return ((options.clashHandling as { values?: ClashOptions } | undefined)?.values ?? {}) as ClashOptions;
}

interface Match {
  entry: Item;
  matches: Item[];
}

/** n8n's mergeMatched: one item per match entry, clashes resolved as configured. */
function mergeMatched(matched: Match[], clash: ClashOptions, joinMode?: string): Item[] {
  const resolve = clash.resolveClash ?? (joinMode === 'enrichInput2' ? 'preferInput1' : 'preferLast');
  return matched.map(({ entry, matches }) => {
    if (resolve === 'addSuffix') {
      return item(mergeAll([suffixed(entry.json, '1'), ...matches.map((m) => suffixed(m.json, '2'))], clash), [entry, ...matches]);
    }
    if (resolve === 'preferInput1') {
      const [first, ...rest] = matches;
      return item(mergeAll([first!.json, ...rest.map((m) => m.json), entry.json], clash), [first, ...rest, entry]);
    }
    return item(mergeAll([entry.json, ...matches.map((m) => m.json)], clash), [entry, ...matches]);
  });
}

function combineByFields(inputs: Item[][], p: Record<string, unknown>, options: Record<string, unknown>): Item[][] {
  let fields: { field1: string; field2: string }[];
  if (p.advanced === true) fields = ((p.mergeByFields as { values?: { field1: string; field2: string }[] } | undefined)?.values ?? []);
  else fields = String(p.fieldsToMatchString ?? '').split(',').map((f) => ({ field1: f.trim(), field2: f.trim() }));
  if (fields.length === 1 && fields[0]!.field1 === '' && fields[0]!.field2 === '') {
    throw new NodeOperationError('You need to define at least one pair of fields in "Fields to Match" to match on');
  }
  const joinMode = String(p.joinMode ?? 'keepMatches');
  const outputDataFrom = String(p.outputDataFrom ?? 'both');
  const dot = options.disableDotNotation !== true;
  const fuzzy = options.fuzzyCompare === true;
  const clash = clashOf(options);
  const multiple = options.multipleMatches === 'first' ? 'first' : 'all';
  const input1 = inputs[0] ?? [];
  const input2 = inputs[1] ?? [];
  if (input1.length === 0 || input2.length === 0) {
    if (!input1.length && joinMode === 'keepNonMatches' && outputDataFrom === 'input1') return [[]];
    if (!input2.length && joinMode === 'keepNonMatches' && outputDataFrom === 'input2') return [[]];
    if (joinMode === 'keepMatches') return [];
    if (joinMode === 'enrichInput1' && input1.length === 0) return [];
    if (joinMode === 'enrichInput2' && input2.length === 0) return [];
    return [[...input1, ...input2]];
  }
  const equal = (a: unknown, b: unknown) => {
    if (fuzzy && a !== null && b !== null && typeof a !== 'object' && typeof b !== 'object') return String(a) === String(b);
    return JSON.stringify(a) === JSON.stringify(b);
  };
  const read = (json: JsonObject, f: string) => (dot ? getField(json, f) : json[f]);
  const matched: Match[] = [];
  const unmatched1: Item[] = [];
  const matchedIn2 = new Set<number>();
  const split = outputDataFrom === 'both' || joinMode === 'enrichInput1' || joinMode === 'enrichInput2';
  for (const entry of input1) {
    const lookup = fields.map((f) => ({ key: f.field2, value: read(entry.json, f.field1) }));
    if (lookup.some((l) => l.value === undefined)) {
      unmatched1.push(entry);
      continue;
    }
    const found: [number, Item][] = [];
    for (let idx = 0; idx < input2.length; idx++) {
      const e2 = input2[idx]!;
      if (lookup.every((l) => equal(l.value, read(e2.json, l.key)))) {
        found.push([idx, e2]);
        if (multiple === 'first') break;
      }
    }
    if (found.length === 0) {
      unmatched1.push(entry);
      continue;
    }
    for (const [idx] of found) matchedIn2.add(idx);
    // Each match is its own output item when data from both inputs is merged.
    if (split) for (const [, m] of found) matched.push({ entry, matches: [m] });
    else matched.push({ entry, matches: found.map(([, m]) => m) });
  }
  const matched2 = input2.filter((_, i) => matchedIn2.has(i));
  const unmatched2 = input2.filter((_, i) => !matchedIn2.has(i));
  const suffix = clash.resolveClash === 'addSuffix';
  switch (joinMode) {
    case 'keepMatches':
    case 'keepEverything': {
      let out: Item[] = outputDataFrom === 'input1' ? matched.map((m) => m.entry) : outputDataFrom === 'input2' ? matched2 : outputDataFrom === 'both' ? mergeMatched(matched, clash) : [];
      if (joinMode === 'keepEverything') out = [...out, ...(suffix ? withSuffix(unmatched1, '1') : unmatched1), ...(suffix ? withSuffix(unmatched2, '2') : unmatched2)];
      return [out];
    }
    case 'keepNonMatches':
      if (outputDataFrom === 'input1') return [unmatched1];
      if (outputDataFrom === 'input2') return [unmatched2];
      return [[...unmatched1.map((i) => ({ ...i, json: { ...i.json, _source: 'input1' } })), ...unmatched2.map((i) => ({ ...i, json: { ...i.json, _source: 'input2' } }))]];
    case 'enrichInput1':
      return [[...mergeMatched(matched, clash, joinMode), ...(suffix ? withSuffix(unmatched1, '1') : unmatched1)]];
    case 'enrichInput2':
      return [[...mergeMatched(matched, clash, joinMode), ...(suffix ? withSuffix(unmatched2, '2') : unmatched2)]];
    default:
      throw new NodeOperationError(`The join mode "${joinMode}" is not known`);
  }
}

function combineByPosition(inputs: Item[][], options: Record<string, unknown>): Item[] {
  const clash = clashOf(options);
  const preferredIndex = clash.resolveClash?.startsWith('preferInput') ? Number(clash.resolveClash.replace('preferInput', '')) - 1 : inputs.length - 1;
  // As in n8n, the preferred input keeps its own field names even with addSuffix.
  const preferred = inputs[preferredIndex] ?? [];
  const data = clash.resolveClash === 'addSuffix' ? inputs.map((input, k) => withSuffix(input, String(k + 1))) : inputs;
  const lengths = data.map((i) => i.length);
  const n = options.includeUnpaired === true ? Math.max(...lengths, preferred.length) : Math.min(...lengths, preferred.length);
  const out: Item[] = [];
  for (let i = 0; i < n; i++) {
    const rest = data.map((input) => input[i]);
    const pref = preferred[i];
    out.push(item(mergeAll([...rest.map((e) => e?.json ?? {}), pref?.json ?? {}], clash), [...rest, pref]));
  }
  return out;
}

function combineAll(inputs: Item[][], options: Record<string, unknown>): Item[] {
  const clash = clashOf(options);
  let [a, b] = [inputs[0] ?? [], inputs[1] ?? []];
  if (clash.resolveClash === 'preferInput1') [a, b] = [b, a];
  if (clash.resolveClash === 'addSuffix') [a, b] = [withSuffix(a, '1'), withSuffix(b, '2')];
  const out: Item[] = [];
  for (const x of a) for (const y of b) out.push(item(mergeAll([x.json, y.json], clash), [x, y]));
  return out;
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
      if (output === 'empty') return [[{ json: {}, pairedItem: pairs([...(inputs[0] ?? []), ...(inputs[1] ?? [])]) }]];
      const which = output === 'input1' ? 1 : output === 'input2' ? 2 : Number(p.useDataOfInput ?? 1);
      if (which > inputs.length) throw new NodeOperationError(`Input ${which} doesn't exist`, `The node has only ${inputs.length} inputs, so selecting input ${which} is not possible.`);
      return [inputs[which - 1] ?? []];
    }
    const combineBy = p.combineBy ?? 'combineByFields';
    if (combineBy === 'combineByPosition') return [combineByPosition(inputs, options)];
    if (combineBy === 'combineAll') return [combineAll(inputs, options)];
    return combineByFields(inputs, p, options);
  },
};
