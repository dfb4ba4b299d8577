/** How the Docker daemon reads request parameters and bodies: `filters`, label matches, JSON bodies and string lists. */
import { HttpError, isObject } from '../sim-http';

/**
 * Docker's `filters` query parameter: JSON of `{"label": ["k=v", ...]}`, or the
 * older `{"label": {"k=v": true}}` that dockerode and old clients still send.
 */
export function parseFilters(raw: string | null, known: string[]): Map<string, string[]> {
  const filters = new Map<string, string[]>();
  if (raw === null || raw === '') return filters;
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch (err) {
    throw new HttpError(400, `invalid filter: ${(err as Error).message}`);
  }
  if (!isObject(value)) throw new HttpError(400, 'invalid filter: expected a JSON object');
  for (const [key, values] of Object.entries(value)) {
    if (!known.includes(key)) throw new HttpError(400, `invalid filter '${key}'`);
    if (Array.isArray(values) && values.every((v) => typeof v === 'string')) filters.set(key, values);
    else if (isObject(values)) filters.set(key, Object.keys(values).filter((k) => values[k] === true));
    else throw new HttpError(400, `invalid filter '${key}': expected a list of strings`);
  }
  return filters;
}

/** Every wanted label must be there: `key` by presence, `key=value` by value. */
export function matchLabels(labels: Record<string, string>, wanted: string[] | undefined): boolean {
  return (wanted ?? []).every((filter) => {
    const eq = filter.indexOf('=');
    if (eq < 0) return filter in labels;
    return labels[filter.slice(0, eq)] === filter.slice(eq + 1);
  });
}

/** Values of one filter key are alternatives: any may match. */
export function matchAny(values: string[] | undefined, test: (value: string) => boolean): boolean {
  return values === undefined || values.length === 0 || values.some(test);
}

export function safeRegExp(source: string): RegExp {
  try {
    return new RegExp(source);
  } catch {
    throw new HttpError(500, `error parsing regexp: ${source}`);
  }
}

/** `true` and `1` are true, as the daemon reads boolean query parameters. */
export function boolParam(q: URLSearchParams, name: string): boolean {
  return ['1', 'true'].includes(q.get(name) ?? '');
}

export function stringList(value: unknown): string[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return [value];
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) throw new HttpError(400, 'expected a list of strings');
  return [...value] as string[];
}

export function stringRecord(value: unknown): Record<string, string> {
  if (!isObject(value)) return {};
  return Object.fromEntries(Object.entries(value).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
}

export function parseJsonObject(raw: string): Record<string, unknown> {
  if (raw.trim() === '') return {};
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch (err) {
    throw new HttpError(400, `invalid JSON: ${(err as Error).message}`);
  }
  if (!isObject(value)) throw new HttpError(400, 'invalid JSON: expected an object');
  return value;
}
