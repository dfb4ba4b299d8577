/**
 * The MCP side of whoosh.llm's tool loop (workflows/pipeline/llm-tools-step.ts):
 * list the tools a node offers the model, and make the calls the model asked
 * for, on whoosh.yaml's mcp_servers.registry (the same client code as the
 * whoosh.mcpTool node). Each is an activity of its own in the run's history.
 */
import { Context } from '@temporalio/activity';
import { nonRetryableFailure } from '../../domain/failures';
import type { McpToolActivity, McpCallResult } from '../../domain/pipeline/nodes/whoosh-mcp-tool';
import type { LlmToolRef } from '../../domain/pipeline/types';
import { listMcpTools, runMcpToolCalls, type McpServers, type McpToolInfo } from './mcp-tool';

async function heartbeating<T>(work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const ctx = Context.current();
  const beat = setInterval(() => ctx.heartbeat(), 5000);
  try {
    return await work(ctx.cancellationSignal);
  } finally {
    clearInterval(beat);
  }
}

export function createLlmToolActivities(servers: McpServers = { registry: {}, call_timeout_seconds: 120 }) {
  return {
    /** The tools of the refs with their input schemas; an unknown server or tool fails for good. */
    async listLlmTools(refs: LlmToolRef[]): Promise<McpToolInfo[]> {
      for (const r of refs) {
        if (!servers.registry[r.server]) throw nonRetryableFailure('Misconfigured', `no MCP server "${r.server}" in mcp_servers.registry (known: ${Object.keys(servers.registry).join(', ') || 'none'})`);
      }
      return heartbeating(async (signal) => {
        try {
          return await listMcpTools(refs, servers, signal);
        } catch (err) {
          if (/has no tool/.test((err as Error).message)) throw nonRetryableFailure('Misconfigured', (err as Error).message);
          throw err;
        }
      });
    },
    /** One round's tool calls, in order; a failing call is reported in its result, never thrown. */
    async callLlmTools(activity: McpToolActivity): Promise<McpCallResult[]> {
      return heartbeating((signal) => runMcpToolCalls(activity, servers, signal));
    },
  };
}

export type LlmToolActivities = ReturnType<typeof createLlmToolActivities>;
