/** What the item transformation nodes share: parameters, field lists, paired items, value reads and comparison. */
import type { Item, JsonObject, JsonValue, PairedItem } from '../types';
import { getField, isObject } from '../values';

export type Params = Record<string, unknown>;

/** A list of field names, given comma-separated (current nodes) or as { fields: [{ fieldName }] } (Item Lists). */
export function fieldList(value: unknown): string[] {
  if (typeof value === 'string') return value.split(',').map((f) => f.trim()).filter((f) => f !== '');
  const fields = (value as { fields?: { fieldName?: string }[] } | undefined)?.fields ?? [];
  return fields.map((f) => String(f.fieldName ?? '').trim()).filter((f) => f !== '');
}

export const allPaired = (items: Item[]): PairedItem[] => items.map((_, i) => ({ item: i }));
export const read = (json: JsonObject, field: string, dot: boolean) => getField(json, field, dot) as JsonValue | undefined;

/** Canonical JSON (sorted keys), to compare values as lodash's isEqual does. */
export function canonical(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (isObject(value)) return `{${Object.keys(value).sort().map((k) => `${JSON.stringify(k)}:${canonical(value[k])}`).join(',')}}`;
  return JSON.stringify(value);
}
