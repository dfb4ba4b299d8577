/**
 * The pipeline engine core: n8n workflow documents run with n8n's v1 semantics,
 * as a pure, resumable state machine.
 *
 * - validateWorkflow(doc): every problem before a run (unsupported type/version,
 *   unknown parameter, broken connection, duplicate name, execution order).
 * - createExecution(doc, opts) → EngineState (plain JSON); throws WorkflowValidationError.
 * - advance(state, resume, host) → { state, step }: runs nodes until one needs the
 *   durable run (activity, wait, child) or the run ends (done, error).
 * - nodesOutput(state): node name → last run's outputs as json, in first-run order.
 * - createDataAccess(view, itemIndex): what the sandbox answers $-variables from.
 */
export { advance, createExecution, findStartNode, type CreateExecutionOptions } from './engine';
export { validateWorkflow } from './validate';
export { nodeTypes, nodeTypeOf } from './registry';
export { createDataAccess, type ExecutionView } from './data-access';
export { ExpressionError, NodeOperationError, WorkflowValidationError, type ValidationProblem } from './errors';
export { nodesOutput, type NodesOutput } from './result';
export type * from './types';
export type { NodeKind, NodeType } from './node-type';
