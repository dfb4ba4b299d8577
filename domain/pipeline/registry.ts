/**
 * The node types the engine runs, by n8n type name. A node whose type or
 * typeVersion is not here is refused before the run (validateWorkflow).
 */
import type { NodeType } from './node-type';
import { executeWorkflowTrigger, manualTrigger, noOp, respondToWebhook, scheduleTrigger, stopAndError, webhook } from './nodes/basic';
import { code } from './nodes/code';
import { filter, ifNode, switchNode } from './nodes/conditions';
import { executeWorkflow } from './nodes/execute-workflow';
import { httpRequest } from './nodes/http-request';
import { crypto } from './nodes/crypto';
import { dateTime } from './nodes/date-time';
import { merge } from './nodes/merge';
import { set } from './nodes/set';
import { splitInBatches } from './nodes/split-in-batches';
import { aggregate, itemLists, limit, removeDuplicates, renameKeys, sort, splitOut, summarize } from './nodes/transform';
import { wait } from './nodes/wait';
import { chainLlm, lmChatOllama } from './nodes/langchain';
import { whooshCouncil, whooshTeam } from './nodes/whoosh-agent-workflows';
import { whooshApproval } from './nodes/whoosh-approval';
import { whooshForgeTrigger } from './nodes/whoosh-forge-trigger';
import { whooshDocker } from './nodes/whoosh-docker';
import { whooshForge } from './nodes/whoosh-forge';
import { whooshLlm } from './nodes/whoosh-llm';
import { whooshMcpTool } from './nodes/whoosh-mcp-tool';
import type { N8nNode } from './types';

const ALL: readonly NodeType[] = [
  manualTrigger,
  scheduleTrigger,
  webhook,
  executeWorkflowTrigger,
  noOp,
  stopAndError,
  respondToWebhook,
  set,
  ifNode,
  filter,
  switchNode,
  merge,
  code,
  splitInBatches,
  httpRequest,
  wait,
  executeWorkflow,
  splitOut,
  aggregate,
  summarize,
  sort,
  limit,
  removeDuplicates,
  renameKeys,
  itemLists,
  dateTime,
  crypto,
  whooshLlm,
  whooshApproval,
  whooshForge,
  whooshDocker,
  chainLlm,
  lmChatOllama,
  whooshTeam,
  whooshCouncil,
  whooshForgeTrigger,
  whooshMcpTool,
];

const byType = new Map(ALL.map((t) => [t.type, t]));

/** Every supported node type. */
export function nodeTypes(): readonly NodeType[] {
  return ALL;
}

/** The implementation for a node's type and version, or undefined when unsupported. */
export function nodeTypeOf(node: Pick<N8nNode, 'type' | 'typeVersion'>): NodeType | undefined {
  const t = byType.get(node.type);
  return t && t.versions.includes(node.typeVersion) ? t : undefined;
}

export function nodeTypeByName(type: string): NodeType | undefined {
  return byType.get(type);
}
