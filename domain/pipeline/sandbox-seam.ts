/**
 * The seam between the engine core (this folder, pure) and the sandbox that
 * evaluates user code (activities/pipeline/sandbox).
 */
import type { Item } from './run-data';

/**
 * What user code may see of the running execution, implemented by the engine
 * core for one node and one item. The sandbox reaches it only through
 * JSON-returning host functions: no object of the host crosses over.
 */
export interface DataAccess {
  /** The node whose parameters or code are evaluated. */
  readonly node: { name: string; type: string; typeVersion: number; parameters: Record<string, unknown> };
  /** The node's main input (its first non-empty input), i.e. $input.all(). */
  inputItems(): Item[];
  readonly itemIndex: number;
  readonly runIndex: number;
  /** Items a node output in one of its runs ($('X').all(branch, run), $node["X"]); throws a NodeAccessError-like message if it never ran. */
  nodeItems(nodeName: string, outputIndex?: number, runIndex?: number): Item[];
  /** $('X').item / .itemMatching(i): walks paired-item lineage from the current input item back to node X; throws n8n's paired-item errors. */
  pairedItem(nodeName: string, itemIndex?: number): Item;
  isExecuted(nodeName: string): boolean;
  /** A node's parameters as written ($('X').params, $node["X"].parameter); throws if there is no such node. */
  nodeParameters(nodeName: string): Record<string, unknown>;
  /** The index of a node's last run ($node["X"].runIndex), or undefined when it has not run. */
  lastRunIndex(nodeName: string): number | undefined;
  readonly prevNode: { name: string; outputIndex: number; runIndex: number } | undefined;
  readonly workflow: { id: string; name: string; active: boolean };
  readonly execution: { id: string; mode: 'manual' | 'trigger' | 'webhook' | 'integrated' | 'cli'; resumeUrl: string };
  readonly vars: Record<string, string>;
  /** undefined: $env is blocked (n8n's default); expressions reading it get n8n's "access to env vars denied" error. */
  readonly env: Record<string, string> | undefined;
  /** Workflow time (epoch ms) for $now and $today. */
  readonly now: number;
  readonly timezone: string;
}

export interface CodeResult {
  readonly items: Item[];
  readonly console: string[];
}

export interface Sandbox {
  /** Resolve a node's parameters for one item: every string starting with '=' is an expression; others are returned as they are. */
  resolveParameters(parameters: unknown, data: DataAccess): unknown;
  /** One expression (with its leading '='). */
  evaluate(expression: string, data: DataAccess): unknown;
  /** The Code node (JavaScript). Throws an Error whose message follows n8n's form ("<message> [line N]" / "[line N, for item i]"). */
  /** With continueOnFail once per item, a failed item comes back as `{ json: { error } }` and the others run. */
  runCode(code: string, mode: 'runOnceForAllItems' | 'runOnceForEachItem', data: DataAccess, options?: { continueOnFail?: boolean }): CodeResult;
  dispose(): void;
}
