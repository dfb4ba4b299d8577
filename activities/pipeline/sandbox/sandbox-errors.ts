/**
 * Errors the sandbox throws, named as n8n names them in run data
 * (NodeErrorInfo.name): ExpressionError for expressions, CodeError for the
 * Code node. SandboxLimitError is a limit (deadline, memory, stack, output
 * size) that ended the evaluation.
 */

export class ExpressionError extends Error {
  override readonly name = 'ExpressionError';
  constructor(
    message: string,
    readonly description?: string,
  ) {
    super(message);
  }
}

export class CodeError extends Error {
  override readonly name = 'CodeError';
  constructor(
    message: string,
    readonly description?: string,
    /** runOnceForEachItem: the item whose run failed. */
    readonly itemIndex?: number,
    /** What console.log printed before the error (n8n keeps it in the run data). */
    readonly console: string[] = [],
  ) {
    super(message);
  }
}

/** engine: QuickJS itself failed (the next evaluation gets a fresh instance). */
export type SandboxLimit = 'timeout' | 'memory' | 'stack' | 'output' | 'engine';

export class SandboxLimitError extends Error {
  override readonly name = 'SandboxLimitError';
  constructor(
    message: string,
    readonly limit: SandboxLimit,
  ) {
    super(message);
  }
}
