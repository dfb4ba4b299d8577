/**
 * The whoosh.mcpTool node's side effect: calls tools on the MCP servers of
 * whoosh.yaml's `mcp_servers.registry` with the official SDK's Client, over
 * Streamable HTTP (`url`) or stdio (`command`, started for the node's calls
 * and stopped after). One connection per server per node run; each call's
 * answer (or why it could not be made) is reported in order, and the engine
 * applies the node's rules (domain/pipeline/nodes/whoosh-mcp-tool.ts).
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { getDefaultEnvironment, StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { McpCallResult, McpToolActivity } from '../../domain/pipeline/nodes/whoosh-mcp-tool';
import type { JsonObject, JsonValue } from '../../domain/pipeline/types';
import type { WhooshConfig } from '../../infra/config';
import { VERSION } from '../../infra/version';

export type McpServers = WhooshConfig['mcp_servers'];

function transportFor(server: McpServers['registry'][string]): Transport {
  if ('url' in server) return new StreamableHTTPClientTransport(new URL(server.url), { requestInit: { headers: server.headers } });
  return new StdioClientTransport({
    command: server.command,
    args: server.args,
    // The SDK's safe defaults (PATH, HOME...) plus the server's own: never the worker's whole environment and its secrets.
    env: { ...getDefaultEnvironment(), ...server.env },
    ...(server.cwd ? { cwd: server.cwd } : {}),
    stderr: 'ignore',
  });
}

const messageOf = (err: unknown) => (err instanceof Error ? err.message : String(err));

/** Runs `use` with a connect(name) that opens each server once; every connection is closed after. */
async function withMcpClients<T>(servers: McpServers, use: (connect: (name: string) => Promise<Client>) => Promise<T>): Promise<T> {
  const clients = new Map<string, Promise<Client>>();
  const connect = (name: string): Promise<Client> => {
    let c = clients.get(name);
    if (!c) {
      const server = servers.registry[name];
      c = server
        ? (async () => {
            const client = new Client({ name: 'whoosh-pipeline', version: VERSION });
            await client.connect(transportFor(server), { timeout: servers.call_timeout_seconds * 1000 });
            return client;
          })()
        : Promise.reject(new Error(`no MCP server "${name}" in mcp_servers.registry (known: ${Object.keys(servers.registry).join(', ') || 'none'})`));
      c.catch(() => undefined);
      clients.set(name, c);
    }
    return c;
  };
  try {
    return await use(connect);
  } finally {
    await Promise.all([...clients.values()].map((c) => c.then((client) => client.close()).catch(() => undefined)));
  }
}

export async function runMcpToolCalls(activity: McpToolActivity, servers: McpServers, signal?: AbortSignal): Promise<McpCallResult[]> {
  return withMcpClients(servers, async (connect) => {
    const results: McpCallResult[] = [];
    for (const call of activity.calls) {
      try {
        const client = await connect(call.server);
        const res = await client.callTool({ name: call.tool, arguments: call.arguments }, undefined, { timeout: servers.call_timeout_seconds * 1000, ...(signal ? { signal } : {}) });
        results.push({
          ok: true,
          isError: res.isError === true,
          content: (res.content ?? []) as JsonValue[],
          ...(res.structuredContent ? { structuredContent: res.structuredContent as JsonObject } : {}),
        });
      } catch (err) {
        results.push({ ok: false, message: messageOf(err) });
      }
    }
    return results;
  });
}

/** A tool as a server lists it: what an LLM is offered. */
export interface McpToolInfo {
  readonly server: string;
  readonly tool: string;
  readonly description: string;
  readonly inputSchema: JsonObject;
}

/** The tools the refs name (a ref without `tool`: all of its server's), in the refs' order; an unknown server or tool throws. */
export async function listMcpTools(refs: readonly { server: string; tool?: string }[], servers: McpServers, signal?: AbortSignal): Promise<McpToolInfo[]> {
  return withMcpClients(servers, async (connect) => {
    const listed = new Map<string, McpToolInfo[]>();
    const out: McpToolInfo[] = [];
    for (const ref of refs) {
      let tools = listed.get(ref.server);
      if (!tools) {
        const client = await connect(ref.server);
        const res = await client.listTools(undefined, { timeout: servers.call_timeout_seconds * 1000, ...(signal ? { signal } : {}) });
        tools = res.tools.map((t) => ({ server: ref.server, tool: t.name, description: t.description ?? '', inputSchema: t.inputSchema as unknown as JsonObject }));
        listed.set(ref.server, tools);
      }
      const chosen = ref.tool === undefined ? tools : tools.filter((t) => t.tool === ref.tool);
      if (chosen.length === 0 && ref.tool !== undefined) throw new Error(`MCP server "${ref.server}" has no tool "${ref.tool}" (it has: ${tools.map((t) => t.tool).join(', ') || 'none'})`);
      for (const t of chosen) if (!out.some((o) => o.server === t.server && o.tool === t.tool)) out.push(t);
    }
    return out;
  });
}
