/**
 * The `whoosh` command tree. Kept apart from main.ts so tests and the
 * completion generator can build it without running it.
 */
import { Command } from 'commander';
import { VERSION } from '../infra/version';
import { agentCommands } from './commands/agents';
import { completionCommand } from './commands/completion';
import { executionCommands } from './commands/executions';
import { mcpCommand } from './commands/mcp';
import { pipelineCommands } from './commands/pipelines';
import { repositoryCommands } from './commands/repositories';
import { statusCommand } from './commands/status';
import { councilCommands, teamCommands } from './commands/teams';

export function buildProgram(): Command {
  const program = new Command('whoosh')
    .description('Command line for WHOOSH: agents, teams, councils, pipelines and executions over the REST API')
    .version(VERSION)
    .option('--url <url>', 'WHOOSH API base URL (env WHOOSH_URL; default http://localhost:<server.port>)')
    .option('--token <token>', 'bearer token (env WHOOSH_TOKEN; default the local data/admin-token)')
    .option('--json', 'print JSON for scripts instead of tables')
    .showHelpAfterError('(add --help for usage)')
    .addHelpText('after', '\nExit codes: 0 ok, 1 failed run or API failure, 2 bad usage, 3 unreachable or unauthorized.');
  statusCommand(program);
  agentCommands(program);
  teamCommands(program);
  councilCommands(program);
  pipelineCommands(program);
  executionCommands(program);
  repositoryCommands(program);
  mcpCommand(program);
  completionCommand(program);
  // Usage errors throw instead of exiting, so main.ts can give them exit code 2.
  const visit = (cmd: Command): void => {
    cmd.exitOverride();
    cmd.commands.forEach(visit);
  };
  visit(program);
  return program;
}
