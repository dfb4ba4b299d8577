/** `whoosh teams` and `whoosh councils`: the two long-running processes people steer. */
import type { Command } from 'commander';
import { TEAM_STATUSES, COUNCIL_STATUSES } from '../../domain/statuses';
import { act, whole } from '../context';
import { ago, fields, table } from '../output';

const listOptions = (cmd: Command, statuses: readonly string[]) =>
  cmd
    .option('--repository <owner/name>', 'only this repository')
    .option('--status <status>', `one of ${statuses.join(', ')}`)
    .option('--limit <n>', 'at most this many', whole);

export function teamCommands(program: Command): void {
  const teams = program.command('teams').description('Teams formed for task issues');

  listOptions(teams.command('list').description('Teams, newest first'), TEAM_STATUSES).action(
    act(async ({ client, out }, o: { repository?: string; status?: string; limit?: number }) => {
      const { teams: list } = await client.teams({ repository: o.repository, status: o.status, limit: o.limit });
      out.print(list, () =>
        table(
          ['ID', 'STATUS', 'ISSUE', 'TYPE', 'MEMBERS', 'CREATED'],
          list.map((t) => [t.id, t.status, `${t.repository}#${t.issue.number}`, `${t.taskType}/${t.complexity}`, t.memberCount, ago(t.createdAt)]),
        ),
      );
    }),
  );

  teams
    .command('show')
    .description('A team: its classification and members')
    .argument('<id>', 'team id (UUID)')
    .action(
      act(async ({ client, out }, id: string) => {
        const t = await client.team(id);
        out.print(t, () =>
          [
            fields([
              ['id', t.id],
              ['issue', `${t.repository}#${t.issue.number} ${t.issue.title}`],
              ['status', t.status],
              ['task', `${t.classification.type}, ${t.classification.complexity.level}`],
              ['outcome', t.outcome],
              ['error', t.error],
            ]),
            '',
            table(['ROLE', 'AGENT', 'MODEL', 'SCORE'], t.members.map((m) => [m.roleId, m.agentId, m.model, m.score.toFixed(2)]), '(no members)'),
          ].join('\n'),
        );
      }),
    );

  teams
    .command('cancel')
    .description('Cancel a running team (operator)')
    .argument('<id>', 'team id')
    .option('--reason <text>', 'said on the issue')
    .action(
      act(async ({ client, out }, id: string, o: { reason?: string }) => {
        const r = await client.cancelTeam(id, o.reason);
        out.print(r, () => `team ${r.id}: ${r.status}`);
      }),
    );

  teams
    .command('reform')
    .description('Give a role to another agent (operator)')
    .argument('<id>', 'team id')
    .requiredOption('--role <roleId>', 'the role to refill')
    .option('--agent <agentId>', 'the agent to take it (default: the best other candidate)')
    .option('--reason <text>', 'why')
    .action(
      act(async ({ client, out }, id: string, o: { role: string; agent?: string; reason?: string }) => {
        const m = await client.reformTeam(id, { roleId: o.role, ...(o.agent ? { agentId: o.agent } : {}), ...(o.reason ? { reason: o.reason } : {}) });
        out.print(m, () => `${m.roleTitle} is now ${m.agentId}`);
      }),
    );
}

export function councilCommands(program: Command): void {
  const councils = program.command('councils').description('Design councils formed for Design Briefs');

  listOptions(councils.command('list').description('Councils, newest first'), COUNCIL_STATUSES).action(
    act(async ({ client, out }, o: { repository?: string; status?: string; limit?: number }) => {
      const { councils: list } = await client.councils({ repository: o.repository, status: o.status, limit: o.limit });
      out.print(list, () =>
        table(
          ['ID', 'STATUS', 'ISSUE', 'ROUND', 'ROLES', 'CREATED'],
          list.map((c) => [c.id, c.status, `${c.repository}#${c.issue.number}`, c.currentRound, c.roles.join(','), ago(c.createdAt)]),
        ),
      );
    }),
  );

  councils
    .command('show')
    .description('A council: members, rounds, decision and task issues')
    .argument('<id>', 'council id (UUID)')
    .action(
      act(async ({ client, out }, id: string) => {
        const c = await client.council(id);
        out.print(c, () =>
          [
            fields([
              ['id', c.id],
              ['issue', `${c.repository}#${c.issue.number} ${c.issue.title}`],
              ['status', c.status],
              ['round', c.currentRound],
              ['decision', c.decision ? `${c.decision.decision} by ${c.decision.by}` : null],
              ['tasks', c.tasks.map((t) => `#${t.number}`).join(' ')],
            ]),
            '',
            table(['ROUND', 'STATUS', 'FEEDBACK'], c.rounds.map((r) => [r.round, r.status, r.feedback?.text])),
          ].join('\n'),
        );
      }),
    );

  councils
    .command('approve')
    .description('Approve the plan: its tasks become issues (operator)')
    .argument('<id>', 'council id')
    .action(
      act(async ({ client, out }, id: string) => {
        const r = await client.approveCouncil(id);
        out.print(r, () => `council ${r.councilId}: approved round ${r.round}, ${r.next}`);
      }),
    );

  councils
    .command('revise')
    .description('Send the plan back with feedback for another round (operator)')
    .argument('<id>', 'council id')
    .requiredOption('--feedback <text>', 'what to change')
    .action(
      act(async ({ client, out }, id: string, o: { feedback: string }) => {
        const r = await client.reviseCouncil(id, o.feedback);
        out.print(r, () => `council ${r.councilId}: revision asked after round ${r.round}, ${r.next}`);
      }),
    );
}
