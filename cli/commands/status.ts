/** `whoosh status`: is WHOOSH up, are its nodes, what runs, what is wrong. */
import type { Command } from 'commander';
import { act } from '../context';
import { EXIT, fields } from '../output';

export function statusCommand(program: Command): void {
  program
    .command('status')
    .description('Health, agent nodes up, running executions and open alerts (exit 3 when unreachable)')
    .action(
      act(async ({ client, out, conn }) => {
        const health = await client.health();
        const [ready, me, agents, counts, alerts] = await Promise.all([client.ready(), client.me(), client.agents(), client.executionCounts(), client.alerts('open')]);
        const up = agents.filter((a) => a.status === 'up').length;
        const running = counts.total.byStatus.RUNNING ?? 0;
        const value = {
          url: conn.url,
          version: health.version,
          ready: ready.status === 'ready',
          down: ready.down,
          user: { name: me.name, role: me.role },
          agents: { up, total: agents.length },
          running,
          runningByKind: Object.fromEntries(counts.kinds.filter((k) => (k.byStatus.RUNNING ?? 0) > 0).map((k) => [k.kind ?? 'other', k.byStatus.RUNNING])),
          openAlerts: alerts.map((a) => ({ id: a.id, node: a.nodeId, severity: a.severity, message: a.message })),
        };
        out.print(value, () =>
          fields([
            ['whoosh', `${conn.url} (version ${health.version}, uptime ${health.uptimeSeconds} s)`],
            ['ready', value.ready ? 'yes' : `no: ${ready.down.join(', ')} down`],
            ['signed in as', `${me.name} (${me.role})`],
            ['agents up', `${up}/${agents.length}`],
            ['running', `${running}${Object.keys(value.runningByKind).length ? ` (${Object.entries(value.runningByKind).map(([k, n]) => `${k} ${n}`).join(', ')})` : ''}`],
            ['open alerts', alerts.length === 0 ? 'none' : alerts.map((a) => `\n  ${a.severity} ${a.nodeId ?? ''} ${a.message}`).join('')],
          ]),
        );
        return value.ready ? EXIT.ok : EXIT.unreachable;
      }),
    );
}
