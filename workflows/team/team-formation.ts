/**
 * Team formation: a task issue becomes a team of agents, explainable, visible
 * on the issue, and cleaned up when the task ends.
 *
 *   classify → compose → persist → deploy (saga) → report → follow → clean up
 *
 * Classification is the heuristics, or an LLM through the agent network with
 * the heuristics as the recorded fallback. The team and its scoring table go
 * to the read model before anything is deployed, so a failure leaves a record
 * of what was attempted. A deployment that fails removes what it deployed and
 * says so on the issue. Following the task, the workflow waits for the issue
 * to close, a completion or cancellation (signal, `/cancel` comment, or a
 * Temporal cancel), and answers `reformTeam` updates; every ending runs the
 * same cleanup. The steps themselves are in ./formation.ts.
 */
import { allHandlersFinished, condition, setHandler } from '@temporalio/workflow';
import { forgeCommandSignal, issueClosedSignal, type IntakeInput } from '../definitions';
import { markExecution, runToEnd } from '../lifecycle';
import { cancelTeamSignal, completeTeamSignal, reformTeamUpdate, teamStateQuery } from './definitions';
import { Formation, type TeamFormationResult } from './formation';

export type { TeamFormationResult } from './formation';

export async function teamFormation(input: IntakeInput): Promise<TeamFormationResult> {
  const team = new Formation(input);

  setHandler(teamStateQuery, () => team.snapshot());
  setHandler(issueClosedSignal, (e) => team.endWith({ status: 'done', outcome: `The issue was closed by ${e.closedBy}.` }));
  setHandler(completeTeamSignal, (e) => team.endWith({ status: 'done', outcome: `Marked complete by ${e.by}${e.reason ? `: ${e.reason}` : '.'}` }));
  setHandler(cancelTeamSignal, (e) => team.endWith({ status: 'cancelled', outcome: `Cancelled by ${e.by}${e.reason ? `: ${e.reason}` : '.'}` }));
  setHandler(forgeCommandSignal, (c) => {
    if (c.command === 'cancel') team.endWith({ status: 'cancelled', outcome: `Cancelled by ${c.user} with /cancel${c.text ? `: ${c.text}` : '.'}` });
  });
  setHandler(reformTeamUpdate, (req) => team.reform(req), { validator: (req) => team.validateReform(req) });

  markExecution('team', team.repository, input.issue.number, 'forming');

  return runToEnd(
    async () => {
      const { classification, fallback, team: composed } = await team.form();
      await team.persist(classification, fallback, composed);
      if (!team.ending && team.settings!.docker) await team.deploy(team.task!);
      if (!team.ending) {
        await team.report(classification, fallback, composed);
        await condition(() => team.ending !== undefined);
      }
      await condition(allHandlersFinished);
      return await team.finish(team.ending!);
    },
    (e) => team.finish(e),
  );
}
