/**
 * Value helpers the nodes share: n8n's field type validation and conversion
 * (validateFieldType: strict or loose), lodash-style paths ("a.b[0].c") to
 * get, set and unset fields, and deep copies of JSON.
 */
import { DateTime } from 'luxon';
import type { JsonObject, JsonValue } from './types';

export type FieldType = 'string' | 'number' | 'boolean' | 'array' | 'object' | 'dateTime' | 'any';

export type Validation = { valid: true; value: unknown } | { valid: false; message: string };

export function describeValue(value: unknown): string {
  if (typeof value === 'object') {
    if (value === null) return "'null'";
    if (Array.isArray(value)) return 'array';
    return 'object';
  }
  return `'${String(value)}'`;
}

function parseBoolean(value: unknown): boolean {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string' && ['true', 'false'].includes(value.toLowerCase())) return value.toLowerCase() === 'true';
  if (!(typeof value === 'string' && value.trim() === '')) {
    const n = Number(value);
    if (n === 0) return false;
    if (n === 1) return true;
  }
  throw new Error('not a boolean');
}

function parseJsonish(value: string): unknown {
  try {
    return JSON.parse(value);
  } catch {
    return JSON.parse(value.replace(/'/g, '"'));
  }
}

/** n8n's tryToParseDateTime: ISO, HTTP, RFC 2822, SQL, then whatever Date.parse reads. */
export function parseDateTime(value: unknown, zone?: string): DateTime {
  if (DateTime.isDateTime(value) && value.isValid) return value;
  if (value instanceof Date) {
    const d = DateTime.fromJSDate(value, { zone });
    if (d.isValid) return d;
  }
  const text = String(value).trim();
  for (const parse of [DateTime.fromISO, DateTime.fromHTTP, DateTime.fromRFC2822, DateTime.fromSQL]) {
    const d = parse(text, { zone, setZone: true });
    if (d.isValid) return d;
  }
  const d = DateTime.fromMillis(Date.parse(text), { zone });
  if (d.isValid) return d;
  throw new Error('Value is not a valid date');
}

/**
 * n8n's validateFieldType: null and undefined always pass (as undefined);
 * strict wants the very type; strings are converted only with parseStrings.
 */
export function validateFieldType(name: string, value: unknown, type: FieldType, opts: { strict?: boolean; parseStrings?: boolean; zone?: string } = {}): Validation {
  if (value === null || value === undefined) return { valid: true, value: undefined };
  if (type === 'any') return { valid: true, value };
  const fail = (): Validation => ({ valid: false, message: `'${name}' expects a ${type} but we got ${describeValue(value)}` });
  const strict = opts.strict === true;
  switch (type) {
    case 'string':
      if (!opts.parseStrings) return { valid: true, value };
      if (strict && typeof value !== 'string') return fail();
      return { valid: true, value: typeof value === 'object' ? JSON.stringify(value) : String(value) };
    case 'number': {
      if (strict && typeof value !== 'number') return fail();
      const n = Number(value);
      return Number.isNaN(n) ? fail() : { valid: true, value: n };
    }
    case 'boolean':
      if (strict && typeof value !== 'boolean') return fail();
      try {
        return { valid: true, value: parseBoolean(value) };
      } catch {
        return fail();
      }
    case 'array': {
      if (strict && !Array.isArray(value)) return fail();
      if (Array.isArray(value)) return { valid: true, value };
      try {
        const parsed = parseJsonish(String(value));
        return Array.isArray(parsed) ? { valid: true, value: parsed } : fail();
      } catch {
        return fail();
      }
    }
    case 'object': {
      // lodash's isObject: arrays count as objects for the strict check, then fail to parse.
      if (strict && (typeof value !== 'object' || value === null)) return fail();
      if (typeof value === 'object' && !Array.isArray(value)) return { valid: true, value };
      try {
        const parsed = parseJsonish(String(value));
        return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? { valid: true, value: parsed } : fail();
      } catch {
        return fail();
      }
    }
    case 'dateTime':
      try {
        return { valid: true, value: parseDateTime(value, opts.zone) };
      } catch {
        return fail();
      }
  }
}

/** lodash-style path: "a.b[0].c" → ['a', 'b', '0', 'c']. */
export function pathKeys(path: string): string[] {
  const keys: string[] = [];
  for (const part of path.split('.')) {
    const re = /([^[\]]+)|\[(\d+|"[^"]*"|'[^']*')\]/g;
    let m: RegExpExecArray | null;
    let matched = false;
    while ((m = re.exec(part))) {
      matched = true;
      keys.push(m[1] ?? m[2]!.replace(/^["']|["']$/g, ''));
    }
    if (!matched) keys.push(part);
  }
  return keys;
}

/** Keys lodash's set/unset refuse, so field names from user data cannot reach a prototype. */
const UNSAFE = new Set(['__proto__', 'constructor', 'prototype']);

/** Assigns an own property, even one named "__proto__" (which plain assignment would turn into a prototype change). */
export function assign(obj: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
  else obj[key] = value;
}

export function getField(obj: unknown, path: string, dotNotation = true): unknown {
  const own = (o: unknown, key: string): unknown => {
    if (o === null || typeof o !== 'object') return undefined;
    if (Object.hasOwn(o, key)) return (o as Record<string, unknown>)[key];
    return key === 'length' && Array.isArray(o) ? o.length : undefined;
  };
  if (!dotNotation) return own(obj, path);
  let current = obj;
  for (const key of pathKeys(path)) current = own(current, key);
  return current;
}

/** Sets a field on `obj` in place (objects on the path are copied first, so shared input stays untouched). */
export function setField(obj: JsonObject, path: string, value: JsonValue, dotNotation = true): void {
  if (!dotNotation) {
    assign(obj, path, value);
    return;
  }
  const keys = pathKeys(path);
  if (keys.some((k) => UNSAFE.has(k))) return;
  let current: Record<string, JsonValue> | JsonValue[] = obj;
  for (let i = 0; i < keys.length - 1; i++) {
    const key = keys[i]!;
    const next: JsonValue | undefined = (current as Record<string, JsonValue>)[key];
    let copy: Record<string, JsonValue> | JsonValue[];
    if (Array.isArray(next)) copy = [...next];
    else if (next !== null && typeof next === 'object') copy = { ...next };
    else copy = /^\d+$/.test(keys[i + 1]!) ? [] : {};
    (current as Record<string, JsonValue>)[key] = copy;
    current = copy;
  }
  (current as Record<string, JsonValue>)[keys[keys.length - 1]!] = value;
}

export function unsetField(obj: JsonObject, path: string, dotNotation = true): void {
  if (!dotNotation) {
    delete obj[path];
    return;
  }
  const keys = pathKeys(path);
  if (keys.some((k) => UNSAFE.has(k))) return;
  let current: Record<string, JsonValue> = obj;
  for (let i = 0; i < keys.length - 1; i++) {
    const next: JsonValue | undefined = current[keys[i]!];
    if (next === null || typeof next !== 'object') return;
    const copy = (Array.isArray(next) ? [...next] : { ...next }) as Record<string, JsonValue>;
    current[keys[i]!] = copy as JsonValue;
    current = copy;
  }
  delete current[keys[keys.length - 1]!];
}

export function deepCopy<T>(value: T): T {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(deepCopy) as T;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) assign(out, k, deepCopy(v));
  return out as T;
}

/** Turns what user code produced into JSON (dates to ISO strings, undefined dropped). */
export function toJson(value: unknown): JsonValue {
  if (value === undefined) return null;
  if (DateTime.isDateTime(value)) return value.toISO();
  if (value instanceof Date) return value.toISOString();
  if (value === null || typeof value !== 'object') return value as JsonValue;
  if (Array.isArray(value)) return value.map(toJson);
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(value)) if (v !== undefined) assign(out, k, toJson(v));
  return out;
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
