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

export async function runMcpToolCalls(activity: McpToolActivity, servers: McpServers, signal?: AbortSignal): Promise<McpCallResult[]> {
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
  } finally {
    await Promise.all([...clients.values()].map((c) => c.then((client) => client.close()).catch(() => undefined)));
  }
}
