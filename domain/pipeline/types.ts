/**
 * The pipeline engine's shared vocabulary: n8n's workflow document, items and
 * run data (format only; see ../shared/N8N-SEMANTICS.md), and the two seams
 * between the engine core (this folder, pure), the sandbox that evaluates user
 * code (activities/pipeline/sandbox) and the durable run (workflows/pipeline).
 * Everything here is plain JSON so it can be stored and travel by reference.
 */

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

// ---------------------------------------------------------------- document

export type OnError = 'stopWorkflow' | 'continueRegularOutput' | 'continueErrorOutput';

export interface N8nNode {
  readonly id?: string;
  readonly name: string;
  readonly type: string;
  readonly typeVersion: number;
  readonly position?: readonly [number, number];
  readonly parameters?: Record<string, unknown>;
  readonly disabled?: boolean;
  readonly executeOnce?: boolean;
  readonly alwaysOutputData?: boolean;
  readonly retryOnFail?: boolean;
  readonly maxTries?: number;
  readonly waitBetweenTries?: number;
  readonly onError?: OnError;
  /** Legacy form of onError: continueRegularOutput. */
  readonly continueOnFail?: boolean;
  readonly notes?: string;
  readonly notesInFlow?: boolean;
  readonly credentials?: Record<string, { id?: string; name?: string }>;
  readonly webhookId?: string;
  readonly [key: string]: unknown;
}

export interface N8nConnection {
  readonly node: string;
  readonly type: string;
  readonly index: number;
}

/** connections[source][type][outputIndex] = targets (null or [] when that output is unconnected). */
export type N8nConnections = Record<string, Record<string, (N8nConnection[] | null)[]>>;

export interface N8nWorkflow {
  readonly id?: string;
  readonly name?: string;
  readonly nodes: readonly N8nNode[];
  readonly connections: N8nConnections;
  readonly settings?: { readonly executionOrder?: 'v0' | 'v1'; readonly timezone?: string; readonly [key: string]: unknown };
  readonly pinData?: Record<string, unknown>;
  readonly meta?: Record<string, unknown>;
  readonly active?: boolean;
  readonly [key: string]: unknown;
}

// ---------------------------------------------------------------- items

export interface PairedItem {
  readonly item: number;
  readonly input?: number;
  /** Set by sub-workflows: the parent's item this one leads back to. */
  readonly sourceOverwrite?: { previousNode: string; previousNodeOutput?: number; previousNodeRun?: number };
}

export interface BinaryData {
  readonly data: string; // base64
  readonly mimeType: string;
  readonly fileName?: string;
  readonly fileExtension?: string;
  readonly fileSize?: string;
  readonly [key: string]: unknown;
}

export interface Item {
  json: JsonObject;
  binary?: Record<string, BinaryData>;
  pairedItem?: PairedItem | PairedItem[] | number;
  error?: JsonObject;
}

// ---------------------------------------------------------------- run data

export interface TaskSource {
  readonly previousNode: string;
  readonly previousNodeOutput?: number;
  readonly previousNodeRun?: number;
}

export interface NodeErrorInfo {
  readonly message: string;
  readonly description?: string;
  readonly node: string;
  /** e.g. NodeOperationError, NodeApiError, ExpressionError, CodeError */
  readonly name?: string;
  readonly httpCode?: string;
  readonly [key: string]: unknown;
}

export type ExecutionStatus = 'success' | 'error' | 'waiting' | 'running' | 'canceled';

export interface NodeRun {
  readonly startTime: number;
  readonly executionTime: number;
  readonly executionStatus: ExecutionStatus;
  readonly source: (TaskSource | null)[];
  readonly data?: { main: (Item[] | null)[] };
  readonly error?: NodeErrorInfo;
  /** What console.log printed in a Code node. */
  readonly console?: string[];
}

export type RunData = Record<string, NodeRun[]>;

// ---------------------------------------------------------------- sandbox seam

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
  runCode(code: string, mode: 'runOnceForAllItems' | 'runOnceForEachItem', data: DataAccess): CodeResult;
  dispose(): void;
}

// ---------------------------------------------------------------- durable seam

export interface EngineHost {
  readonly sandbox: Sandbox;
  /** Workflow time, epoch ms. */
  readonly now: number;
  readonly timezone: string;
  readonly vars: Record<string, string>;
  readonly env?: Record<string, string>;
  readonly execution: DataAccess['execution'];
  readonly workflow: DataAccess['workflow'];
}

/** What the durable run must do before the engine can go on. */
export type Step =
  | { readonly kind: 'done' }
  | { readonly kind: 'error'; readonly error: NodeErrorInfo }
  /** A node with side effects (HTTP Request...), run as an activity; the engine resumes with its ActivityResult. */
  | { readonly kind: 'activity'; readonly node: string; readonly nodeType: string; readonly request: JsonValue; readonly retry?: { readonly maxTries: number; readonly waitBetweenTries: number } }
  /** A Wait node: a durable timer until `until` (epoch ms); resume with { kind: 'waited' }. */
  | { readonly kind: 'wait'; readonly node: string; readonly until: number }
  /** Execute Sub-workflow: one child run per entry of `inputs` (mode once: one entry); resume with ChildResult. */
  | { readonly kind: 'child'; readonly node: string; readonly workflow: N8nWorkflow; readonly inputs: Item[][]; readonly wait: boolean };

export type ResumeResult =
  | { readonly kind: 'activity'; readonly node: string; readonly output: Item[][] }
  | { readonly kind: 'activityError'; readonly node: string; readonly error: NodeErrorInfo }
  | { readonly kind: 'waited'; readonly node: string }
  | { readonly kind: 'child'; readonly node: string; readonly outputs: (Item[] | { error: NodeErrorInfo })[] };
