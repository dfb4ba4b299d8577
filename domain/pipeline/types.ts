/**
 * The pipeline engine's shared vocabulary, one import for all of it: n8n's
 * workflow document, items and run data (format only; see
 * ../shared/N8N-SEMANTICS.md), the two seams between the engine core (this
 * folder, pure), the sandbox that evaluates user code
 * (activities/pipeline/sandbox) and the durable run (workflows/pipeline), the
 * requests and results of nodes run as activities, and the engine's state.
 * Everything here is plain JSON so it can be stored and travel by reference.
 */
export type * from './n8n-document';
export type * from './run-data';
export type * from './sandbox-seam';
export type * from './durable-seam';
export type * from './activity-requests';
export type * from './engine-state';
