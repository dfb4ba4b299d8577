/**
 * The engine's answer to user code asking about the execution ($input,
 * $('X').item / .all(), $node, $prevNode...): one DataAccess per node and
 * item, over the run data so far. $('X').item walks paired-item lineage back
 * to X as n8n does (WorkflowDataProxyPairedItem), with n8n's errors when the
 * chain is ambiguous or broken.
 */
import { ExpressionError } from './errors';
import { graphOf } from './graph';
import type { DataAccess, EngineHost, Item, N8nNode, N8nWorkflow, PairedItem, RunData, TaskSource } from './types';

export interface ExecutionView {
  readonly doc: N8nWorkflow;
  readonly runData: RunData;
  readonly node: N8nNode;
  readonly runIndex: number;
  /** The node's main input ($input.all()). */
  readonly items: Item[];
  readonly source: (TaskSource | null)[] | null;
  readonly host: EngineHost;
}

const SCRIPTING = new Set(['n8n-nodes-base.code', 'n8n-nodes-base.function', 'n8n-nodes-base.functionItem']);

interface Located {
  readonly item: Item;
  /** Where it sits in run data, to tell two matches apart (objects lose identity across JSON). */
  readonly at: string;
}

export function createDataAccess(view: ExecutionView, itemIndex: number): DataAccess {
  const { doc, runData, node, host } = view;
  const scripting = SCRIPTING.has(node.type);
  const err = (message: string, description?: string, codeMessage?: string) =>
    new ExpressionError(scripting && codeMessage ? codeMessage : message, description, itemIndex);

  const ensureExists = (name: string) => {
    if (!graphOf(doc).nodes.has(name)) throw err(`Referenced node doesn't exist`, `The node '${name}' is not in the workflow`);
  };
  const runsOf = (name: string) => {
    ensureExists(name);
    const runs = runData[name];
    if (!runs || runs.length === 0) throw err(`Node '${name}' hasn't been executed`, `An expression references the node '${name}', but it hasn't been executed yet. Either change the expression, or re-wire your workflow to make sure that node executes first.`);
    return runs;
  };

  const outputOf = (source: TaskSource, nodeCause?: string): Item[] => {
    const run = runData[source.previousNode]?.[source.previousNodeRun ?? 0];
    const output = source.previousNodeOutput ?? 0;
    const items = run?.data?.main?.[output];
    if (!items) {
      throw err('Can’t get data for expression', `Expected output #${output} from node ${source.previousNode}`, 'Missing output');
    }
    void nodeCause;
    return items;
  };

  const normalize = (p: PairedItem | number): PairedItem => (typeof p === 'number' ? { item: p } : p);

  const walk = (destination: string, incoming: TaskSource | null, initial: PairedItem | number, method: string): Located => {
    let paired = normalize(initial);
    let source: TaskSource | null = paired.sourceOverwrite ?? incoming;
    let nodeBeforeLast: string | undefined;
    while (source && source.previousNode !== destination) {
      const run = runData[source.previousNode]?.[source.previousNodeRun ?? 0];
      const output = outputOf(source, nodeBeforeLast);
      const sources = (run?.source ?? []).filter((s): s is TaskSource => s !== null);
      const item = output[paired.item];
      if (item?.pairedItem === undefined) {
        throw new ExpressionError(
          `Paired item data for ${method} from node '${source.previousNode}' is unavailable. Ensure '${source.previousNode}' is providing the required output.`,
          `Missing pairedItem data (node '${source.previousNode}' probably didn't supply it)`,
          itemIndex,
        );
      }
      if (Array.isArray(item.pairedItem)) {
        return resolveMany(item.pairedItem, sources, destination, method);
      }
      paired = normalize(item.pairedItem);
      const input = paired.input ?? 0;
      if (input >= sources.length) {
        if (sources.length === 0) {
          throw err('Invalid expression', `No path back to referenced node '${destination}'`);
        }
        throw err('Branch not found', `Item ${paired.item} in node ${source.previousNode} references a branch that doesn't exist.`, 'Invalid branch reference');
      }
      nodeBeforeLast = source.previousNode;
      source = paired.sourceOverwrite ?? sources[input] ?? null;
    }
    if (!source) throw err('Paired item resolution failed', `Could not trace back to node '${destination}'`, 'Data not found');
    const output = outputOf(source);
    if (paired.item >= output.length) {
      throw err("Can't get data for expression", `Paired item ${paired.item} does not exist in the output of '${source.previousNode}'`, "Can't get data");
    }
    return {
      item: output[paired.item]!,
      at: `${source.previousNode}:${source.previousNodeRun ?? 0}:${source.previousNodeOutput ?? 0}:${paired.item}`,
    };
  };

  const resolveMany = (pairings: (PairedItem | number)[], sources: TaskSource[], destination: string, method: string): Located => {
    const results: Located[] = [];
    for (const raw of pairings) {
      const p = normalize(raw);
      const input = p.input ?? 0;
      if (input >= sources.length) continue;
      try {
        results.push(walk(destination, sources[input]!, p, method));
      } catch {
        // this pairing does not lead to the destination
      }
    }
    if (results.length >= 1 && results.every((r) => r.at === results[0]!.at)) return results[0]!;
    if (results.length === 0) throw err('Paired item resolution failed', `Could not trace back to node '${destination}'`, 'Data not found');
    throw err('Multiple matches found', `Multiple matching items for item [${itemIndex}]`, 'Multiple matches');
  };

  const defaultOutput = (name: string): number => {
    // The output of `name` on the path that leads to this node (n8n's getNodeConnectionIndexes).
    const graph = graphOf(doc);
    const seen = new Set<string>();
    const reaches = (from: string): boolean => {
      if (from === node.name) return true;
      if (seen.has(from)) return false;
      seen.add(from);
      return (graph.bySource.get(from) ?? []).some((targets) => targets.some((t) => reaches(t.node)));
    };
    const outputs = graph.bySource.get(name) ?? [];
    for (let o = 0; o < outputs.length; o++) {
      if (outputs[o]!.some((t) => reaches(t.node))) return o;
    }
    return 0;
  };

  const firstSource = view.source?.find((s): s is TaskSource => s !== null && s !== undefined);

  return {
    node: { name: node.name, type: node.type, typeVersion: node.typeVersion, parameters: node.parameters ?? {} },
    inputItems: () => view.items,
    itemIndex,
    runIndex: view.runIndex,
    nodeItems(name, outputIndex, runIndex) {
      const runs = runsOf(name);
      const run = runIndex === undefined || runIndex === -1 ? runs.length - 1 : runIndex;
      const task = runs[run];
      if (!task) throw err(`Run ${run} of node '${name}' not found`);
      return task.data?.main?.[outputIndex ?? defaultOutput(name)] ?? [];
    },
    pairedItem(name, index) {
      const at = index ?? itemIndex;
      runsOf(name);
      const current = view.items[at];
      if (!current) throw err("Can't get data for expression", `There is no input item ${at}`, "Can't get data");
      const stamp = current.pairedItem ?? { item: at };
      const first = Array.isArray(stamp) ? stamp[0] : stamp;
      const input = first === undefined ? 0 : (normalize(first).input ?? 0);
      const source = view.source?.[input] ?? null;
      if (name === node.name) throw err('Invalid expression', `A node cannot reference its own paired item`);
      return walk(name, source, Array.isArray(stamp) ? (stamp[0] ?? { item: at }) : stamp, index === undefined || index === itemIndex ? 'item' : 'itemMatching').item;
    },
    isExecuted: (name) => (runData[name]?.length ?? 0) > 0,
    nodeParameters(name) {
      ensureExists(name);
      return doc.nodes.find((n) => n.name === name)?.parameters ?? {};
    },
    lastRunIndex(name) {
      ensureExists(name);
      if (name === node.name) return view.runIndex;
      const runs = runData[name]?.length ?? 0;
      return runs > 0 ? runs - 1 : undefined;
    },
    prevNode: firstSource
      ? { name: firstSource.previousNode, outputIndex: firstSource.previousNodeOutput ?? 0, runIndex: firstSource.previousNodeRun ?? 0 }
      : undefined,
    workflow: host.workflow,
    execution: host.execution,
    vars: host.vars,
    env: host.env,
    now: host.now,
    timezone: host.timezone,
  };
}
