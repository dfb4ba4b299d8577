/**
 * What a node type sees while it runs (NodeExecution): its inputs and main
 * items, its parameters resolved per item through the sandbox (literal ones
 * as they are), the DataAccess user code asks about the execution, its
 * context, console and sub-nodes.
 */
import { createDataAccess, type ExecutionView } from './data-access';
import { ExpressionError } from './errors';
import type { NodeExecution } from './node-type';
import { mainInput } from './paired-items';
import type { DataAccess, EngineHost, Item, JsonObject, N8nNode, N8nWorkflow, RunData, StackEntry } from './types';

/** The run a node executes in, as far as its execution reads it. */
export interface RunView {
  readonly doc: N8nWorkflow;
  readonly runData: RunData;
  readonly host: EngineHost;
  readonly nodeContext: Readonly<Record<string, JsonObject>>;
  /** Respond to Webhook: the first response given is the one the webhook answers. */
  readonly respond: (response: JsonObject) => void;
}

/** onError / continueOnFail: the node's failures become items instead of failing the run. */
export function continuesOnError(node: N8nNode): boolean {
  return node.continueOnFail === true || node.onError === 'continueRegularOutput' || node.onError === 'continueErrorOutput';
}

export function nodeExecution(run: RunView, node: N8nNode, entry: StackEntry, runIndex: number, allItems?: Item[]): NodeExecution {
  const inputs = entry.input.map((m) => m ?? []);
  const items = mainInput(entry.input);
  const view: ExecutionView = { doc: run.doc, runData: run.runData, node, runIndex, items: allItems ?? items, source: entry.source, host: run.host };
  const parameters = node.parameters ?? {};
  const literal = !hasExpression(parameters);
  const perItem = new ItemCaches();
  const dataAccess = (i: number) => {
    const c = perItem.of(i);
    return (c.access ??= createDataAccess(view, i));
  };
  const consoleLines: string[] = [];
  const sandbox = run.host.sandbox;
  const ex: NodeExecution = {
    node,
    parameters,
    inputs,
    items,
    source: (entry.source ?? []).map((s) => s ?? null),
    runIndex,
    host: run.host,
    context: { ...(run.nodeContext[node.name] ?? {}) },
    continueOnFail: continuesOnError(node),
    dataAccess,
    resolve(i) {
      if (literal) return parameters;
      return ex.param('', i, {}) as Record<string, unknown>;
    },
    param<T>(path: string, i: number, fallback: T): T {
      const raw = path === '' ? parameters : getPath(parameters, path);
      if (raw === undefined) return fallback;
      if (literal || !hasExpression(raw)) return raw as T;
      const resolved = perItem.of(i).resolved;
      if (resolved.has(path)) return resolved.get(path) as T;
      let value: unknown;
      try {
        value = sandbox.resolveParameters(raw, dataAccess(i));
      } catch (error) {
        if (error instanceof Error && error.name !== 'ExpressionError' && error.name !== 'NodeOperationError') {
          throw new ExpressionError(error.message, (error as { description?: string }).description, i);
        }
        throw error;
      }
      resolved.set(path, value);
      return (value === undefined ? fallback : value) as T;
    },
    console: consoleLines,
    respond: run.respond,
    subNodes: (connectionType) => subNodesOf(run.doc, node.name, connectionType),
  };
  return ex;
}
/**
 * What a node's execution remembers per item: its DataAccess and resolved
 * parameters. Kept for item 0 (nodes read their node-wide settings there) and
 * the item in hand only, so a node over 10,000 items does not hold 10,000 of
 * each until it ends; going back to another item evaluates its parameters again.
 */
class ItemCaches {
  private readonly items = new Map<number, { access?: DataAccess; readonly resolved: Map<string, unknown> }>();

  of(i: number): { access?: DataAccess; readonly resolved: Map<string, unknown> } {
    let c = this.items.get(i);
    if (!c) {
      for (const k of this.items.keys()) if (k !== 0) this.items.delete(k);
      this.items.set(i, (c = { resolved: new Map() }));
    }
    return c;
  }
}

/** Enabled nodes whose `connectionType` connections lead to `target` (n8n draws sub-nodes as the source). */
function subNodesOf(doc: N8nWorkflow, target: string, connectionType: string): N8nNode[] {
  const out: N8nNode[] = [];
  for (const [source, types] of Object.entries(doc.connections ?? {})) {
    if (!(types?.[connectionType] ?? []).some((targets) => (targets ?? []).some((t) => t.node === target))) continue;
    const node = doc.nodes.find((n) => n.name === source);
    if (node && !node.disabled) out.push(node);
  }
  return out;
}


const expressionCache = new WeakMap<object, boolean>();

/** Whether a parameter tree holds an expression (a string starting with '='). */
export function hasExpression(value: unknown): boolean {
  if (typeof value === 'string') return value.startsWith('=');
  if (typeof value !== 'object' || value === null) return false;
  const hit = expressionCache.get(value);
  if (hit !== undefined) return hit;
  const found = Array.isArray(value) ? value.some(hasExpression) : Object.values(value).some(hasExpression);
  expressionCache.set(value, found);
  return found;
}

export function getPath(value: unknown, path: string): unknown {
  let current = value;
  for (const key of path.split('.')) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}
