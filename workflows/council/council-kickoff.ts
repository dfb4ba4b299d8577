/**
 * Council kickoff: a Design Brief becomes a kickoff plan a person approves,
 * and the approved plan becomes the task issues that teams take up.
 *
 *   compose → deliberate (in parallel) → quorum → synthesize → report →
 *   await a decision (reminders, expiry) → approve: open the task issues
 *                                        → revise: another round
 *                                        → cancel
 *
 * Composition is pure and recorded, with its reasons, in the read model. Each
 * member writes its artifact with one LLM call through the agent network —
 * routed to a node suited to its role, failing over when a node dies — with
 * the artifact's JSON Schema as the output format; an answer that does not
 * validate gets one repair, then the member fails, and the quorum decides
 * whether the round goes on without it. The engineering lead synthesizes the
 * plan. Artifacts are stored in Postgres and the summary comment is rendered
 * from there, so they travel by reference.
 *
 * Decisions come as the `decideCouncil` update (API, dashboard; operators and
 * admins, only while a decision is awaited) or as `/approve`, `/revise
 * <feedback>` and `/cancel` comments; a command that cannot be taken gets a
 * short reply saying why. A revision runs another round with every member's
 * previous artifact and all feedback so far; earlier rounds are kept, and
 * when a revision fails the previous plan stands. Task issues are opened in
 * dependency order, each looked for by its marker before it is opened, so no
 * retry or second approval duplicates one; the intake then starts a team
 * formation for each. The steps themselves are in ./council.ts.
 */
import { allHandlersFinished, condition, setHandler } from '@temporalio/workflow';
import type { KickoffPlan, MemberArtifact } from '../../domain/council/artifacts';
import type { CouncilRoleId } from '../../domain/council/compose-council';
import type { Revision } from '../../domain/council/prompts';
import { forgeCommandSignal, issueClosedSignal, type IntakeInput } from '../definitions';
import { markExecution, runToEnd } from '../lifecycle';
import { Council, ROUND_AFTER, type CouncilEnding } from './council';
import { runRound } from './deliberation';
import { councilStateQuery, decideCouncilUpdate, type CouncilKickoffResult } from './definitions';

export async function councilKickoff(input: IntakeInput): Promise<CouncilKickoffResult> {
  const council = new Council(input);
  const { state } = council;

  setHandler(councilStateQuery, () => state);
  setHandler(decideCouncilUpdate, (req) => council.decide(req), { validator: (req) => council.validateDecision(req) });
  setHandler(forgeCommandSignal, (c) => council.command(c));
  setHandler(issueClosedSignal, (e) => council.issueClosed(e));

  markExecution('council', council.repository, input.issue.number, 'deliberating');

  return runToEnd(
    async () => {
      const convened = await council.convene();
      const { members } = convened;
      let { brief } = convened;
      const revisions: Revision[] = [];
      const previous = new Map<CouncilRoleId, MemberArtifact>();
      let plan: KickoffPlan | undefined;
      let ending: CouncilEnding | undefined;
      for (let round = 1; ending === undefined; round++) {
        if (council.stop) {
          ending = council.stop;
          break;
        }
        const outcome = await council.stoppable(() => runRound(council, round, brief, members, revisions, previous, plan));
        if (outcome === 'stopped') {
          ending = council.stop!;
          break;
        }
        if (outcome.ok) {
          for (const [role, artifact] of outcome.artifacts) previous.set(role, artifact);
          plan = outcome.plan;
          await council.propose(round, outcome);
        } else if (!state.plan) {
          return await council.fail(round, outcome.error, outcome.type);
        } else {
          await council.revisionFailed(round, outcome.error);
        }

        const d = await council.awaitDecision(state.plan!);
        if (!('decision' in d)) {
          ending = d;
          break;
        }
        state.decision = d;
        council.patchRound(d.round, { status: ROUND_AFTER[d.decision], decision: d });
        const recorded = { round: { round: d.round, status: ROUND_AFTER[d.decision], decision: d }, decision: d };
        if (d.decision === 'approve') {
          await council.setStatus('creating_tasks', recorded);
          await council.createTasks(plan!);
          ending = { status: 'approved', outcome: `Approved by ${d.by}; ${state.tasks.length} task issue${state.tasks.length === 1 ? '' : 's'} opened.` };
        } else if (d.decision === 'cancel') {
          await council.recordDecision(recorded);
          ending = { status: 'cancelled', outcome: `Cancelled by ${d.by}${d.via === 'comment' ? ' with /cancel' : ''}${d.feedback ? `: ${d.feedback}` : '.'}` };
        } else {
          await council.recordDecision(recorded);
          revisions.push({ round: d.round, feedback: d.feedback!, by: d.by });
          // People edit the brief along with their feedback; the council reads it again.
          brief = await council.loadBrief();
        }
      }
      await condition(allHandlersFinished);
      return await council.finish(ending);
    },
    // Cancelled through Temporal: closed as a cancelled council.
    (e) => council.finish(e),
  );
}
