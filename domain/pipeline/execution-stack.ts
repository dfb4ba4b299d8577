/**
 * n8n's v1 execution stack: the nodes ready to run (taken from the front,
 * newly ready ones put at the front, so one branch finishes before the next),
 * and the multi-input nodes waiting for their other inputs, per waiting index.
 * When the stack runs dry, the empty-stack rule picks a waiting node to run
 * with its missing inputs empty.
 */
import { mayRun } from './destination';
import { parentNodes, type Graph } from './graph';
import { nodeTypeOf } from './registry';
import type { EngineState, Item, StackEntry, TaskSource, WaitingEntry } from './types';

export class ExecutionStack {
  readonly stack: StackEntry[];
  readonly waiting: Record<string, Record<string, WaitingEntry>>;
  private readonly destinationNode: string | undefined;
  private readonly runNodeFilter: EngineState['runNodeFilter'];

  constructor(
    private readonly graph: Graph,
    state: Pick<EngineState, 'stack' | 'waiting' | 'destinationNode' | 'runNodeFilter'>,
  ) {
    this.stack = [...state.stack];
    this.waiting = { ...state.waiting };
    this.destinationNode = state.destinationNode;
    this.runNodeFilter = state.runNodeFilter;
  }

  /** The next node to run, or undefined when nothing is left to run. */
  next(): StackEntry | undefined {
    if (this.stack.length === 0) this.runWaitingNode();
    return this.stack.shift();
  }

  /** A node that failed the run goes back on top, as n8n leaves it. */
  putBack(entry: StackEntry): void {
    this.stack.unshift(entry);
  }

  /** Children of the outputs that carry items, lowest on the canvas added first so the topmost runs first. */
  schedule(name: string, main: (Item[] | null)[], runIndex: number) {
    const outputs = this.graph.bySource.get(name);
    // A run up to a node ends its branch there, and never leaves the destination's ancestors.
    if (!outputs || name === this.destinationNode) return;
    const toAdd: { position: readonly [number, number]; target: string; input: number; output: number }[] = [];
    outputs.forEach((targets, output) => {
      const items = main[output];
      if (!items || items.length === 0) return;
      for (const t of targets) {
        const child = this.graph.nodes.get(t.node);
        if (!child || !mayRun(this.runNodeFilter, t.node)) continue;
        toAdd.push({ position: child.position ?? [0, 0], target: t.node, input: t.index, output });
      }
    });
    toAdd.sort((a, b) => {
      if (a.position[1] < b.position[1]) return 1;
      if (a.position[1] > b.position[1]) return -1;
      if (a.position[0] > b.position[0]) return -1;
      return 0;
    });
    for (const add of toAdd) this.addNodeToBeExecuted(add.target, add.input, name, add.output, main[add.output]!, runIndex);
  }

  private addNodeToBeExecuted(target: string, inputIndex: number, parent: string, output: number, items: Item[], runIndex: number) {
    const source: TaskSource = { previousNode: parent, previousNodeOutput: output, previousNodeRun: runIndex };
    const slots = this.graph.byDestination.get(target)?.length ?? 0;
    if (slots <= 1) {
      const input: (Item[] | null)[] = [];
      for (let i = inputIndex; i >= 0; i--) input[i] = null;
      input[inputIndex] = items;
      this.stack.unshift({ node: target, input, source: [source] });
      return;
    }
    const entries = { ...(this.waiting[target] ?? {}) };
    let index: string | undefined = Object.keys(entries).find((k) => !entries[k]!.main[inputIndex]);
    if (index === undefined) {
      index = String(Object.keys(entries).length);
      entries[index] = { main: new Array(slots).fill(null), source: new Array(slots).fill(null) };
    }
    const entry = entries[index]!;
    const main = [...entry.main];
    const sources = [...entry.source];
    main[inputIndex] = items;
    sources[inputIndex] = source;
    if (main.every((m) => m !== null)) {
      this.stack.unshift({ node: target, input: main, source: sources });
      delete entries[index];
    } else {
      entries[index] = { main, source: sources };
    }
    if (Object.keys(entries).length === 0) delete this.waiting[target];
    else this.waiting[target] = entries;
  }

  /** The empty-stack rule: run one waiting node whose required inputs are met and whose parents are not waiting. */
  private runWaitingNode() {
    let names = Object.keys(this.waiting);
    for (let i = 0; i < names.length; i++) {
      const name = names[i]!;
      const node = this.graph.nodes.get(name);
      if (!node) continue;
      const type = nodeTypeOf(node)!;
      const inputCount = type.inputs(node);
      const required = type.requiredInputs?.(node);
      if (required !== undefined && ((Array.isArray(required) && required.length === inputCount) || required === inputCount)) continue;
      const parents = parentNodes(this.graph, name);
      if (names.some((n) => parents.has(n))) continue;
      const entries = this.waiting[name]!;
      const first = Object.keys(entries).sort()[0]!;
      const entry = entries[first]!;
      const withData = entry.main.flatMap((m, k) => (m === null ? [] : [k]));
      if (required !== undefined) {
        if (Array.isArray(required) ? required.some((r) => !withData.includes(r)) : withData.length < required) continue;
      }
      const main = entry.main.map((m) => m ?? []);
      const runnable = main.some((m) => m.length > 0);
      if (runnable) {
        while (main.length < inputCount) main.push([]);
        this.stack.push({ node: name, input: main, source: entry.source });
      }
      const rest = { ...entries };
      delete rest[first];
      if (Object.keys(rest).length === 0) delete this.waiting[name];
      else this.waiting[name] = rest;
      if (runnable) break;
      names = Object.keys(this.waiting);
      i = -1;
    }
  }
}
