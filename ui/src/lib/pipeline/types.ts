/**
 * The editor's vocabulary: n8n's document types (from the engine's shared
 * types, as types only) and the node-type catalog the API serves.
 */
import type { N8nConnection, N8nConnections, N8nNode, N8nWorkflow } from '../../../../domain/pipeline/types';
import type { FieldGroup, FieldOption, NodeGroup, NodeTypeEntry, ParameterField } from '../../../../domain/pipeline/descriptions';

export type { N8nConnection, N8nConnections, N8nNode, N8nWorkflow, FieldGroup, FieldOption, NodeGroup, NodeTypeEntry, ParameterField };

/** Mutable copy of a node, for building new ones. */
export type NodeDraft = { -readonly [K in keyof N8nNode]: N8nNode[K] };

/** n8n's clipboard: what "copy" puts on it and "paste" reads (nodes and the connections among them). */
export interface Clipboard {
  readonly nodes: readonly N8nNode[];
  readonly connections: N8nConnections;
}
