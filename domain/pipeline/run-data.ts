/**
 * Items (what flows between nodes) and run data (what each run of a node
 * produced), in n8n's format.
 */
import type { JsonObject } from './n8n-document';

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
