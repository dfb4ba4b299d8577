/**
 * A team formation's state and what it does: classify, compose, deploy with
 * a saga, reform a role, and clean up at the end. teamFormation (the workflow)
 * wires these to its handlers and runs them in order.
 */
import { isCancellation, log, proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../../activities';
import type { TaskDetails } from '../../activities/forge/issue-activities';
import type { TeamSettings } from '../../activities/team/team-activities';
import { failureMessage, nonRetryableFailure } from '../../domain/failures';
import { temporalWorkflowUrl } from '../../domain/links';
import { TEAM_STATUS_LABELS } from '../../domain/status-labels';
import { classifyTask, type Classification } from '../../domain/team/classify-task';
import { composeTeam, roleSpec, scoreAgent, type CandidateAgent, type Team } from '../../domain/team/compose-team';
import { classificationRequest, parseLlmClassification } from '../../domain/team/llm-classification';
import { deployFailedComment, endedComment, formedComment, reformComment, teamMarker } from '../../domain/team/report';
import { DATABASE, DOCKER_DEPLOY, DOCKER_REMOVE, FORGE } from '../activity-profiles';
import type { IntakeInput } from '../definitions';
import { IssueProcess, withFallback, type Ending, type Mutable, type Shortfall } from '../lifecycle';
import { callLlmWithFailover } from '../llm-call';
import type { Member, ReformRequest, TeamState, TeamStatus } from './definitions';

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

export type TeamEnding = Ending<'done' | 'cancelled'>;

type StatusPatch = { outcome?: string; error?: string; reportCommentId?: number; clearContainers?: boolean };

export class Formation extends IssueProcess<TeamStatus, StatusPatch, TeamSettings> {
  readonly teamId = this.id;
  readonly state: Mutable<TeamState>;
  ending: TeamEnding | undefined;
  task: TaskDetails | undefined;
  private readonly reforming = new Set<string>();
  protected readonly labels = TEAM_STATUS_LABELS;

  constructor(input: IntakeInput) {
    super(input);
    this.state = { teamId: this.teamId, ...this.opening('forming'), members: [], unfilled: [], reforms: [] };
  }

  protected saveStatus(status: TeamStatus, patch: StatusPatch): Promise<void> {
    return db.setTeamStatus({ teamId: this.teamId, status, ...patch });
  }

  /** The first ending asked for is the one that counts. */
  endWith(e: TeamEnding): void {
    this.ending ??= e;
  }

  snapshot(): TeamState {
    return { ...this.state, members: [...this.state.members], reforms: [...this.state.reforms] };
  }

  private urls(): { dashboardUrl?: string; timelineUrl?: string } {
    const s = this.settings;
    return {
      dashboardUrl: s ? `${s.dashboardUrl}/teams/${this.teamId}` : undefined,
      timelineUrl: s ? temporalWorkflowUrl(s.temporalUiUrl, s.namespace, this.info.workflowId, this.info.runId) : undefined,
    };
  }

  private async comment(occasion: string, body: string): Promise<number> {
    const { commentId } = await forge.postIssueComment({ ...this.issueRef, marker: teamMarker(this.teamId, occasion), body });
    return commentId;
  }

  private taskContext(t: TaskDetails) {
    return { repository: this.repository, number: this.input.issue.number, title: t.title, body: t.body, url: t.url, labels: t.labels };
  }

  /** The heuristics, or the LLM with the heuristics as the recorded fallback. */
  async classify(task: TaskDetails, s: TeamSettings): Promise<{ classification: Classification; fallback?: string }> {
    const heuristics = classifyTask(task);
    if (!s.llmClassification.enabled) return { classification: heuristics };
    const { model, specialization, timeoutSeconds } = s.llmClassification;
    const answer = await withFallback(
      timeoutSeconds,
      () => callLlmWithFailover({ needs: { ...(model ? { model } : {}), ...(specialization ? { specialization } : {}) }, request: classificationRequest(task) }),
      (why): Shortfall => why,
    );
    if ('timedOut' in answer) {
      const fallback = answer.timedOut ? `no answer within ${timeoutSeconds}s` : answer.message;
      log.warn('LLM classification failed; heuristics decide', { error: fallback });
      return { classification: heuristics, fallback };
    }
    if (answer.content === undefined) return { classification: heuristics, fallback: `the answer was too long (${answer.contentLength} characters)` };
    const parsed = parseLlmClassification(answer.content, `${answer.model} on ${answer.nodeId}`);
    if (parsed.ok) return { classification: parsed.classification };
    log.warn('LLM classification unusable; heuristics decide', { error: parsed.error });
    return { classification: heuristics, fallback: parsed.error };
  }

  /** Loads settings and the issue, classifies and composes; fails with NoTeam when no agent fits. */
  async form(): Promise<{ classification: Classification; fallback?: string; team: Team }> {
    const settings = (this.settings = await db.teamSettings());
    const task = (this.task = await forge.loadTask(this.issueRef));
    this.state.issue = { number: this.input.issue.number, title: task.title, url: task.url };
    if (task.state === 'closed') this.endWith({ status: 'done', outcome: 'The issue was closed before the team formed.' });

    const { classification, fallback } = await this.classify(task, settings);
    this.state.classification = classification;
    if (fallback !== undefined) this.state.classificationFallback = fallback;
    const team = composeTeam(classification, await db.teamCandidates(), settings.team);
    if (team.members.length === 0) {
      this.state.error = `no agent could be found for the team: ${team.unfilled.map((u) => u.reason)[0] ?? 'no roles'}`;
      await this.setStatus('failed', { error: this.state.error });
      throw nonRetryableFailure('NoTeam', this.state.error);
    }
    this.state.members = [...team.members];
    this.state.unfilled = team.unfilled;
    return { classification, ...(fallback !== undefined ? { fallback } : {}), team };
  }

  /** The team and its scoring table go to the read model before anything is deployed. */
  async persist(classification: Classification, fallback: string | undefined, team: Team): Promise<void> {
    await db.saveTeam({
      teamId: this.teamId,
      ...this.row(),
      status: 'forming',
      classification,
      ...(fallback !== undefined ? { classificationFallback: fallback } : {}),
      scoring: team.table,
      unfilled: team.unfilled,
      members: this.state.members,
    });
    this.saved = true;
    await this.setStatus('forming');
  }

  /** One container per member; when one fails, the ones made are removed and the issue says so. */
  async deploy(t: TaskDetails): Promise<void> {
    await this.setStatus('deploying');
    for (let i = 0; i < this.state.members.length; i++) {
      if (this.ending) return;
      const member = this.state.members[i]!;
      try {
        const container = await deployAgent({ teamId: this.teamId, taskId: this.info.workflowId, member, task: this.taskContext(t) });
        this.state.members[i] = { ...member, container };
        await db.saveMember({ teamId: this.teamId, member: this.state.members[i]! });
      } catch (err) {
        if (isCancellation(err)) throw err;
        // Saga: undo the deployments made so far, then say so.
        const error = failureMessage(err);
        const removed = await removeAgents({ teamId: this.teamId });
        this.state.members = this.state.members.map(({ container: _gone, ...m }) => m);
        this.state.error = `deploying ${member.roleId} failed: ${error}`;
        await this.setStatus('failed', { error: this.state.error, clearContainers: true });
        await this.comment('deploy-failed', deployFailedComment(this.teamId, error, removed, this.urls()));
        throw nonRetryableFailure('TeamDeploymentFailed', this.state.error);
      }
    }
  }

  /** Comments the team on the issue; the team is active from then on. */
  async report(classification: Classification, fallback: string | undefined, team: Team): Promise<void> {
    const reportCommentId = await this.comment(
      'formed',
      formedComment({
        teamId: this.teamId,
        classification,
        classificationFallback: fallback,
        team,
        members: this.state.members,
        docker: this.settings!.docker ? 'deployed' : 'off',
        ...this.urls(),
      }),
    );
    await this.setStatus('active', { reportCommentId });
  }

  /** Why `req` cannot be taken now (the update's validator). */
  validateReform(req: ReformRequest): void {
    const { state, ending } = this;
    if (state.status !== 'active' || ending) throw new Error(`the team is ${ending ? 'ending' : state.status}; only an active team can be reformed`);
    if (!state.members.some((m) => m.roleId === req.roleId)) {
      throw new Error(`the team has no role "${req.roleId}"; its roles are ${state.members.map((m) => m.roleId).join(', ')}`);
    }
    if (this.reforming.has(req.roleId)) throw new Error(`role "${req.roleId}" is being reformed already`);
  }

  /** Gives a role to another agent (named, or the best other candidate) without classifying again. */
  async reform(req: ReformRequest): Promise<Member> {
    const { state, settings, task, teamId } = this;
    this.reforming.add(req.roleId);
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
          .map((c) => ({ c, s: scoreAgent(spec, c, state.classification!, settings.team.strategy).score }))
          .sort((a, b) => b.s - a.s || a.c.id.localeCompare(b.c.id))[0]?.c;
        if (!chosen) throw nonRetryableFailure('NoOtherAgent', `no other agent node can take ${req.roleId}`);
      }
      const scored = scoreAgent(spec, chosen, state.classification, settings.team.strategy);
      let member: Member = { roleId: current.roleId, roleTitle: current.roleTitle, agentId: chosen.id, agentName: chosen.name, model: chosen.model ?? null, score: scored.score, reasons: scored.reasons };
      if (settings.docker) {
        await removeAgents({ teamId, roleId: req.roleId });
        const container = await deployAgent({ teamId, taskId: this.info.workflowId, member, task: this.taskContext(task) });
        member = { ...member, container };
      }
      await db.saveMember({ teamId, member });
      state.members[index] = member;
      const record = { roleId: req.roleId, from: current.agentId, to: chosen.id, by: req.by, ...(req.reason ? { reason: req.reason } : {}) };
      state.reforms.push(record);
      await this.comment(`reform-${state.reforms.length}`, reformComment(teamId, state.reforms.length, record, member));
      return member;
    } finally {
      this.reforming.delete(req.roleId);
    }
  }

  /** Every ending runs this: agents removed, team marked, outcome commented. */
  async finish(e: TeamEnding): Promise<TeamFormationResult> {
    const { teamId } = this;
    await this.setStatus('cleaning_up');
    let removed: string[] = [];
    let outcome = e.outcome;
    if (this.settings?.docker) {
      try {
        removed = await removeAgents({ teamId });
      } catch (err) {
        outcome += ` Removing the agents failed (${failureMessage(err)}); containers labelled whoosh.team=${teamId} may remain.`;
      }
    }
    this.state.members = this.state.members.map(({ container: _gone, ...m }) => m);
    this.state.outcome = outcome;
    await this.setStatus(e.status, { outcome, clearContainers: true });
    await this.comment('ended', endedComment(teamId, e.status, outcome, removed));
    return { teamId, status: e.status, outcome, members: this.state.members, removed };
  }
}
