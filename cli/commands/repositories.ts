/** `whoosh repositories`: the monitored forge repositories and their sync. */
import type { Command } from 'commander';
import { act, whole } from '../context';
import { ago, CliError, EXIT, table } from '../output';

export function repositoryCommands(program: Command): void {
  const repos = program.command('repositories').alias('repos').description('Monitored repositories on Gitea or GitHub');

  repos
    .command('list')
    .description('Monitored repositories')
    .action(
      act(async ({ client, out }) => {
        const list = await client.repositories();
        out.print(list, () =>
          table(['ID', 'REPOSITORY', 'KIND', 'MONITOR', 'LABELS', 'LAST SYNC'], list.map((r) => [r.id, `${r.owner}/${r.name}`, r.kind, r.monitor, r.labels.join(','), ago(r.lastSyncedAt)])),
        );
      }),
    );

  repos
    .command('add')
    .description('Monitor a repository (operator); prints the webhook URL and secret to set on the forge')
    .argument('<owner/name>', 'the repository')
    .requiredOption('--kind <kind>', 'gitea or github')
    .requiredOption('--base-url <url>', 'the forge, e.g. https://gitea.example.com or https://api.github.com')
    .option('--token <token>', 'forge token for this repository')
    .option('--label <name...>', 'labels to watch besides the defaults')
    .option('--no-monitor', 'register without watching')
    .action(
      act(async ({ client, out }, full: string, o: { kind: string; baseUrl: string; token?: string; label?: string[]; monitor: boolean }) => {
        const [owner, name, ...rest] = full.split('/');
        if (!owner || !name || rest.length > 0) throw new CliError(`"${full}" is not owner/name`, EXIT.usage);
        const r = await client.addRepository({ kind: o.kind, baseUrl: o.baseUrl, owner, name, monitor: o.monitor, ...(o.token ? { token: o.token } : {}), ...(o.label ? { labels: o.label } : {}) });
        out.print(r, () => [`added ${r.owner}/${r.name} (id ${r.id})`, `webhook url:    ${r.webhookUrl}`, `webhook secret: ${r.webhookSecret ?? '(set)'}`].join('\n'));
      }),
    );

  repos
    .command('sync')
    .description('Sync a repository’s issues now (operator)')
    .argument('<id>', 'repository id', whole)
    .action(
      act(async ({ client, out }, id: number) => {
        const r = await client.syncRepository(id);
        out.print(r, () => `sync started: ${r.workflowId}`);
      }),
    );
}
