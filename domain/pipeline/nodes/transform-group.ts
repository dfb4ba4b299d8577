/** Split Out, Aggregate and Summarize: items split into many, or grouped into few, as n8n's nodes do. */
import { NodeOperationError } from '../errors';
import type { NodeExecution } from '../node-type';
import type { Item, JsonObject, JsonValue, PairedItem } from '../types';
import { getField, isObject, setField, unsetField } from '../values';
import { allPaired, canonical, fieldList, read, type Params } from './transform-common';

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
