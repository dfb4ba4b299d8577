/**
 * A small hand-built DataAccess for the sandbox tests: the view of one node
 * and one item that the engine core gives the sandbox, over fixed run data.
 */
import type { DataAccess, Item, JsonObject } from '../../../domain/pipeline/types';

export interface FakeRun {
  /** Output lists of that run (index = output/branch). */
  readonly outputs: Item[][];
}

export interface DataAccessInput {
  readonly input?: (JsonObject | Item)[];
  readonly itemIndex?: number;
  readonly runIndex?: number;
  /** Node name → its runs, in order. */
  readonly runs?: Record<string, FakeRun[]>;
  /** Node name → item per input index (what $('X').item resolves to). */
  readonly paired?: Record<string, Item[]>;
  readonly env?: Record<string, string>;
  readonly vars?: Record<string, string>;
  readonly now?: number;
  readonly timezone?: string;
  readonly parameters?: Record<string, unknown>;
  readonly prevNode?: DataAccess['prevNode'];
}

const toItem = (v: JsonObject | Item): Item =>
  v !== null && typeof v === 'object' && 'json' in v && typeof v.json === 'object' ? (v as Item) : { json: v as JsonObject };

export function dataAccess(input: DataAccessInput = {}): DataAccess {
  const items = (input.input ?? [{}]).map(toItem);
  const runs = input.runs ?? {};
  return {
    node: { name: 'Current', type: 'n8n-nodes-base.set', typeVersion: 3.4, parameters: input.parameters ?? { mode: 'manual' } },
    inputItems: () => items,
    itemIndex: input.itemIndex ?? 0,
    runIndex: input.runIndex ?? 0,
    nodeItems(name, outputIndex = 0, runIndex) {
      const nodeRuns = runs[name];
      if (!nodeRuns || nodeRuns.length === 0) {
        throw new Error(`Node '${name}' hasn't been executed`);
      }
      const run = nodeRuns[runIndex ?? nodeRuns.length - 1];
      if (!run) throw new Error(`Run ${runIndex} of node '${name}' not found`);
      return run.outputs[outputIndex] ?? [];
    },
    pairedItem(name, itemIndex) {
      const list = input.paired?.[name];
      if (!list) throw new Error(`Paired item data for item from node '${name}' is unavailable`);
      const item = list[itemIndex ?? input.itemIndex ?? 0];
      if (!item) throw new Error(`Can't get data for expression under '${name}' field`);
      return item;
    },
    isExecuted: (name) => (runs[name]?.length ?? 0) > 0,
    nodeParameters: (name) => (name === 'Current' ? (input.parameters ?? { mode: 'manual' }) : { fromNode: name }),
    lastRunIndex: (name) => (name === 'Current' ? (input.runIndex ?? 0) : runs[name] && runs[name].length > 0 ? runs[name].length - 1 : undefined),
    prevNode: input.prevNode ?? { name: 'Previous', outputIndex: 0, runIndex: 0 },
    workflow: { id: 'wf-1', name: 'Sandbox test', active: false },
    execution: { id: 'ex-42', mode: 'manual', resumeUrl: 'http://localhost:5678/webhook-waiting/ex-42' },
    vars: input.vars ?? { region: 'eu' },
    env: input.env,
    now: input.now ?? Date.UTC(2024, 2, 15, 10, 30, 0),
    timezone: input.timezone ?? 'UTC',
  };
}
