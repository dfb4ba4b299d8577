/**
 * Whether user code in a document can read other nodes' run data. Expressions
 * and Code nodes reach earlier nodes' items only through a few names — `$()`,
 * `$node`, `$items()`, `$item()` — and, dynamically, through `eval` or a Code
 * node's `arguments`. When no parameter string of any node holds one of those
 * (every `$`-name is one that reads only the node's own input, the clock or the
 * execution's metadata), a node's output is needed only by the nodes it feeds,
 * so the engine need not keep it once it is recorded. The scan is deliberately
 * coarse: any other `$`-name, a lone `$` (an alias of `$()`), or a match
 * inside a plain string counts as a read, which only costs memory.
 */
import type { N8nWorkflow } from './types';

/** $-names that never read another node's items. */
const LOCAL_NAMES = new Set([
  '$json',
  '$binary',
  '$input',
  '$itemIndex',
  '$runIndex',
  '$position',
  '$prevNode',
  '$workflow',
  '$execution',
  '$executionId',
  '$mode',
  '$resumeWebhookUrl',
  '$vars',
  '$env',
  '$parameter',
  '$now',
  '$today',
  '$jmespath',
  '$if',
  '$ifEmpty',
  '$min',
  '$max',
  '$average',
  '$not',
]);

/** A `$`-name where an identifier starts (not inside another one, like `a$b`). */
const DOLLAR_NAME = /(?<![\w$])\$[\w$]*/g;
/** Ways to reach a name without writing it: direct eval, a Code node's arguments object. */
const DYNAMIC = /\b(?:eval|arguments)\b/;

function stringReads(text: string): boolean {
  if (DYNAMIC.test(text)) return true;
  for (const match of text.matchAll(DOLLAR_NAME)) {
    if (!LOCAL_NAMES.has(match[0])) return true;
  }
  return false;
}

function valueReads(value: unknown): boolean {
  if (typeof value === 'string') return stringReads(value);
  if (typeof value !== 'object' || value === null) return false;
  return Array.isArray(value) ? value.some(valueReads) : Object.values(value).some(valueReads);
}

const cache = new WeakMap<N8nWorkflow, boolean>();

/** True when some node's parameters may read another node's run data (or we cannot tell). */
export function readsRunData(doc: N8nWorkflow): boolean {
  let reads = cache.get(doc);
  if (reads === undefined) {
    reads = doc.nodes.some((node) => valueReads(node.parameters ?? {}));
    cache.set(doc, reads);
  }
  return reads;
}
