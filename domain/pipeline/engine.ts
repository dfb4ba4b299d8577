/**
 * The v1 scheduler (n8n's WorkflowExecute with executionOrder "v1"), as a
 * resumable state machine: advance() runs node after node from the execution
 * stack (depth first: ready nodes go to the front, children ordered by canvas
 * position), collects multi-input nodes' data per waiting index, applies the
 * empty-stack rule, and stops at the first node that needs the durable run (an
 * activity, a Wait, a sub-workflow) or at the end. The state it returns is
 * plain JSON; items are never mutated in place, so states can share them.
 */
import { createDataAccess, type ExecutionView } from './data-access';
import { ExpressionError, NodeOperationError, WorkflowValidationError, toErrorInfo } from './errors';
import { destinationFilter, mayRun } from './destination';
import { graphOf, parentNodes, type Graph } from './graph';
import type { NodeExecution, NodeOutput, NodeType, PendingStep } from './node-type';
import { nodeTypeOf } from './registry';
import { clampTries } from './retry';
import { readsRunData } from './run-data-reads';
import type {
  BlockedNode,
  DataAccess,
  EngineHost,
  EngineState,
  Item,
  JsonObject,
  N8nNode,
  N8nWorkflow,
  NodeErrorInfo,
  NodeRun,
  PairedItem,
  ResumeResult,
  RunData,
  StackEntry,
  Step,
  TaskSource,
  WaitingEntry,
} from './types';
import { validateWorkflow } from './validate';

export interface CreateExecutionOptions {
  /** The node to start from; by default the workflow's first enabled trigger. */
  readonly startNode?: string;
  /** Items the start node emits; by default one empty item. */
  readonly input?: Item[];
  readonly executionId: string;
  readonly mode: EngineState['mode'];
  /** Run only up to this node: it and the nodes it depends on (n8n's destinationNode). */
  readonly destinationNode?: string;
}

/** Start a run of `doc`; throws WorkflowValidationError naming every problem when it cannot run. */
export function createExecution(doc: N8nWorkflow, opts: CreateExecutionOptions): EngineState {
  const problems = validateWorkflow(doc);
  if (problems.length > 0) throw new WorkflowValidationError(problems);
  const start = opts.startNode ?? findStartNode(doc, opts.mode);
  if (start === undefined) throw new WorkflowValidationError([{ message: 'The workflow has no enabled trigger node to start from' }]);
  if (!graphOf(doc).nodes.has(start)) throw new WorkflowValidationError([{ node: start, message: `Start node "${start}" is not in the workflow` }]);
  const destination = opts.destinationNode;
  if (destination !== undefined && !graphOf(doc).nodes.has(destination)) throw new WorkflowValidationError([{ node: destination, message: `Destination node "${destination}" is not in the workflow` }]);
  return {
    version: 1,
    executionId: opts.executionId,
    mode: opts.mode,
    workflow: doc,
    status: 'running',
    stack: [{ node: start, input: [opts.input ?? [{ json: {} }]], source: null }],
    waiting: {},
    runData: {},
    order: [],
    lastExecutionTry: '',
    nodeContext: {},
    ...(destination !== undefined ? { destinationNode: destination, runNodeFilter: destinationFilter(doc, destination) } : {}),
  };
}

/**
 * The node a run starts from when none is named: for a sub-workflow run (mode
 * "integrated") its Execute Workflow Trigger, otherwise the Manual Trigger, else
 * the first enabled trigger in document order.
 */
export function findStartNode(doc: N8nWorkflow, mode?: EngineState['mode']): string | undefined {
  const triggers = doc.nodes.filter((n) => !n.disabled && nodeTypeOf(n)?.kind === 'trigger');
  const preferred = mode === 'integrated' ? 'n8n-nodes-base.executeWorkflowTrigger' : 'n8n-nodes-base.manualTrigger';
  return (triggers.find((n) => n.type === preferred) ?? triggers[0])?.name;
}

/** Run until the durable run must act (activity, wait, child) or the run ends. */
export function advance(state: EngineState, resume: ResumeResult | undefined, host: EngineHost): { state: EngineState; step: Step } {
  const run = new Run(state, host);
  const step = run.go(resume);
  return { state: run.snapshot(), step };
}

const ENDLESS_LOOP = 'Stopped execution because it seems to be in an endless loop';

class Run {
  private readonly doc: N8nWorkflow;
  private readonly graph: Graph;
  private readonly stack: StackEntry[];
  private readonly waiting: Record<string, Record<string, WaitingEntry>>;
  private readonly runData: Record<string, NodeRun[]>;
  private readonly order: string[];
  private readonly nodeContext: Record<string, JsonObject>;
  private status: EngineState['status'];
  private lastNodeExecuted: string | undefined;
  private lastExecutionTry: string;
  private blocked: BlockedNode | undefined;
  private error: NodeErrorInfo | undefined;
  private webhookResponse: JsonObject | undefined;
  /** Whether recorded runs keep their items in the state (see EngineHost.recordRun). */
  private readonly keepItems: boolean;

  constructor(
    private readonly state: EngineState,
    private readonly host: EngineHost,
  ) {
    this.doc = state.workflow;
    this.graph = graphOf(state.workflow);
    this.stack = [...state.stack];
    this.waiting = { ...state.waiting };
    this.keepItems = host.recordRun === undefined || readsRunData(state.workflow);
    this.runData = {};
    for (const [name, runs] of Object.entries(state.runData)) this.runData[name] = this.keepItems ? [...runs] : runs.map(withoutItems);
    this.order = [...state.order];
    this.nodeContext = { ...state.nodeContext };
    this.status = state.status;
    this.lastNodeExecuted = state.lastNodeExecuted;
    this.lastExecutionTry = state.lastExecutionTry;
    this.blocked = state.blocked;
    this.error = state.error;
    this.webhookResponse = state.webhookResponse;
  }

  snapshot(): EngineState {
    return {
      version: 1,
      executionId: this.state.executionId,
      mode: this.state.mode,
      workflow: this.doc,
      status: this.status,
      stack: this.stack,
      waiting: this.waiting,
      runData: this.runData,
      order: this.order,
      lastExecutionTry: this.lastExecutionTry,
      nodeContext: this.nodeContext,
      ...(this.lastNodeExecuted !== undefined ? { lastNodeExecuted: this.lastNodeExecuted } : {}),
      ...(this.blocked !== undefined ? { blocked: this.blocked } : {}),
      ...(this.error !== undefined ? { error: this.error } : {}),
      ...(this.webhookResponse !== undefined ? { webhookResponse: this.webhookResponse } : {}),
      ...(this.state.destinationNode !== undefined ? { destinationNode: this.state.destinationNode } : {}),
      ...(this.state.runNodeFilter !== undefined ? { runNodeFilter: this.state.runNodeFilter } : {}),
    };
  }

  private now(): number {
    return this.host.clock?.() ?? this.host.now;
  }

  go(resume: ResumeResult | undefined): Step {
    if (this.status === 'success') return { kind: 'done' };
    if (this.status === 'error') return { kind: 'error', error: this.error! };
    if (this.blocked) {
      const blocked = this.blocked;
      if (!resume || resume.node !== blocked.node) {
        throw new Error(`advance: the run waits for the result of node "${blocked.node}", got ${resume ? `one for "${resume.node}"` : 'none'}`);
      }
      const node = this.graph.nodes.get(blocked.node)!;
      const type = nodeTypeOf(node)!;
      const ex = this.execution(node, blocked.entry, blocked.runIndex);
      let outcome: { output?: NodeOutput; error?: unknown };
      try {
        const result = type.finish!(ex, blocked.pending, resume);
        if (isPending(result)) return this.block(node, blocked.entry, blocked.runIndex, blocked.startTime, result);
        outcome = { output: result };
      } catch (error) {
        outcome = { error };
      }
      this.blocked = undefined;
      this.status = 'running';
      const stop = this.complete(node, type, blocked.entry, blocked.runIndex, blocked.startTime, outcome, ex);
      if (stop) return stop;
    } else if (resume) {
      throw new Error(`advance: nothing waits for a result, got one for "${resume.node}"`);
    }
    return this.loop();
  }

  private loop(): Step {
    for (;;) {
      if (this.stack.length === 0) this.runWaitingNode();
      const entry = this.stack.shift();
      if (!entry) {
        this.status = 'success';
        return { kind: 'done' };
      }
      const node = this.graph.nodes.get(entry.node)!;
      const type = nodeTypeOf(node)!;
      const runIndex = this.runData[node.name]?.length ?? 0;
      const attempt = `${node.name}:${runIndex}`;
      if (attempt === this.lastExecutionTry) {
        return this.fail({ message: ENDLESS_LOOP, node: node.name, name: 'UserError' });
      }
      this.lastExecutionTry = attempt;

      const full = stamp(entry.input);
      // executeOnce cuts each input to its first item; $input.all() still sees every item.
      const input = node.executeOnce && !node.disabled ? full.map((items) => (items === null ? null : items.slice(0, 1))) : full;
      const stamped: StackEntry = { node: entry.node, input, source: entry.source };
      const startTime = this.now();
      const ex = this.execution(node, stamped, runIndex, mainInput(full));

      let outcome: { output?: NodeOutput; error?: unknown };
      if (node.disabled) {
        outcome = { output: input[0] ? [input[0]] : null };
      } else if (type.kind === 'pure' || type.kind === 'trigger') {
        outcome = this.runPure(node, type, ex);
      } else {
        try {
          return this.block(node, stamped, runIndex, startTime, type.start!(ex));
        } catch (error) {
          outcome = { error };
        }
      }
      const stop = this.complete(node, type, stamped, runIndex, startTime, outcome, ex);
      if (stop) return stop;
    }
  }

  /** Pure nodes retry in-process (retryOnFail), without waiting between tries: their result cannot change with time. */
  private runPure(node: N8nNode, type: NodeType, ex: NodeExecution): { output?: NodeOutput; error?: unknown } {
    const tries = node.retryOnFail ? clampTries(node.maxTries) : 1;
    let outcome: { output?: NodeOutput; error?: unknown } = {};
    for (let attempt = 0; attempt < tries; attempt++) {
      try {
        outcome = { output: type.execute!(ex) };
        const first = outcome.output?.[0]?.[0]?.json?.error;
        if (first === undefined || first === null || first === false) break;
      } catch (error) {
        outcome = { error };
      }
    }
    return outcome;
  }

  private block(node: N8nNode, entry: StackEntry, runIndex: number, startTime: number, pending: PendingStep): Step {
    this.blocked = { node: node.name, entry, runIndex, startTime, pending: pending.pending };
    this.status = pending.step.kind === 'wait' || pending.step.kind === 'webhookWait' ? 'waiting' : 'running';
    return pending.step;
  }

  private fail(error: NodeErrorInfo): Step {
    this.status = 'error';
    this.error = error;
    return { kind: 'error', error };
  }

  private continuesOnError(node: N8nNode): boolean {
    return node.continueOnFail === true || node.onError === 'continueRegularOutput' || node.onError === 'continueErrorOutput';
  }

  /** After a node ran (or failed): n8n's post-processing, run data, and the children it schedules. */
  private complete(
    node: N8nNode,
    type: NodeType,
    entry: StackEntry,
    runIndex: number,
    startTime: number,
    outcome: { output?: NodeOutput; error?: unknown },
    ex: NodeExecution,
  ): Step | undefined {
    const input = entry.input;
    let data: NodeOutput | undefined = outcome.output;
    let errorInfo: NodeErrorInfo | undefined;
    if (outcome.error !== undefined) {
      errorInfo = toErrorInfo(outcome.error, node.name);
      this.lastNodeExecuted = node.name;
      if (!this.continuesOnError(node)) {
        this.record(node.name, {
          startTime,
          executionTime: this.now() - startTime,
          executionStatus: 'error',
          source: entry.source ?? [],
          error: errorInfo,
          ...(ex.console.length ? { console: ex.console } : {}),
        });
        this.stack.unshift(entry);
        return this.fail(errorInfo);
      }
      data = input[0] ? [input[0]] : [[]];
    } else {
      if (data && node.onError === 'continueErrorOutput' && !node.disabled) {
        data = routeErrorItems(data, input, type.outputs(node) + 1);
      }
      data = assignPairedItems(data ?? null, input);
      if (data) this.lastNodeExecuted = node.name;
      if (!data?.[0]?.[0] && node.alwaysOutputData === true) {
        const pairedItem: PairedItem[] = [];
        input.forEach((items, k) => items?.forEach((_, i) => pairedItem.push({ item: i, input: k })));
        data = data ? [...data] : [];
        data[0] = [{ json: {}, pairedItem }];
      }
      if (data === null) return undefined;
    }
    const main = normalizeErrors(data);
    this.record(node.name, {
      startTime,
      executionTime: this.now() - startTime,
      executionStatus: errorInfo ? 'error' : 'success',
      source: entry.source ?? [],
      data: { main },
      ...(errorInfo ? { error: errorInfo } : {}),
      ...(ex.console.length ? { console: ex.console } : {}),
    });
    this.nodeContext[node.name] = ex.context;
    this.schedule(node.name, main, runIndex);
    return undefined;
  }

  private record(name: string, run: NodeRun) {
    const runs = this.runData[name] ?? (this.runData[name] = []);
    if (runs.length === 0 && !this.order.includes(name)) this.order.push(name);
    this.host.recordRun?.({ node: name, runIndex: runs.length, firstOrder: this.order.indexOf(name), run });
    // Nothing reads this output but the nodes it feeds (they have it on the stack): the state need not hold it.
    runs.push(this.keepItems ? run : withoutItems(run));
  }

  /** Children of the outputs that carry items, lowest on the canvas added first so the topmost runs first. */
  private schedule(name: string, main: (Item[] | null)[], runIndex: number) {
    const outputs = this.graph.bySource.get(name);
    // A run up to a node ends its branch there, and never leaves the destination's ancestors.
    if (!outputs || name === this.state.destinationNode) return;
    const toAdd: { position: readonly [number, number]; target: string; input: number; output: number }[] = [];
    outputs.forEach((targets, output) => {
      const items = main[output];
      if (!items || items.length === 0) return;
      for (const t of targets) {
        const child = this.graph.nodes.get(t.node);
        if (!child || !mayRun(this.state.runNodeFilter, t.node)) continue;
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

  private execution(node: N8nNode, entry: StackEntry, runIndex: number, allItems?: Item[]): NodeExecution {
    const inputs = entry.input.map((m) => m ?? []);
    const items = mainInput(entry.input);
    const view: ExecutionView = { doc: this.doc, runData: this.runData, node, runIndex, items: allItems ?? items, source: entry.source, host: this.host };
    const parameters = node.parameters ?? {};
    const literal = !hasExpression(parameters);
    const perItem = new ItemCaches();
    const dataAccess = (i: number) => {
      const c = perItem.of(i);
      return (c.access ??= createDataAccess(view, i));
    };
    const consoleLines: string[] = [];
    const sandbox = this.host.sandbox;
    const respond = (response: JsonObject) => {
      if (this.webhookResponse === undefined) this.webhookResponse = response;
    };
    const ex: NodeExecution = {
      node,
      parameters,
      inputs,
      items,
      source: (entry.source ?? []).map((s) => s ?? null),
      runIndex,
      host: this.host,
      context: { ...(this.nodeContext[node.name] ?? {}) },
      continueOnFail: this.continuesOnError(node),
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
      respond,
      subNodes: (connectionType) => subNodesOf(this.doc, node.name, connectionType),
    };
    return ex;
  }
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

/** A node's main data: its first non-empty input. */
function mainInput(input: (Item[] | null)[]): Item[] {
  return input.find((m): m is Item[] => m !== null && m.length > 0) ?? input[0] ?? [];
}

/** A run as the state keeps it when no user code can read its items: everything but `data`. */
function withoutItems(run: NodeRun): NodeRun {
  if (run.data === undefined) return run;
  const { data: _data, ...rest } = run;
  return rest;
}

function isPending(x: NodeOutput | PendingStep): x is PendingStep {
  return x !== null && !Array.isArray(x);
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

/** Before a node runs: each input item gets pairedItem { item, input } (input omitted for 0), as copies. */
function stamp(input: (Item[] | null)[]): (Item[] | null)[] {
  return input.map((items, k) =>
    items === null
      ? null
      : items.map((item, i) => ({ ...item, pairedItem: k === 0 ? { item: i } : { item: i, input: k } })),
  );
}

/** After a node ran: fill in missing pairedItems where n8n can tell the origin. */
function assignPairedItems(data: NodeOutput, input: (Item[] | null)[]): NodeOutput {
  if (!data || data.length === 0) return data;
  const single = input.length === 1 && input[0]?.length === 1;
  const sameCount = data.length === 1 && input.length === 1 && input[0]?.length === data[0]?.length;
  const manyToOne = data.length === 1 && data[0]?.length === 1 && input.length === 1 && (input[0]?.length ?? 0) > 1;
  let stop = false;
  return data.map((items) => {
    if (stop || items === null) return items;
    const out: Item[] = [];
    for (let i = 0; i < items.length; i++) {
      const item = items[i]!;
      if (stop || item.pairedItem !== undefined) {
        out.push(item);
        continue;
      }
      if (single || manyToOne) out.push({ ...item, pairedItem: { item: 0 } });
      else if (sameCount) out.push({ ...item, pairedItem: { item: i } });
      else {
        stop = true;
        out.push(item);
      }
    }
    return out;
  });
}

/** continueErrorOutput: items that carry an error move to the last output, with the fields of the input item they came from. */
function routeErrorItems(data: Item[][], input: (Item[] | null)[], outputs: number): Item[][] {
  const result: Item[][] = [];
  const errorItems: Item[] = [];
  for (let o = 0; o < outputs - 1; o++) {
    const success: Item[] = [];
    for (const item of data[o] ?? []) {
      const json = item.json ?? {};
      const isError =
        item.error !== undefined ||
        (Boolean(json.error) && Object.keys(json).every((k) => k === 'error' || k === 'message' || k === 'details'));
      if (!isError) {
        success.push(item);
        continue;
      }
      const p = Array.isArray(item.pairedItem) ? item.pairedItem[0] : item.pairedItem;
      const paired = p === undefined ? undefined : typeof p === 'number' ? { item: p } : p;
      const origin = paired ? input[paired.input ?? 0]?.[paired.item] : undefined;
      errorItems.push(origin ? { ...item, json: { ...origin.json, ...json } } : item);
    }
    result.push(success);
  }
  result.push(errorItems);
  return result;
}

/** Items with an `error` report it as json { error: message }, as n8n's normalizeNodeErrors. */
function normalizeErrors(data: Item[][]): Item[][] {
  if (!data.some((items) => items?.some((i) => i.error !== undefined))) return data;
  return data.map((items) =>
    items?.map((i) => (i.error !== undefined ? { ...i, json: { error: String(i.error.message ?? i.error) } } : i)),
  );
}

export { NodeOperationError };
export type { RunData };
