/** `whoosh mcp`: the MCP server on stdio, for assistants that launch a process. */
import type { Command } from 'commander';
import { act, whole } from '../context';
import { serveStdio } from '../../api/mcp/mcp-stdio';

export function mcpCommand(program: Command): void {
  program
    .command('mcp')
    .description('Serve WHOOSH as an MCP server on stdin/stdout (token from WHOOSH_TOKEN; logs to stderr)')
    .option('--poll-ms <ms>', 'how often to look for pipelines being (de)activated', whole, 2000)
    .action(
      act(async ({ client }, o: { pollMs: number }) => {
        await serveStdio(client, o.pollMs);
      }),
    );
}
