/**
 * The state of an execution between two advance() calls, as plain JSON.
 */
import type { JsonObject, JsonValue, N8nWorkflow } from './n8n-document';
import type { Item, NodeErrorInfo, RunData, TaskSource } from './run-data';
import type { DataAccess } from './sandbox-seam';

/** A node ready to run: its input slots (null: nothing arrived) and where each came from. */
export interface StackEntry {
  readonly node: string;
  readonly input: (Item[] | null)[];
  readonly source: (TaskSource | null)[] | null;
}

/** A multi-input node (Merge) collecting its inputs, keyed by its waiting index. */
export interface WaitingEntry {
  readonly main: (Item[] | null)[];
  readonly source: (TaskSource | null)[];
}

/** The node the engine stopped at, waiting for the durable run's ResumeResult. */
export interface BlockedNode {
  readonly node: string;
  readonly entry: StackEntry;
  readonly runIndex: number;
  readonly startTime: number;
  /** What the node needs to finish when the result comes (node-specific JSON). */
  readonly pending: JsonValue;
}

/**
 * Everything an execution needs to go on, as plain JSON: advance() takes one and
 * returns the next. The durable run stores it between steps and never looks inside
 * except for status, lastNodeExecuted, order, runData and error.
 */
export interface EngineState {
  readonly version: 1;
  readonly executionId: string;
  readonly mode: DataAccess['execution']['mode'];
  readonly workflow: N8nWorkflow;
  readonly status: 'running' | 'waiting' | 'success' | 'error';
  readonly stack: StackEntry[];
  readonly waiting: Record<string, Record<string, WaitingEntry>>;
  readonly runData: RunData;
  /** Node names in the order they first ran. */
  readonly order: string[];
  readonly lastNodeExecuted?: string;
  /** `${node}:${runIndex}` of the last node taken from the stack (endless-loop guard). */
  readonly lastExecutionTry: string;
  readonly blocked?: BlockedNode;
  /** Per-node context that survives between runs (Loop Over Items' batches). */
  readonly nodeContext: Record<string, JsonObject>;
  readonly error?: NodeErrorInfo;
  /** What a Respond to Webhook node answered (the first one wins, as in n8n). */
  readonly webhookResponse?: JsonObject;
  /** A run up to a node (n8n's startData.destinationNode): it schedules no children… */
  readonly destinationNode?: string;
  /** …and only these nodes (it and its ancestors, n8n's runNodeFilter) are ever scheduled. */
  readonly runNodeFilter?: string[];
}
