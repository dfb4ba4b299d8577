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
 * same cleanup.
 */
import {
  CancellationScope,
  allHandlersFinished,
  condition,
  isCancellation,
  log,
  proxyActivities,
  setHandler,
  upsertSearchAttributes,
  uuid4,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities } from '../../activities';
import type { TaskDetails } from '../../activities/forge/issue-activities';
import type { TeamSettings } from '../../activities/team/team-activities';
import { failureMessage, nonRetryableFailure } from '../../domain/failures';
import { DATABASE, DOCKER_DEPLOY, DOCKER_REMOVE, FORGE } from '../activity-profiles';
import { forgeCommandSignal, issueClosedSignal, type IntakeInput } from '../definitions';
import { temporalWorkflowUrl } from '../../domain/links';
import { callLlm } from '../llm-call';
import type { WhooshKind } from '../../domain/kinds';
import { WHOOSH_ISSUE, WHOOSH_KIND, WHOOSH_REPOSITORY, WHOOSH_STATUS_DETAIL } from '../../domain/search-attributes';
import { classifyTask, type Classification } from '../../domain/team/classify-task';
import { composeTeam, roleSpec, scoreAgent, type CandidateAgent, type Team } from '../../domain/team/compose-team';
import {
  cancelTeamSignal,
  completeTeamSignal,
  reformTeamUpdate,
  teamStateQuery,
  type Member,
  type ReformRequest,
  type TeamState,
  type TeamStatus,
} from './definitions';
import { classificationRequest, parseLlmClassification } from '../../domain/team/llm-classification';
import { TEAM_STATUS_LABELS } from '../../domain/status-labels';
import { deployFailedComment, endedComment, formedComment, reformComment, teamMarker } from '../../domain/team/report';

const db = proxyActivities<Activities>(DATABASE);
const forge = proxyActivities<Activities>(FORGE);
const { deployAgent } = proxyActivities<Activities>(DOCKER_DEPLOY);
const { removeAgents } = proxyActivities<Activities>(DOCKER_REMOVE);

export interface TeamFormationResult {
  readonly teamId: string;
  readonly status: 'done' | 'cancelled';
  readonly outcome: string;
  readonly members: Member[];
  readonly removed: string[];
}

interface Ending {
  readonly status: 'done' | 'cancelled';
  readonly outcome: string;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

export async function teamFormation(input: IntakeInput): Promise<TeamFormationResult> {
  const info = workflowInfo();
  const teamId = uuid4();
  const repository = `${input.issue.owner}/${input.issue.name}`;
  const issueRef = { repositoryId: input.repositoryId, number: input.issue.number };
  const state: Mutable<TeamState> = {
    teamId,
    status: 'forming',
    repository,
    issue: { number: input.issue.number, title: input.issue.title, url: input.issue.url },
    members: [],
    unfilled: [],
    reforms: [],
  };
  let ending: Ending | undefined;
  let saved = false;
  let settings: TeamSettings | undefined;
  let task: TaskDetails | undefined;
  const reforming = new Set<string>();
  const endWith = (e: Ending): void => void (ending ??= e);

  setHandler(teamStateQuery, () => ({ ...state, members: [...state.members], reforms: [...state.reforms] }));
  setHandler(issueClosedSignal, (e) => endWith({ status: 'done', outcome: `The issue was closed by ${e.closedBy}.` }));
  setHandler(completeTeamSignal, (e) => endWith({ status: 'done', outcome: `Marked complete by ${e.by}${e.reason ? `: ${e.reason}` : '.'}` }));
  setHandler(cancelTeamSignal, (e) => endWith({ status: 'cancelled', outcome: `Cancelled by ${e.by}${e.reason ? `: ${e.reason}` : '.'}` }));
  setHandler(forgeCommandSignal, (c) => {
    if (c.command === 'cancel') endWith({ status: 'cancelled', outcome: `Cancelled by ${c.user} with /cancel${c.text ? `: ${c.text}` : '.'}` });
  });
  setHandler(reformTeamUpdate, (req) => reform(req), {
    validator: (req: ReformRequest) => {
      if (state.status !== 'active' || ending) throw new Error(`the team is ${ending ? 'ending' : state.status}; only an active team can be reformed`);
      if (!state.members.some((m) => m.roleId === req.roleId)) {
        throw new Error(`the team has no role "${req.roleId}"; its roles are ${state.members.map((m) => m.roleId).join(', ')}`);
      }
      if (reforming.has(req.roleId)) throw new Error(`role "${req.roleId}" is being reformed already`);
    },
  });

  async function setStatus(status: TeamStatus, patch: { outcome?: string; error?: string; reportCommentId?: number; clearContainers?: boolean } = {}): Promise<void> {
    upsertSearchAttributes([{ key: WHOOSH_STATUS_DETAIL, value: status }]);
    if (saved) await db.setTeamStatus({ teamId, status, ...patch });
    await forge.setIssueStatusLabel({ ...issueRef, label: TEAM_STATUS_LABELS[status] });
    // Last: a status seen through the query is one the read model and the issue show too.
    state.status = status;
  }

  const urls = (): { dashboardUrl?: string; timelineUrl?: string } => ({
    dashboardUrl: settings ? `${settings.dashboardUrl}/teams/${teamId}` : undefined,
    timelineUrl: settings ? temporalWorkflowUrl(settings.temporalUiUrl, settings.namespace, info.workflowId, info.runId) : undefined,
  });

  async function comment(occasion: string, body: string): Promise<number> {
    const { commentId } = await forge.postIssueComment({ ...issueRef, marker: teamMarker(teamId, occasion), body });
    return commentId;
  }

  async function classify(task: TaskDetails, s: TeamSettings): Promise<{ classification: Classification; fallback?: string }> {
    const heuristics = classifyTask(task);
    if (!s.llmClassification.enabled) return { classification: heuristics };
    const { model, specialization, timeoutSeconds } = s.llmClassification;
    try {
      const answer = await CancellationScope.withTimeout(timeoutSeconds * 1000, () =>
        callLlm({ needs: { ...(model ? { model } : {}), ...(specialization ? { specialization } : {}) }, request: classificationRequest(task) }),
      );
      if (answer.content === undefined) return { classification: heuristics, fallback: `the answer was too long (${answer.contentLength} characters)` };
      const parsed = parseLlmClassification(answer.content, `${answer.model} on ${answer.nodeId}`);
      if (parsed.ok) return { classification: parsed.classification };
      log.warn('LLM classification unusable; heuristics decide', { error: parsed.error });
      return { classification: heuristics, fallback: parsed.error };
    } catch (err) {
      // Our own cancellation must go on; a timeout of the scope above is a fallback.
      if (isCancellation(err) && CancellationScope.current().consideredCancelled) throw err;
      const why = isCancellation(err) ? `no answer within ${timeoutSeconds}s` : failureMessage(err);
      log.warn('LLM classification failed; heuristics decide', { error: why });
      return { classification: heuristics, fallback: why };
    }
  }

  const taskContext = (t: TaskDetails) => ({ repository, number: input.issue.number, title: t.title, body: t.body, url: t.url, labels: t.labels });

  async function deployTeam(t: TaskDetails): Promise<void> {
    await setStatus('deploying');
    for (let i = 0; i < state.members.length; i++) {
      if (ending) return;
      const member = state.members[i]!;
      try {
        const container = await deployAgent({ teamId, taskId: info.workflowId, member, task: taskContext(t) });
        state.members[i] = { ...member, container };
        await db.saveMember({ teamId, member: state.members[i]! });
      } catch (err) {
        if (isCancellation(err)) throw err;
        // Saga: undo the deployments made so far, then say so.
        const error = failureMessage(err);
        const removed = await removeAgents({ teamId });
        state.members = state.members.map(({ container: _gone, ...m }) => m);
        state.error = `deploying ${member.roleId} failed: ${error}`;
        await setStatus('failed', { error: state.error, clearContainers: true });
        await comment('deploy-failed', deployFailedComment(teamId, error, removed, urls()));
        throw nonRetryableFailure('TeamDeploymentFailed', state.error);
      }
    }
  }

  async function reform(req: ReformRequest): Promise<Member> {
    reforming.add(req.roleId);
    try {
      const index = state.members.findIndex((m) => m.roleId === req.roleId);
      const current = state.members[index]!;
      const spec = roleSpec(req.roleId);
      if (!spec || !state.classification || !settings || !task) throw nonRetryableFailure('ReformImpossible', `role "${req.roleId}" cannot be scored`);
      const candidates = await db.teamCandidates();
      let chosen: CandidateAgent | undefined;
      if (req.agentId !== undefined) {
        chosen = candidates.find((c) => c.id === req.agentId);
        if (!chosen) throw nonRetryableFailure('UnknownAgent', `no agent node "${req.agentId}" is registered`);
        if (chosen.status === 'down') throw nonRetryableFailure('AgentDown', `agent node "${req.agentId}" is down`);
      } else {
        const others = candidates.filter((c) => c.status !== 'down' && c.id !== current.agentId);
        const free = others.filter((c) => !state.members.some((m) => m.agentId === c.id));
        const pool = free.length > 0 ? free : others;
        chosen = pool
          .map((c) => ({ c, s: scoreAgent(spec, c, state.classification!, settings!.team.strategy).score }))
          .sort((a, b) => b.s - a.s || a.c.id.localeCompare(b.c.id))[0]?.c;
        if (!chosen) throw nonRetryableFailure('NoOtherAgent', `no other agent node can take ${req.roleId}`);
      }
      const scored = scoreAgent(spec, chosen, state.classification, settings.team.strategy);
      let member: Member = { roleId: current.roleId, roleTitle: current.roleTitle, agentId: chosen.id, agentName: chosen.name, model: chosen.model ?? null, score: scored.score, reasons: scored.reasons };
      if (settings.docker) {
        await removeAgents({ teamId, roleId: req.roleId });
        const container = await deployAgent({ teamId, taskId: info.workflowId, member, task: taskContext(task) });
        member = { ...member, container };
      }
      await db.saveMember({ teamId, member });
      state.members[index] = member;
      const record = { roleId: req.roleId, from: current.agentId, to: chosen.id, by: req.by, ...(req.reason ? { reason: req.reason } : {}) };
      state.reforms.push(record);
      await comment(`reform-${state.reforms.length}`, reformComment(teamId, state.reforms.length, record, member));
      return member;
    } finally {
      reforming.delete(req.roleId);
    }
  }

  async function finish(e: Ending): Promise<TeamFormationResult> {
    await setStatus('cleaning_up');
    let removed: string[] = [];
    let outcome = e.outcome;
    if (settings?.docker) {
      try {
        removed = await removeAgents({ teamId });
      } catch (err) {
        outcome += ` Removing the agents failed (${failureMessage(err)}); containers labelled whoosh.team=${teamId} may remain.`;
      }
    }
    state.members = state.members.map(({ container: _gone, ...m }) => m);
    state.outcome = outcome;
    await setStatus(e.status, { outcome, clearContainers: true });
    await comment('ended', endedComment(teamId, e.status, outcome, removed));
    return { teamId, status: e.status, outcome, members: state.members, removed };
  }

  upsertSearchAttributes([
    { key: WHOOSH_KIND, value: 'team' satisfies WhooshKind },
    { key: WHOOSH_REPOSITORY, value: repository },
    { key: WHOOSH_ISSUE, value: input.issue.number },
    { key: WHOOSH_STATUS_DETAIL, value: 'forming' },
  ]);

  try {
    settings = await db.teamSettings();
    task = await forge.loadTask(issueRef);
    state.issue = { number: input.issue.number, title: task.title, url: task.url };
    if (task.state === 'closed') endWith({ status: 'done', outcome: 'The issue was closed before the team formed.' });

    const { classification, fallback } = await classify(task, settings);
    state.classification = classification;
    if (fallback !== undefined) state.classificationFallback = fallback;
    const team: Team = composeTeam(classification, await db.teamCandidates(), settings.team);
    if (team.members.length === 0) {
      state.error = `no agent could be found for the team: ${team.unfilled.map((u) => u.reason)[0] ?? 'no roles'}`;
      await setStatus('failed', { error: state.error });
      throw nonRetryableFailure('NoTeam', state.error);
    }
    state.members = [...team.members];
    state.unfilled = team.unfilled;
    await db.saveTeam({
      teamId,
      workflowId: info.workflowId,
      runId: info.runId,
      repositoryId: input.repositoryId,
      repository,
      forge: input.forge,
      issue: state.issue,
      status: 'forming',
      classification,
      ...(fallback !== undefined ? { classificationFallback: fallback } : {}),
      scoring: team.table,
      unfilled: team.unfilled,
      members: state.members,
    });
    saved = true;
    await setStatus('forming');

    if (!ending && settings.docker) await deployTeam(task);
    if (!ending) {
      const reportCommentId = await comment(
        'formed',
        formedComment({ teamId, classification, classificationFallback: fallback, team, members: state.members, docker: settings.docker ? 'deployed' : 'off', ...urls() }),
      );
      await setStatus('active', { reportCommentId });
      await condition(() => ending !== undefined);
    }
    await condition(allHandlersFinished);
    return await finish(ending!);
  } catch (err) {
    if (!isCancellation(err)) throw err;
    // Cancelled through Temporal (Web UI, API): the same cleanup, out of reach of the cancellation.
    // It completes (as a signalled cancellation does), so the same issue does not start a formation again.
    return await CancellationScope.nonCancellable(() => finish({ status: 'cancelled', outcome: 'The workflow was cancelled through Temporal.' }));
  }
}
