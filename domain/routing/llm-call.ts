/**
 * An LLM call on the agent network, in two shapes: `LlmRequest`, what a caller
 * asks (team classification, council prompts, pipeline LLM steps), and
 * `LlmResult`, what comes back. The `llmCall` workflow (and
 * `callLlmWithFailover` inside any workflow) takes `{ needs, request }`: what
 * the node must offer (route-call.ts) and the request. The node's activity
 * (activities/ollama/llm-activity.ts) takes the request with the reserved
 * call's id and model and answers the result without `failedOver`, which the
 * workflow adds. The messages and tools mirror Ollama's chat API, which the
 * activity alone speaks.
 */

export interface LlmMessage {
  readonly role: 'system' | 'user' | 'assistant' | 'tool';
  readonly content: string;
  /** Base64-encoded images. File paths are refused: the worker's disk is not the caller's. */
  readonly images?: string[];
  /** An assistant turn that called tools (sent back in the history of a tool loop). */
  readonly tool_calls?: LlmToolCall[];
  /** A `tool` turn: the name of the tool whose result this is. */
  readonly tool_name?: string;
}

/** A tool call as Ollama writes it in `message.tool_calls`. */
export interface LlmToolCall {
  readonly function: { readonly name: string; readonly arguments: Record<string, unknown> };
}

/** A tool offered to the model (Ollama's `tools`). */
export interface LlmTool {
  readonly type: 'function';
  readonly function: { readonly name: string; readonly description?: string; readonly parameters: Record<string, unknown> };
}

export interface LlmRequest {
  readonly messages: LlmMessage[];
  readonly options?: Record<string, unknown>;
  /** `json`, or a JSON schema the answer must follow. */
  readonly format?: 'json' | Record<string, unknown>;
  readonly keepAlive?: string;
  /** Tools the model may call; its calls come back in the result's `toolCalls`. */
  readonly tools?: LlmTool[];
}

export interface LlmMetrics {
  readonly promptTokens: number;
  readonly evalTokens: number;
  readonly evalDurationMs: number;
  readonly totalDurationMs: number;
  readonly tokensPerSecond: number;
}

/** A node that failed the call before another served it. */
export interface LlmAttempt {
  readonly nodeId: string;
  readonly error: string;
  readonly type?: string;
}

export interface LlmResult {
  readonly callId: string;
  /** The node that served the call, and the model it ran. */
  readonly nodeId: string;
  readonly model: string;
  /** The answer, when shorter than the inline limit. */
  readonly content?: string;
  /** Id in `llm_outputs` of a longer answer (read it with `readLlmOutput`). */
  readonly contentRef?: string;
  readonly contentLength: number;
  readonly doneReason: string;
  readonly metrics: LlmMetrics;
  /** The tools the model called instead of answering (only when the request offered tools). */
  readonly toolCalls?: LlmToolCall[];
  /** Nodes that failed this call before `nodeId` served it, in order. */
  readonly failedOver: LlmAttempt[];
}
