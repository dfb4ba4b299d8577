/**
 * Errors the engine raises, in n8n's vocabulary: a node fails with a
 * NodeOperationError (its own checks) or an ExpressionError (resolving `$`
 * data); a document that cannot run is a WorkflowValidationError listing every
 * problem. Each turns into the NodeErrorInfo stored in run data.
 */
import type { NodeErrorInfo } from './types';

export class NodeOperationError extends Error {
  override readonly name: string = 'NodeOperationError';
  constructor(
    message: string,
    readonly description?: string,
    readonly itemIndex?: number,
  ) {
    super(message);
  }
}

export class ExpressionError extends Error {
  override readonly name = 'ExpressionError';
  constructor(
    message: string,
    readonly description?: string,
    readonly itemIndex?: number,
  ) {
    super(message);
  }
}

export interface ValidationProblem {
  readonly node?: string;
  readonly type?: string;
  readonly typeVersion?: number;
  readonly parameter?: string;
  readonly message: string;
}

export class WorkflowValidationError extends Error {
  override readonly name = 'WorkflowValidationError';
  constructor(readonly problems: readonly ValidationProblem[]) {
    super(`The workflow cannot run: ${problems.map((p) => p.message).join('; ')}`);
  }
}

/** The stored form of whatever a node threw. */
export function toErrorInfo(error: unknown, node: string): NodeErrorInfo {
  if (error instanceof Error) {
    const e = error as Error & { description?: string; itemIndex?: number; httpCode?: string };
    return {
      message: e.message,
      node,
      name: e.name === 'Error' ? 'NodeOperationError' : e.name,
      ...(e.description !== undefined ? { description: e.description } : {}),
      ...(e.itemIndex !== undefined ? { itemIndex: e.itemIndex } : {}),
      ...(e.httpCode !== undefined ? { httpCode: e.httpCode } : {}),
    };
  }
  if (typeof error === 'object' && error !== null && typeof (error as { message?: unknown }).message === 'string') {
    return { ...(error as Record<string, unknown>), message: (error as { message: string }).message, node };
  }
  return { message: String(error), node, name: 'NodeOperationError' };
}
