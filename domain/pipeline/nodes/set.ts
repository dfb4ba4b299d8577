/**
 * Edit Fields (Set) 3.0–3.4: manual assignments with a type each (3.3+:
 * `assignments`; 3.0–3.2: `fields.values`), or raw JSON output whose `{{ }}`
 * parts are inserted as JSON; `include` modes (all, none, selected, except),
 * dot notation, ignoreConversionErrors.
 */
import { NodeOperationError } from '../errors';
import type { NodeExecution, NodeType } from '../node-type';
import type { Item, JsonObject, JsonValue } from '../types';
import { describeValue, getField, isObject, setField, toJson, unsetField, validateFieldType, type FieldType } from '../values';

interface Assignment {
  name: string;
  value: unknown;
  type?: FieldType;
}

interface LegacyField {
  name: string;
  type?: string;
  [key: string]: unknown;
}

const conversionHint = (name: string) =>
  `To fix the error try to change the type for the field "${name}" or activate the option “Ignore Type Conversion Errors” to apply a less strict type validation`;

/** n8n's validateEntry: the value coerced to the field's type ("[item i]" on errors). */
function typedValue(a: Assignment, itemIndex: number, ignoreErrors: boolean, version: number): JsonValue {
  const type = a.type ?? 'string';
  let value = a.value;
  if (version >= 3.2 && (value === undefined || value === null)) return null;
  if (type === 'string') {
    if (version > 3 && (value === undefined || value === null)) {
      if (ignoreErrors) return null;
      throw new NodeOperationError(`'${a.name}' expects a string but we got ${describeValue(value)} [item ${itemIndex}]`, conversionHint(a.name), itemIndex);
    }
    value = typeof value === 'object' ? JSON.stringify(value) : String(value);
  }
  const checked = validateFieldType(a.name, value, type);
  if (!checked.valid) {
    if (ignoreErrors) return toJson(value ?? null);
    throw new NodeOperationError(`${checked.message} [item ${itemIndex}]`, conversionHint(a.name), itemIndex);
  }
  return checked.value === undefined ? null : toJson(checked.value);
}

/** `{{ }}` parts of a raw JSON text, in order. */
function resolvables(text: string): string[] {
  return text.match(/{{[\s\S]*?}}/g) ?? [];
}

function includeFields(ex: NodeExecution, input: Item, i: number, include: string, dot: boolean): JsonObject {
  switch (include) {
    case 'all':
      return { ...input.json };
    case 'none':
      return {};
    case 'selected': {
      const json: JsonObject = {};
      for (const key of String(ex.param('includeFields', i, '')).split(',').map((k) => k.trim())) {
        if (key === '') continue;
        const value = getField(input.json, key, dot);
        if (value === undefined) continue;
        setField(json, dot && key.includes('.') ? key.split('.').pop()! : key, value as JsonValue, dot);
      }
      return json;
    }
    case 'except': {
      const json: JsonObject = { ...input.json };
      for (const key of String(ex.param('excludeFields', i, '')).split(',').map((k) => k.trim())) {
        if (key !== '') unsetField(json, key, dot);
      }
      return json;
    }
    default:
      throw new NodeOperationError(`The include option "${include}" is not known!`);
  }
}

/** The text of a raw JSON parameter with each {{ }} replaced by its value (objects as JSON). */
function resolveRaw(ex: NodeExecution, text: string, i: number): string {
  for (const part of resolvables(text)) {
    const value = ex.host.sandbox.evaluate(`=${part}`, ex.dataAccess(i));
    const inserted = typeof value === 'object' && value !== null ? JSON.stringify(value) : String(value);
    text = text.replace(part, () => inserted);
  }
  return text;
}

function newFields(ex: NodeExecution, i: number, mode: string, ignoreErrors: boolean): [string, JsonValue][] {
  const version = ex.node.typeVersion;
  if (mode === 'raw') {
    const raw = ex.parameters.jsonOutput;
    const parsed =
      typeof raw === 'string' && raw.startsWith('=')
        ? parseJsonParameter(resolveRaw(ex, raw.replace(/^=+/, ''), i), i)
        : parseJsonParameter(ex.param<unknown>('jsonOutput', i, '{}'), i);
    return Object.entries(parsed).map(([k, v]) => [k, toJson(v)]);
  }
  if (version >= 3.3) {
    const list = ex.param<{ assignments?: Assignment[] }>('assignments', i, {}).assignments ?? [];
    return list.map((a) => [a.name, typedValue(a, i, ignoreErrors, version)]);
  }
  const rawFields = (ex.parameters.fields as { values?: LegacyField[] } | undefined)?.values ?? [];
  const fields = ex.param<{ values?: LegacyField[] }>('fields', i, {}).values ?? [];
  return fields.map((f, k) => {
    const key = f.type ?? 'stringValue';
    let value = f[key];
    const rawObject = rawFields[k]?.objectValue;
    // An object field written as an expression is raw JSON text with {{ }} parts, as in raw mode.
    if (key === 'objectValue' && typeof rawObject === 'string' && rawObject.startsWith('=') && value !== undefined && value !== null) {
      value = parseJsonParameter(resolveRaw(ex, rawObject.replace(/^=+/, ''), i), i, f.name);
    }
    return [f.name, typedValue({ name: f.name, value, type: key.replace('Value', '') as FieldType }, i, ignoreErrors, version)];
  });
}

/** n8n's parseJsonParameter (its repairJSON fixes single quotes and trailing commas). */
function parseJsonParameter(json: unknown, i: number, entryName?: string): Record<string, unknown> {
  const location = entryName ? `entry "${entryName}" inside 'Fields to Set'` : "'JSON Output'";
  let parsed: unknown = json;
  if (typeof json === 'string') {
    try {
      parsed = JSON.parse(json);
    } catch {
      try {
        parsed = JSON.parse(json.replace(/'/g, '"').replace(/,\s*([}\]])/g, '$1'));
      } catch {
        throw new NodeOperationError(`The ${location} in item ${i} contains invalid JSON`, json, i);
      }
    }
  }
  if (!isObject(parsed)) throw new NodeOperationError(`The ${location} in item ${i} does not contain a valid JSON object`, undefined, i);
  return parsed;
}

export const set: NodeType = {
  type: 'n8n-nodes-base.set',
  versions: [3, 3.1, 3.2, 3.3, 3.4],
  kind: 'pure',
  inputs: () => 1,
  outputs: () => 1,
  parameters: ['mode', 'duplicateItem', 'duplicateCount', 'fields', 'assignments', 'jsonOutput', 'includeOtherFields', 'include', 'includeFields', 'excludeFields', 'options'],
  check(node) {
    const mode = node.parameters?.mode ?? 'manual';
    return mode === 'manual' || mode === 'raw' ? [] : [`parameter "mode" has an unsupported value "${String(mode)}"`];
  },
  execute(ex) {
    const version = ex.node.typeVersion;
    const mode = String(ex.parameters.mode ?? 'manual');
    const out: Item[] = [];
    ex.items.forEach((input, i) => {
      try {
        const options = ex.param<Record<string, unknown>>('options', i, {});
        const dot = options.dotNotation !== false;
        const ignoreErrors = options.ignoreConversionErrors === true;
        const include = version >= 3.3 && !ex.param('includeOtherFields', i, false) ? 'none' : String(ex.param('include', i, 'all'));
        const fields = newFields(ex, i, mode, ignoreErrors);
        const json = includeFields(ex, input, i, include, dot);
        for (const [key, value] of fields) setField(json, key, value, dot);
        const keepBinary = version >= 3.4 ? !options.stripBinary && include !== 'none' : options.includeBinary === true;
        const item: Item = { json, pairedItem: { item: i } };
        if (keepBinary && input.binary) item.binary = { ...input.binary };
        out.push(item);
      } catch (error) {
        if (!ex.continueOnFail) throw error;
        const message = (error as Error).message;
        // n8n 1.123's manual mode puts pairedItem inside json (so the item stays on the regular output even with continueErrorOutput).
        out.push(mode === 'raw' ? { json: { error: message }, pairedItem: { item: i } } : { json: { error: message, pairedItem: { item: i } } });
      }
    });
    return [out];
  },
};
