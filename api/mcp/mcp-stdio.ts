/**
 * `whoosh mcp`: the MCP server on stdin/stdout for assistants that launch a
 * process. The session's role is the token's (GET /api/v1/me); stdout carries
 * only protocol messages, so problems go to stderr.
 */
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import type { WhooshClient } from '../../cli/api-client';
import { createMcpSession } from './whoosh-mcp';

export async function serveStdio(client: WhooshClient, pollMs?: number): Promise<void> {
  // Fails here (exit 3) when the API is unreachable or the token is refused, before any protocol traffic.
  const me = await client.me();
  const session = createMcpSession({
    client,
    role: me.role,
    dashboardUrl: client.baseUrl,
    pollMs,
    onError: (err) => process.stderr.write(`whoosh mcp: ${err instanceof Error ? err.message : String(err)}\n`),
  });
  const transport = new StdioServerTransport();
  const closed = new Promise<void>((resolve) => {
    transport.onclose = () => resolve();
    process.stdin.once('end', () => resolve());
  });
  await session.server.connect(transport);
  await closed;
  session.stop();
  await session.server.close();
}
