/**
 * The seam between the engine core and the durable run (workflows/pipeline):
 * what the engine needs from its host, the Step it stops at when the run must
 * do something durable (an activity, a timer, a child, an LLM call, a person's
 * decision), and the ResumeResult it goes on with. The requests and results
 * of nodes run as activities are in activity-requests.ts.
 */
import type { JsonObject, JsonValue, N8nWorkflow } from './n8n-document';
import type { Item, NodeErrorInfo, NodeRun } from './run-data';
import type { DataAccess, Sandbox } from './sandbox-seam';

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

/** How a Wait node on webhook is resumed: `<public URL>/webhook-waiting/<execution>[/<suffix>]`. */
export interface WaitWebhook {
  readonly method: string;
  /** options.webhookSuffix without surrounding slashes; '' for none. */
  readonly suffix: string;
  readonly auth:
    | { readonly kind: 'none' }
    | { readonly kind: 'basicAuth' | 'headerAuth'; readonly credential: { readonly id: string | null; readonly name: string | null; readonly type: 'httpBasicAuth' | 'httpHeaderAuth' } };
}
