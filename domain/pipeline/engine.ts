/**
 * The v1 scheduler (n8n's WorkflowExecute with executionOrder "v1"), as a
 * resumable state machine: advance() runs node after node from the execution
 * stack (execution-stack.ts: depth first, children ordered by canvas
 * position, multi-input nodes waiting per index, the empty-stack rule), applies
 * n8n's post-processing to each node's items (paired-items.ts), records run
 * data, and stops at the first node that needs the durable run (an activity, a
 * Wait, a sub-workflow) or at the end. What a node sees while it runs is built
 * in node-execution.ts. The state it returns is plain JSON; items are never
 * mutated in place, so states can share them.
 */
import { NodeOperationError, WorkflowValidationError, toErrorInfo } from './errors';
import { destinationFilter } from './destination';
import { ExecutionStack } from './execution-stack';
import { graphOf, type Graph } from './graph';
import { continuesOnError, nodeExecution, type RunView } from './node-execution';
import type { NodeExecution, NodeOutput, NodeType, PendingStep } from './node-type';
import { assignPairedItems, mainInput, normalizeErrors, routeErrorItems, stamp } from './paired-items';
import { nodeTypeOf } from './registry';
import { clampTries } from './retry';
import { readsRunData } from './run-data-reads';
import type {
  BlockedNode,
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

class Run implements RunView {
  readonly doc: N8nWorkflow;
  private readonly graph: Graph;
  private readonly stack: ExecutionStack;
  readonly runData: Record<string, NodeRun[]>;
  private readonly order: string[];
  readonly nodeContext: Record<string, JsonObject>;
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
    readonly host: EngineHost,
  ) {
    this.doc = state.workflow;
    this.graph = graphOf(state.workflow);
    this.stack = new ExecutionStack(this.graph, state);
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
      stack: this.stack.stack,
      waiting: this.stack.waiting,
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
      const ex = nodeExecution(this, node, blocked.entry, blocked.runIndex);
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
      const entry = this.stack.next();
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
      const ex = nodeExecution(this, node, stamped, runIndex, mainInput(full));

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

  /** Respond to Webhook: the first response given is the one the webhook answers. */
  readonly respond = (response: JsonObject): void => {
    if (this.webhookResponse === undefined) this.webhookResponse = response;
  };

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
      if (!continuesOnError(node)) {
        this.record(node.name, {
          startTime,
          executionTime: this.now() - startTime,
          executionStatus: 'error',
          source: entry.source ?? [],
          error: errorInfo,
          ...(ex.console.length ? { console: ex.console } : {}),
        });
        this.stack.putBack(entry);
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
    this.stack.schedule(node.name, main, runIndex);
    return undefined;
  }

  private record(name: string, run: NodeRun) {
    const runs = this.runData[name] ?? (this.runData[name] = []);
    if (runs.length === 0 && !this.order.includes(name)) this.order.push(name);
    this.host.recordRun?.({ node: name, runIndex: runs.length, firstOrder: this.order.indexOf(name), run });
    // Nothing reads this output but the nodes it feeds (they have it on the stack): the state need not hold it.
    runs.push(this.keepItems ? run : withoutItems(run));
  }

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

export { getPath, hasExpression } from './node-execution';
export { NodeOperationError };
export type { RunData };
