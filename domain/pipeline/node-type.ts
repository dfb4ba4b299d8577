/**
 * What a node type is to the engine: its versions, its kind (pure, trigger,
 * side-effect activity, wait, sub-workflow), how many inputs and outputs a
 * node of it has, the parameters it understands, and its implementation. Pure
 * nodes compute their output from a NodeExecution; the others describe the
 * Step the durable run must take and finish when its result comes back.
 */
import type { DataAccess, EngineHost, Item, JsonObject, JsonValue, N8nNode, ResumeResult, Step, TaskSource } from './types';

/** subNode: an AI sub-node (a chat model) that never runs itself; its root node reads its parameters. */
export type NodeKind = 'trigger' | 'pure' | 'activity' | 'wait' | 'subWorkflow' | 'subNode';

/** One node run as its implementation sees it. */
export interface NodeExecution {
  readonly node: N8nNode;
  /** The node's parameters as written (expressions unresolved). */
  readonly parameters: Record<string, unknown>;
  /** Input slots, each stamped with pairedItem { item, input } (a slot that got nothing is []). */
  readonly inputs: Item[][];
  /** The node's main data: its first non-empty input ($input.all()). */
  readonly items: Item[];
  /** Where each input slot came from (empty for the start node). */
  readonly source: (TaskSource | null)[];
  readonly runIndex: number;
  readonly host: EngineHost;
  /** Node context that survives between runs of this node (Loop Over Items). */
  context: JsonObject;
  /** onError is continueRegularOutput / continueErrorOutput, or legacy continueOnFail. */
  readonly continueOnFail: boolean;
  dataAccess(itemIndex: number): DataAccess;
  /** The node's parameters resolved for one item (expressions evaluated by the sandbox). */
  resolve(itemIndex: number): Record<string, unknown>;
  /** One parameter resolved for one item (by dotted path), or the fallback when absent. */
  param<T = unknown>(path: string, itemIndex: number, fallback: T): T;
  /** Console lines a Code node printed. */
  readonly console: string[];
  /** Respond to Webhook: what the trigger answers (the first response wins). */
  respond(response: JsonObject): void;
  /** The enabled sub-nodes connected to this node through an AI connection type (e.g. ai_languageModel). */
  subNodes(connectionType: string): N8nNode[];
}

/** Output of a node: one list of items per output, or null (the branch ends). */
export type NodeOutput = Item[][] | null;

/** What an activity, wait or sub-workflow node asks the durable run for. */
export interface PendingStep {
  readonly step: Step;
  /** What finish() needs back (kept in the engine state while the step runs). */
  readonly pending: JsonValue;
}

export interface NodeType {
  readonly type: string;
  readonly versions: readonly number[];
  readonly kind: NodeKind;
  /** Number of main inputs of this node (Merge: numberInputs). */
  inputs(node: N8nNode): number;
  /** Number of main outputs, not counting the error output of continueErrorOutput. */
  outputs(node: N8nNode): number;
  /** Waiting-node rule when the stack runs empty (n8n's requiredInputs); undefined: any input with data. */
  requiredInputs?(node: N8nNode): number | number[];
  /** AI connection types (ai_languageModel…) this root node takes sub-nodes through. */
  readonly subInputs?: readonly string[];
  /** Top-level parameter names this type understands; anything else is refused. */
  readonly parameters: readonly string[];
  /** Further problems with a node's parameters, found before the run. */
  check?(node: N8nNode): string[];
  execute?(ex: NodeExecution): NodeOutput;
  start?(ex: NodeExecution): PendingStep;
  /** Given the durable run's result: the node's output, or another step to take first. */
  finish?(ex: NodeExecution, pending: JsonValue, resume: ResumeResult): NodeOutput | PendingStep;
}
