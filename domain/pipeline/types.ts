/**
 * The pipeline engine's shared vocabulary: n8n's workflow document, items and
 * run data (format only; see ../shared/N8N-SEMANTICS.md), and the two seams
 * between the engine core (this folder, pure), the sandbox that evaluates user
 * code (activities/pipeline/sandbox) and the durable run (workflows/pipeline).
 * Everything here is plain JSON so it can be stored and travel by reference.
 */
import type { CredentialRef } from '../credentials';

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
  /** Wall clock for run data timing (startTime, executionTime); without it both use `now` (deterministic). */
  readonly clock?: () => number;
  /**
   * Takes each node run as the engine records it (to store it). When given,
   * the engine keeps a run's items in its state only if user code could read
   * them later (readsRunData): otherwise the state's runs carry no `data`.
   */
  readonly recordRun?: (run: RecordedRun) => void;
}

/** A node run as the engine records it: which node, which of its runs, when the node first ran among the others. */
export interface RecordedRun {
  readonly node: string;
  readonly runIndex: number;
  readonly firstOrder: number;
  readonly run: NodeRun;
}

/** What the durable run must do before the engine can go on. */
export type Step =
  | { readonly kind: 'done' }
  | { readonly kind: 'error'; readonly error: NodeErrorInfo }
  /**
   * A node with side effects, run as an activity; the engine resumes with
   * { kind: 'activity', result } where `result` answers `request` (for
   * nodeType n8n-nodes-base.httpRequest: HttpRequestActivity → HttpActivityResult).
   * `retry` is the node's retryOnFail (n8n's bounds applied): the durable run
   * retries a failed attempt itself; the engine takes the last attempt's result
   * as final and does not retry again.
   */
  | { readonly kind: 'activity'; readonly node: string; readonly nodeType: string; readonly request: JsonValue; readonly retry?: { readonly maxTries: number; readonly waitBetweenTries: number } }
  /** A Wait node: a durable timer until `until` (epoch ms); resume with { kind: 'waited' }. */
  | { readonly kind: 'wait'; readonly node: string; readonly until: number }
  /**
   * A Wait node resumed by a call to the run's resume URL (method, optional
   * path suffix, authentication); `until`: the limit, after which it goes on by
   * itself. Resume with { kind: 'webhookResumed', item } or { kind: 'waited' }.
   */
  | { readonly kind: 'webhookWait'; readonly node: string; readonly until?: number; readonly webhook: WaitWebhook }
  /**
   * Execute Sub-workflow: one child run per entry of `inputs` (mode once: one
   * entry; each: one per item); resume with ChildResult, one output per entry
   * (the child's last node's output 0), or nothing to wait for when wait is false.
   */
  /**
   * Sub-workflow runs: `workflow` given inline, or (source "database") the
   * stored pipeline `pipelineId`, whose document the durable run looks up.
   */
  | { readonly kind: 'child'; readonly node: string; readonly workflow?: N8nWorkflow; readonly pipelineId?: string; readonly inputs: Item[][]; readonly wait: boolean }
  /**
   * LLM calls on the agent network (whoosh.llm, Basic LLM Chain): the durable
   * run routes each with failover; resume with { kind: 'activity', result:
   * LlmStepResult } (one answer per call, in order).
   */
  | { readonly kind: 'llm'; readonly node: string; readonly calls: LlmStepCall[] }
  /**
   * A person's decision (whoosh.approval): a signal/update on the run, or an
   * /approve or /reject comment on `issue`; reminders every `remindEverySeconds`;
   * resume with { kind: 'activity', result: ApprovalDecision }.
   */
  | { readonly kind: 'approval'; readonly node: string; readonly message: string; readonly issue?: IssueRef; readonly approvers?: string[]; readonly until?: number; readonly remindEverySeconds?: number; readonly pollSeconds?: number }
  /**
   * A team formation or council kickoff per item, as a child workflow under the
   * intake's business-key id; resume with { kind: 'activity', result: AgentWorkflowResult }.
   */
  | { readonly kind: 'agentWorkflow'; readonly node: string; readonly workflow: 'team' | 'council'; readonly issues: IssueRef[] };

export interface AgentWorkflowResult {
  readonly outcomes: ({ readonly ok: true; readonly workflowId: string; readonly result: JsonObject } | { readonly ok: false; readonly workflowId: string; readonly message: string })[];
}

/** owner/name#number on a monitored repository. */
export interface IssueRef {
  readonly owner: string;
  readonly name: string;
  readonly number: number;
}

export interface LlmStepCall {
  readonly model?: string;
  readonly specialization?: string;
  readonly messages: { readonly role: 'system' | 'user' | 'assistant'; readonly content: string }[];
  readonly options?: JsonObject;
  /** 'json', or a JSON schema the answer must follow (Ollama's `format`). */
  readonly format?: 'json' | JsonObject;
  /** MCP tools offered to the model (a server's all tools without `tool`): the step loops, each call an activity. */
  readonly tools?: LlmToolRef[];
  /** Model turns at most in a tool loop (default 5). */
  readonly maxToolRounds?: number;
}

/** A tool of whoosh.yaml's mcp_servers.registry, or every tool of a server. */
export interface LlmToolRef {
  readonly server: string;
  readonly tool?: string;
}

/** One tool call the model made in a tool loop, with what the tool answered. */
export interface LlmToolCallRecord {
  readonly server: string;
  readonly tool: string;
  readonly arguments: JsonObject;
  /** The result as sent back to the model (text contents, or the error). */
  readonly result: string;
  readonly isError: boolean;
}

export type LlmStepAnswer =
  | {
      readonly ok: true;
      readonly text: string;
      readonly model: string;
      readonly node: string;
      readonly promptTokens: number;
      readonly completionTokens: number;
      readonly durationMs: number;
      readonly failedOver: string[];
      /** With tools: the calls made, in order, and the model turns taken. */
      readonly toolCalls?: LlmToolCallRecord[];
      readonly rounds?: number;
    }
  | { readonly ok: false; readonly message: string };

export interface LlmStepResult {
  readonly answers: LlmStepAnswer[];
}

export interface ApprovalDecision {
  readonly decision: 'approve' | 'reject' | 'timeout';
  readonly by?: string;
  readonly comment?: string;
  /** 'api' | 'comment' | 'timer' */
  readonly via: string;
  readonly at: number;
}

export type ResumeResult =
  | { readonly kind: 'activity'; readonly node: string; readonly result: JsonValue }
  /** The activity failed after its retries: the node fails with this error (its onError setting applies). */
  | { readonly kind: 'activityError'; readonly node: string; readonly error: NodeErrorInfo }
  | { readonly kind: 'waited'; readonly node: string }
  /** The call that resumed a Wait node on webhook: its one item ({ headers, params, query, body }). */
  | { readonly kind: 'webhookResumed'; readonly node: string; readonly item: Item }
  /** Per child run: every output of its last node (items paired back into the parent where n8n finds it), or its error. */
  | { readonly kind: 'child'; readonly node: string; readonly outputs: (Item[][] | { error: NodeErrorInfo })[] };

// ---------------------------------------------------------------- HTTP Request activity

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'HEAD' | 'OPTIONS';

export type HttpBody =
  | { readonly type: 'json'; readonly json: JsonValue }
  /** application/x-www-form-urlencoded, fields in order (repeated names allowed). */
  | { readonly type: 'form'; readonly fields: [string, string][] }
  /** multipart/form-data with text fields only. */
  | { readonly type: 'multipart'; readonly fields: [string, string][] }
  | { readonly type: 'raw'; readonly contentType: string; readonly text: string }
  | { readonly type: 'binary'; readonly contentType: string; readonly base64: string };

/** One request of an HTTP Request node, every expression resolved (one per input item). */
export interface HttpRequestSpec {
  readonly method: HttpMethod;
  readonly url: string;
  /** Query parameters in order (repeated names allowed). */
  readonly query: [string, string][];
  readonly headers: Record<string, string>;
  readonly body?: HttpBody;
  /** 'file': the activity returns the body base64-encoded; 'text'/'json'/'autodetect': as text unless the content type is binary. */
  readonly responseFormat: 'autodetect' | 'json' | 'text' | 'file';
  /** options.response.neverError: a status ≥ 400 is a normal answer, not a failure (so not retried either). */
  readonly neverError?: boolean;
  readonly timeoutMs: number;
  readonly followRedirects: boolean;
  readonly maxRedirects: number;
  readonly allowUnauthorizedCerts: boolean;
  readonly proxy?: string;
}

/** Step.request of an HTTP Request node. */
export interface HttpRequestActivity {
  readonly requests: HttpRequestSpec[];
  /** options.batching: at most batchSize requests, then a pause of intervalMs (batchSize -1: all at once). */
  readonly batching?: { readonly batchSize: number; readonly intervalMs: number };
  /** The credential whose headers each request gets, opened by the activity (never resolved here). */
  readonly credential?: CredentialRef;
}

/** What the activity returns for one request, in the order of HttpRequestActivity.requests. */
export type HttpResponseResult =
  | {
      readonly ok: true;
      readonly statusCode: number;
      readonly statusMessage: string;
      readonly headers: Record<string, string>;
      readonly body: { readonly encoding: 'text'; readonly text: string } | { readonly encoding: 'base64'; readonly base64: string };
      readonly contentType?: string;
    }
  /** The request could not be made (connection refused, timeout, DNS...): n8n fails that item with this message. */
  | { readonly ok: false; readonly message: string; readonly code?: string };

/** ResumeResult.result of an HTTP Request node. */
export interface HttpActivityResult {
  readonly responses: HttpResponseResult[];
}

// ---------------------------------------------------------------- engine state

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

// ---------------------------------------------------------------- Crypto activity

/**
 * Step.request of a Crypto node (nodeType n8n-nodes-base.crypto): hashes and
 * HMACs need node:crypto, which the pure core may not import, and "generate"
 * is random; so the node is an activity without side effects. One entry per item.
 */
export interface CryptoActivity {
  readonly operations: (
    | { readonly action: 'hash'; readonly algorithm: CryptoAlgorithm; readonly value: string; readonly encoding: 'hex' | 'base64' }
    | { readonly action: 'hmac'; readonly algorithm: CryptoAlgorithm; readonly value: string; readonly secret: string; readonly encoding: 'hex' | 'base64' }
    /** uuid: a v4 UUID; hex/base64/ascii: that many random characters in that encoding. */
    | { readonly action: 'generate'; readonly encoding: 'uuid' | 'hex' | 'base64' | 'ascii'; readonly length: number }
  )[];
}

export type CryptoAlgorithm = 'md5' | 'sha1' | 'sha256' | 'sha384' | 'sha512' | 'sha3-256' | 'sha3-384' | 'sha3-512';

/** ResumeResult.result of a Crypto node: one string per operation, in order. */
export interface CryptoActivityResult {
  readonly values: string[];
}

// ---------------------------------------------------------------- whoosh.forge activity

export type ForgeNodeOperation =
  | { readonly op: 'getIssue' | 'closeIssue'; readonly number: number }
  | { readonly op: 'createIssue'; readonly title: string; readonly body: string; readonly labels: string[]; readonly marker: string }
  | { readonly op: 'editIssue'; readonly number: number; readonly title?: string; readonly body?: string; readonly state?: 'open' | 'closed' }
  | { readonly op: 'comment'; readonly number: number; readonly body: string; readonly marker: string }
  | { readonly op: 'addLabels' | 'removeLabels'; readonly number: number; readonly labels: string[] }
  | { readonly op: 'getPullRequestDiff'; readonly number: number }
  | { readonly op: 'reviewPullRequest'; readonly number: number; readonly body: string; readonly event: 'approve' | 'requestChanges' | 'comment' };

/** Step.request of a whoosh.forge node: one operation per item. */
export interface ForgeNodeActivity {
  readonly repository: { readonly owner: string; readonly name: string };
  readonly operations: ForgeNodeOperation[];
  /** A forgeToken credential to act with instead of the repository's token (opened by the activity). */
  readonly credential?: CredentialRef;
}

export interface ForgeNodeResult {
  readonly results: ({ readonly ok: true; readonly json: JsonObject } | { readonly ok: false; readonly message: string })[];
}

// ---------------------------------------------------------------- whoosh.docker activity

/** One container run of a whoosh.docker node (one per item); `key` labels it, so a retry finds it. */
export interface DockerNodeJob {
  readonly key: string;
  readonly executionId: string;
  readonly image: string;
  readonly command?: string[];
  readonly env: Record<string, string>;
  readonly labels: Record<string, string>;
  readonly limits: { readonly nanoCpus?: number; readonly memoryBytes?: number; readonly pids?: number };
}

export interface DockerNodeActivity {
  readonly jobs: DockerNodeJob[];
}

export interface DockerNodeResult {
  readonly results: { readonly containerId: string; readonly exitCode: number; readonly stdout: string; readonly stderr: string; readonly reused: boolean }[];
}

/** How a Wait node on webhook is resumed: `<public URL>/webhook-waiting/<execution>[/<suffix>]`. */
export interface WaitWebhook {
  readonly method: string;
  /** options.webhookSuffix without surrounding slashes; '' for none. */
  readonly suffix: string;
  readonly auth:
    | { readonly kind: 'none' }
    | { readonly kind: 'basicAuth' | 'headerAuth'; readonly credential: { readonly id: string | null; readonly name: string | null; readonly type: 'httpBasicAuth' | 'httpHeaderAuth' } };
}
