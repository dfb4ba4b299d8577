/** The sandbox for n8n expressions and Code nodes (see create-sandbox.ts). */
export { createSandbox } from './create-sandbox';
export { loadSandboxEngine } from './quickjs-engine';
export type { SandboxOptions } from './sandbox-options';
export { CodeError, ExpressionError, SandboxLimitError, type SandboxLimit } from './sandbox-errors';
