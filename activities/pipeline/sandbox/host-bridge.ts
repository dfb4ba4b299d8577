/**
 * The host side of the sandbox's one door: `hostCall(op, argsJson)` answers
 * the sandbox's questions about the running execution from a DataAccess, and
 * serves the libraries and Intl formatting the sandbox lacks. Arguments and
 * answers are JSON text, so no host object ever reaches user code; a thrown
 * DataAccess error travels back as its message (n8n's wording, from the engine).
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { DataAccess, Item } from '../../../domain/pipeline/types';

const ENV_DENIED = 'access to env vars denied';
const ENV_DENIED_DESCRIPTION =
  'If you need access please contact the administrator to remove the environment variable ‘N8N_BLOCK_ENV_ACCESS_IN_NODE‘';

const libraryFiles: Record<string, () => string> = {
  luxon: () => path.join(path.dirname(require.resolve('luxon/package.json')), 'build/global/luxon.min.js'),
  jmespath: () => require.resolve('jmespath'),
  extensions: () => path.join(__dirname, 'js/extensions.js'),
};
const librarySources = new Map<string, string>();

export function librarySource(name: string): string {
  let source = librarySources.get(name);
  if (source === undefined) {
    const file = libraryFiles[name];
    if (!file) throw new Error(`unknown library ${name}`);
    source = readFileSync(file(), 'utf8');
    librarySources.set(name, source);
  }
  return source;
}

/** The item as user code may see it: a JSON copy, so changes never reach upstream data. */
function itemView(item: Item | undefined): unknown {
  if (!item) return null;
  const view: Record<string, unknown> = { json: item.json };
  if (item.binary !== undefined) view.binary = item.binary;
  if (item.pairedItem !== undefined) view.pairedItem = item.pairedItem;
  if (item.error !== undefined) view.error = item.error;
  return view;
}

const intlCache = new Map<string, Intl.DateTimeFormat | Intl.NumberFormat | Intl.ListFormat>();
const INTL_KINDS = { DateTimeFormat: Intl.DateTimeFormat, NumberFormat: Intl.NumberFormat, ListFormat: Intl.ListFormat } as const;

function intl(kind: unknown, method: unknown, locale: unknown, options: unknown, value: unknown): unknown {
  if (typeof kind !== 'string' || !(kind in INTL_KINDS)) throw new Error('unsupported Intl service');
  const Ctor = INTL_KINDS[kind as keyof typeof INTL_KINDS];
  if (method === 'supportedLocalesOf') return (Ctor as typeof Intl.DateTimeFormat).supportedLocalesOf(locale as string[]);
  const key = JSON.stringify([kind, locale ?? null, options ?? null]);
  let formatter = intlCache.get(key);
  if (!formatter) {
    formatter = new (Ctor as unknown as new (l: unknown, o: unknown) => Intl.DateTimeFormat)(locale ?? undefined, options ?? undefined);
    if (intlCache.size > 500) intlCache.clear();
    intlCache.set(key, formatter);
  }
  switch (method) {
    case 'resolvedOptions':
      return formatter.resolvedOptions();
    case 'format':
      if (kind === 'ListFormat') return (formatter as Intl.ListFormat).format((value as string[]).map(String));
      if (kind === 'NumberFormat') return (formatter as Intl.NumberFormat).format(value as number);
      return (formatter as Intl.DateTimeFormat).format(value as number);
    case 'formatToParts':
      if (kind === 'NumberFormat') return (formatter as Intl.NumberFormat).formatToParts(value as number);
      return (formatter as Intl.DateTimeFormat).formatToParts(value as number);
    default:
      throw new Error('unsupported Intl method');
  }
}

const HASHES: Record<string, string> = { md5: 'md5', sha1: 'sha1', sha224: 'sha224', sha256: 'sha256', sha384: 'sha384', sha512: 'sha512', sha3: 'sha3-512' };

function hash(algorithm: string, text: string): string {
  const name = HASHES[algorithm.toLowerCase()];
  if (!name) throw new Error(`Unknown hash algorithm ${algorithm}`);
  return createHash(name).update(text).digest('hex');
}

function str(v: unknown, what: string): string {
  if (typeof v !== 'string') throw new Error(`${what} must be a string`);
  return v;
}
function optInt(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isInteger(v) ? v : undefined;
}

/** Answers one question; throws to report an error to the sandbox. */
export function answer(data: DataAccess, op: string, args: unknown[]): unknown {
  switch (op) {
    case 'meta':
      return {
        itemIndex: data.itemIndex,
        runIndex: data.runIndex,
        node: { name: data.node.name, type: data.node.type, typeVersion: data.node.typeVersion },
        prevNode: data.prevNode ?? null,
        workflow: data.workflow,
        execution: data.execution,
        vars: data.vars,
        now: data.now,
        timezone: data.timezone,
      };
    case 'item':
      return itemView(data.inputItems()[optInt(args[0]) ?? data.itemIndex]);
    case 'inputAll':
      return data.inputItems().map(itemView);
    case 'inputLength':
      return data.inputItems().length;
    case 'params':
      return data.node.parameters;
    case 'env':
      if (data.env === undefined) throw Object.assign(new Error(ENV_DENIED), { description: ENV_DENIED_DESCRIPTION });
      return data.env;
    case 'nodeItems':
      return data.nodeItems(str(args[0], 'node name'), optInt(args[1]), optInt(args[2])).map(itemView);
    case 'nodeItem':
      return itemView(data.nodeItems(str(args[0], 'node name'))[optInt(args[1]) ?? data.itemIndex]);
    case 'pairedItem':
      return itemView(data.pairedItem(str(args[0], 'node name'), optInt(args[1])));
    case 'isExecuted':
      return data.isExecuted(str(args[0], 'node name'));
    case 'nodeParams':
      return data.nodeParameters(str(args[0], 'node name'));
    case 'nodeContext': {
      // Optional in DataAccess: the engine may expose a node's context (Loop Over Items' noItemsLeft).
      const withContext = data as DataAccess & { nodeContext?: (nodeName: string) => unknown };
      return withContext.nodeContext?.(str(args[0], 'node name')) ?? {};
    }
    case 'nodeRunIndex':
      return data.lastRunIndex(str(args[0], 'node name'));
    case 'lib':
      return librarySource(str(args[0], 'library'));
    case 'base64':
      return args[0] === 'encode'
        ? Buffer.from(str(args[1], 'text'), 'utf8').toString('base64')
        : Buffer.from(str(args[1], 'text'), 'base64').toString('utf8');
    case 'hash':
      return hash(str(args[0], 'algorithm'), str(args[1], 'text'));
    case 'intl':
      return intl(args[0], args[1], args[2], args[3], args[4]);
    default:
      throw new Error(`unknown sandbox request ${op}`);
  }
}

/** hostCall's body: JSON in, JSON out, errors as { e: message }. */
export function handleHostCall(data: DataAccess | undefined, op: string, argsJson: string): string {
  try {
    if (!data) throw new Error('no execution data is available here');
    const args = JSON.parse(argsJson) as unknown[];
    const value = answer(data, op, Array.isArray(args) ? args : []);
    return JSON.stringify({ v: value === undefined ? null : value });
  } catch (err) {
    const e = err as { message?: unknown; description?: unknown };
    const message = typeof e?.message === 'string' ? e.message : String(err);
    return JSON.stringify({ e: message, d: typeof e?.description === 'string' ? e.description : undefined });
  }
}
