/**
 * whoosh.mcpTool, a side-effect node: calls one tool on an MCP server of
 * whoosh.yaml's `mcp_servers.registry`, per item, with the server, the tool's
 * name and its arguments from expressions. The activity
 * (activities/pipeline/mcp-tool.ts) makes the calls; finish() turns each
 * answer into an item: `text` (the text contents joined), `content` (as the
 * server sent it) and `structuredContent` when the tool gave one. A tool
 * error (isError) or a server that cannot be reached fails the node, or with
 * continueOnFail becomes an item with `error`.
 */
import { clampTries, clampWait } from '../retry';
import { NodeOperationError } from '../errors';
import type { NodeExecution, NodeOutput, NodeType, PendingStep } from '../node-type';
import type { Item, JsonObject, JsonValue, ResumeResult } from '../types';
import { isObject, toJson } from '../values';

export const MCP_TOOL_TYPE = 'whoosh.mcpTool';

/** Step.request of a whoosh.mcpTool node: one call per item. */
export interface McpToolActivity {
  readonly calls: { readonly server: string; readonly tool: string; readonly arguments: JsonObject }[];
}

export type McpCallResult =
  | { readonly ok: true; readonly isError: boolean; readonly content: JsonValue[]; readonly structuredContent?: JsonObject }
  | { readonly ok: false; readonly message: string };

export interface McpToolResult {
  readonly results: McpCallResult[];
}

function argumentsOf(value: unknown, i: number): JsonObject {
  if (value === undefined || value === null || value === '') return {};
  if (isObject(value)) return toJson(value) as JsonObject;
  if (typeof value === 'string') {
    try {
      const parsed: unknown = JSON.parse(value);
      if (isObject(parsed)) return parsed as JsonObject;
    } catch {
      // falls through to the error below
    }
  }
  throw new NodeOperationError('The tool arguments must be a JSON object', `got ${typeof value === 'string' ? `"${value.slice(0, 100)}"` : typeof value}`, i);
}

function callFor(ex: NodeExecution, i: number): McpToolActivity['calls'][number] {
  const p = ex.resolve(i);
  const server = String(p.server ?? '').trim();
  const tool = String(p.tool ?? '').trim();
  if (server === '') throw new NodeOperationError('No MCP server given', 'Set "server" to a name of mcp_servers.registry in whoosh.yaml', i);
  if (tool === '') throw new NodeOperationError('No tool given', undefined, i);
  return { server, tool, arguments: argumentsOf(p.arguments, i) };
}

/** The text contents of a tool's answer, joined. */
export const mcpTextOf = (content: JsonValue[]): string =>
  content
    .filter((c): c is JsonObject => isObject(c) && c.type === 'text')
    .map((c) => String(c.text ?? ''))
    .join('\n');

function itemFor(res: McpCallResult | undefined, call: McpToolActivity['calls'][number], i: number): Item {
  if (!res) throw new NodeOperationError(`No answer for item ${i}`, undefined, i);
  if (!res.ok) throw new NodeOperationError(`MCP server "${call.server}" failed: ${res.message}`, undefined, i);
  const text = mcpTextOf(res.content);
  if (res.isError) throw new NodeOperationError(`Tool "${call.tool}" on "${call.server}" answered with an error: ${text || 'no message'}`, undefined, i);
  return { json: { text, content: res.content, ...(res.structuredContent ? { structuredContent: res.structuredContent } : {}) }, pairedItem: { item: i } };
}

export const whooshMcpTool: NodeType = {
  type: MCP_TOOL_TYPE,
  versions: [1],
  kind: 'activity',
  inputs: () => 1,
  outputs: () => 1,
  parameters: ['server', 'tool', 'arguments'],
  check(node) {
    const p = node.parameters ?? {};
    return ['server', 'tool'].filter((k) => typeof p[k] !== 'string' || (p[k] as string).trim() === '').map((k) => `parameter "${k}" is required`);
  },
  start(ex): PendingStep {
    const request: McpToolActivity = { calls: ex.items.map((_, i) => callFor(ex, i)) };
    return {
      step: {
        kind: 'activity',
        node: ex.node.name,
        nodeType: MCP_TOOL_TYPE,
        request: request as unknown as JsonValue,
        ...(ex.node.retryOnFail ? { retry: { maxTries: clampTries(ex.node.maxTries), waitBetweenTries: clampWait(ex.node.waitBetweenTries) } } : {}),
      },
      pending: request as unknown as JsonValue,
    };
  },
  finish(ex, raw, resume: ResumeResult): NodeOutput {
    if (resume.kind === 'activityError') throw new NodeOperationError(resume.error.message, resume.error.description);
    if (resume.kind !== 'activity') throw new Error(`MCP Tool: expected the activity's result, got ${resume.kind}`);
    const { calls } = raw as unknown as McpToolActivity;
    const { results } = resume.result as unknown as McpToolResult;
    const out: Item[] = [];
    calls.forEach((call, i) => {
      try {
        out.push(itemFor(results[i], call, i));
      } catch (error) {
        if (!ex.continueOnFail) throw error;
        out.push({ json: { error: { message: (error as Error).message } }, pairedItem: { item: i } });
      }
    });
    return [out];
  },
};
