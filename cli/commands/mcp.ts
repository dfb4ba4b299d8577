/** `whoosh mcp`: the MCP server on stdio, for assistants that launch a process. */
import type { Command } from 'commander';
import { act } from '../context';
import { serveStdio } from '../../api/mcp/mcp-stdio';

export function mcpCommand(program: Command): void {
  program
    .command('mcp')
    .description('Serve WHOOSH as an MCP server on stdin/stdout (token from WHOOSH_TOKEN; logs to stderr)')
    .action(
      act(async ({ client }) => {
        await serveStdio(client);
      }),
    );
}
