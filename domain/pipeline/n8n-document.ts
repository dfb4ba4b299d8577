/**
 * n8n's workflow document as WHOOSH stores and runs it (format only; see
 * ../shared/N8N-SEMANTICS.md), and the JSON values everything in the engine is
 * made of, so it can be stored and travel by reference.
 */

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

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
