/**
 * Builds one value that satisfies a JSON schema, so the simulator can answer
 * structured-output requests (`format: <schema>`) the way a well-behaved model
 * would. It covers the subset of JSON Schema that zod's `toJSONSchema` and
 * hand-written Ollama formats use; anything it does not understand yields null.
 */
import RandExp from 'randexp';

type Schema = Record<string, unknown>;

const MAX_DEPTH = 12;

export function sampleFromSchema(schema: unknown): unknown {
  return sample(schema, isSchema(schema) ? schema : {}, 0);
}

function sample(node: unknown, root: Schema, depth: number): unknown {
  if (!isSchema(node) || depth > MAX_DEPTH) return null;

  if (typeof node.$ref === 'string') return sample(resolveRef(node.$ref, root), root, depth + 1);
  if ('const' in node) return node.const;
  if (Array.isArray(node.enum) && node.enum.length > 0) return node.enum[0];
  for (const key of ['anyOf', 'oneOf'] as const) {
    const options = node[key];
    if (Array.isArray(options) && options.length > 0) {
      // A nullable field is usually `anyOf: [X, {type: null}]`: prefer the real value.
      const pick = options.find((o) => !(isSchema(o) && o.type === 'null')) ?? options[0];
      return sample(pick, root, depth + 1);
    }
  }
  if (Array.isArray(node.allOf) && node.allOf.length > 0) {
    return sample(Object.assign({}, ...node.allOf.filter(isSchema)), root, depth + 1);
  }

  switch (typeOf(node)) {
    case 'object':
      return sampleObject(node, root, depth);
    case 'array':
      return sampleArray(node, root, depth);
    case 'string':
      return sampleString(node);
    case 'integer':
      return sampleNumber(node, true);
    case 'number':
      return sampleNumber(node, false);
    case 'boolean':
      return true;
    default:
      return null;
  }
}

function typeOf(node: Schema): string | undefined {
  const { type } = node;
  if (typeof type === 'string') return type;
  if (Array.isArray(type)) return (type.find((t) => t !== 'null') ?? type[0]) as string | undefined;
  if (isSchema(node.properties)) return 'object';
  if (node.items !== undefined) return 'array';
  return undefined;
}

function sampleObject(node: Schema, root: Schema, depth: number): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const properties = isSchema(node.properties) ? node.properties : {};
  for (const [key, child] of Object.entries(properties)) out[key] = sample(child, root, depth + 1);
  // A required key without a declared schema still has to be present.
  if (Array.isArray(node.required)) {
    for (const key of node.required) if (typeof key === 'string' && !(key in out)) out[key] = 'simulated';
  }
  return out;
}

function sampleArray(node: Schema, root: Schema, depth: number): unknown[] {
  const min = typeof node.minItems === 'number' ? node.minItems : 0;
  const prefix = Array.isArray(node.prefixItems) ? node.prefixItems : [];
  const count = Math.max(1, min, prefix.length);
  return Array.from({ length: count }, (_, i) => sample(prefix[i] ?? node.items, root, depth + 1));
}

function sampleString(node: Schema): string {
  let value = node.format === 'date-time' ? new Date(0).toISOString() : typeof node.pattern === 'string' ? fromPattern(node.pattern) : 'simulated';
  const min = typeof node.minLength === 'number' ? node.minLength : 0;
  const max = typeof node.maxLength === 'number' ? node.maxLength : Infinity;
  while (value.length < min) value += 'x';
  return value.slice(0, max);
}

function sampleNumber(node: Schema, integer: boolean): number {
  let value = 1;
  if (typeof node.minimum === 'number') value = Math.max(value, node.minimum);
  if (typeof node.exclusiveMinimum === 'number') value = Math.max(value, node.exclusiveMinimum + (integer ? 1 : 0.5));
  if (typeof node.maximum === 'number') value = Math.min(value, node.maximum);
  if (typeof node.exclusiveMaximum === 'number' && value >= node.exclusiveMaximum) value = node.exclusiveMaximum - (integer ? 1 : 0.5);
  return integer ? Math.ceil(value) : value;
}

/** Follows local references such as `#/$defs/Task` or `#/definitions/Task`. */
function resolveRef(ref: string, root: Schema): unknown {
  if (ref === '#') return root;
  if (!ref.startsWith('#/')) return undefined;
  let node: unknown = root;
  for (const raw of ref.slice(2).split('/')) {
    const key = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
    node = isSchema(node) ? node[key] : undefined;
  }
  return node;
}

function isSchema(value: unknown): value is Schema {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * A string matching a schema's `pattern`, as Ollama's grammar would force the
 * model to write one (randexp; unbounded repetitions capped at 8).
 */
function fromPattern(pattern: string): string {
  try {
    const gen = new RandExp(new RegExp(pattern));
    gen.max = 8;
    return gen.gen();
  } catch {
    return 'simulated';
  }
}
