/** The pipeline engine core: what the durable run and the sandbox use. */
export { advance, createExecution, findStartNode, type CreateExecutionOptions } from './engine';
export { validateWorkflow } from './validate';
export { nodeTypes, nodeTypeOf } from './registry';
export { createDataAccess, type ExecutionView } from './data-access';
export { ExpressionError, NodeOperationError, WorkflowValidationError, type ValidationProblem } from './errors';
export { nodesOutput, type NodesOutput } from './result';
export type * from './types';
export type { NodeKind, NodeType } from './node-type';
