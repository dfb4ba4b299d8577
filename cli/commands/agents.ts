/** `whoosh agents`: the agent-node registry and each node's load. */
import type { Command } from 'commander';
import type { AgentNode } from '../api-client';
import { act, whole } from '../context';
import { fields, table } from '../output';

const load = (a: AgentNode) => `${a.stats.inFlight}/${a.parallel}${a.stats.queued ? ` +${a.stats.queued} queued` : ''}`;

export function agentCommands(program: Command): void {
  const agents = program.command('agents').description('Agent nodes (Ollama servers): health, models and load');

  agents
    .command('list')
    .description('Every agent node with its status and load')
    .action(
      act(async ({ client, out }) => {
        const list = await client.agents();
        out.print(list, () =>
          table(
            ['ID', 'STATUS', 'LOAD', 'MODELS', 'SPECIALIZATION', 'SOURCE'],
            list.map((a) => [a.id, a.status, load(a), a.models.join(','), a.specialization, a.source]),
          ),
        );
      }),
    );

  agents
    .command('show')
    .description('One agent node in full')
    .argument('<id>', 'node id')
    .action(
      act(async ({ client, out }, id: string) => {
        const a = await client.agent(id);
        out.print(a, () =>
          fields([
            ['id', a.id],
            ['endpoint', a.endpoint],
            ['status', a.status + (a.reason ? ` (${a.reason})` : '')],
            ['models', a.models.join(', ')],
            ['loaded', a.modelsLoaded.join(', ')],
            ['specialization', a.specialization],
            ['capabilities', a.capabilities.join(', ')],
            ['load', load(a)],
            ['tokens/s', a.stats.tokensPerSecond],
            ['latency p50 ms', a.stats.latencyP50Ms],
            ['last seen', a.lastSeen],
            ['source', a.source],
          ]),
        );
      }),
    );

  agents
    .command('add')
    .description('Register an agent node (operator)')
    .argument('<id>', 'node id: letters, digits, - and _')
    .requiredOption('--endpoint <url>', 'Ollama base URL, e.g. http://10.0.0.9:11434')
    .requiredOption('--model <name...>', 'model(s) the node serves')
    .option('--parallel <n>', 'calls the node runs at once', whole)
    .option('--specialization <name>', 'e.g. backend, frontend, reasoning')
    .option('--capability <name...>', 'skills, e.g. python typescript')
    .action(
      act(async ({ client, out }, id: string, o: { endpoint: string; model: string[]; parallel?: number; specialization?: string; capability?: string[] }) => {
        const a = await client.addAgent({
          id,
          endpoint: o.endpoint,
          models: o.model,
          ...(o.parallel !== undefined ? { parallel: o.parallel } : {}),
          ...(o.specialization ? { specialization: o.specialization } : {}),
          ...(o.capability ? { capabilities: o.capability } : {}),
        });
        out.print(a, () => `added agent ${a.id} (${a.endpoint})`);
      }),
    );

  agents
    .command('remove')
    .description('Remove an agent node added over the API (operator)')
    .argument('<id>', 'node id')
    .action(
      act(async ({ client, out }, id: string) => {
        await client.removeAgent(id);
        out.print({ id, removed: true }, () => `removed agent ${id}`);
      }),
    );
}
