/** The sandbox for n8n expressions and Code nodes (see create-sandbox.ts). */
export { createSandbox, loadSandboxEngine, type SandboxOptions } from './create-sandbox';
export { CodeError, ExpressionError, SandboxLimitError, type SandboxLimit } from './sandbox-errors';
