/**
 * A council kickoff's state and what it does: convene, deliberate a round
 * (members in parallel, then the synthesis), wait for a decision with
 * reminders, open the task issues, and close. councilKickoff (the workflow)
 * wires these to its handlers and runs the rounds.
 */
import { CancellationScope, condition, isCancellation, log, proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../../activities';
import type { CouncilSettings } from '../../activities/council/council-activities';
import type { CouncilStatusPatch } from '../../activities/council/council-store';
import type { TaskDetails } from '../../activities/forge/issue-activities';
import { orderTasks, type KickoffPlan } from '../../domain/council/artifacts';
import { composeCouncil, type CouncilMember, type CouncilRoleId } from '../../domain/council/compose-council';
import { decisionProblem, roleProblem } from '../../domain/council/decisions';
import {
  councilMarker,
  formatHours,
  markerWhat,
  renderApprovedComment,
  renderCancelledComment,
  renderExpiryComment,
  renderFailedComment,
  renderNoticeComment,
  renderReminderComment,
  renderTaskIssue,
} from '../../domain/council/render';
import { failureMessage, nonRetryableFailure } from '../../domain/failures';
import { COUNCIL_STATUS_LABELS, FAILED_LABEL } from '../../domain/status-labels';
import { DATABASE, FORGE } from '../activity-profiles';
import type { ForgeCommand, IntakeInput, IssueClosed } from '../definitions';
import { IssueProcess, type Ending, type Mutable } from '../lifecycle';
import {
  COUNCIL_DECISIONS,
  type CouncilDecision,
  type CouncilDecisionAck,
  type CouncilDecisionRequest,
  type CouncilKickoffResult,
  type CouncilState,
  type CouncilStatus,
  type MemberState,
  type PlanRef,
  type RoundState,
  type RoundStatus,
} from './definitions';
import type { RoundFailure, RoundOutcome } from './deliberation';

const db = proxyActivities<Activities>(DATABASE);
const forge = proxyActivities<Activities>(FORGE);

export type CouncilEnding = Ending<'approved' | 'cancelled' | 'expired'>;

const NEXT: Record<CouncilDecision['decision'], CouncilDecisionAck['next']> = { approve: 'creating_tasks', revise: 'deliberating', cancel: 'cancelled' };
export const ROUND_AFTER: Record<CouncilDecision['decision'], RoundStatus> = { approve: 'approved', revise: 'revised', cancel: 'cancelled' };
const OPEN_ROUND: readonly RoundStatus[] = ['deliberating', 'synthesizing', 'proposed'];
const TASK_LABEL_COLOR = '0e8a16';
const HOUR_MS = 3_600_000;
/** Task issues are looked for among the issues updated since the council started, less this much for clock skew. */
const CLOCK_SKEW_MS = 24 * HOUR_MS;

const iso = (ms: number): string => new Date(ms).toISOString();

type StatusPatch = Omit<CouncilStatusPatch, 'councilId' | 'status'>;

export class Council extends IssueProcess<CouncilStatus, StatusPatch, CouncilSettings> {
  readonly councilId = this.id;
  readonly state: Mutable<CouncilState>;
  /** A decision taken while one was awaited, not acted on yet. */
  decided: CouncilDecision | undefined;
  /** An end asked for outside the wait: the brief closed, or /cancel while deliberating. */
  stop: CouncilEnding | undefined;
  private roundScope: CancellationScope | undefined;
  private reminders = 0;
  protected readonly labels = COUNCIL_STATUS_LABELS;

  constructor(input: IntakeInput) {
    super(input);
    this.state = { councilId: this.councilId, ...this.opening('deliberating'), quorum: 'core_only', composition: { members: [], skipped: [] }, round: 0, rounds: [], tasks: [] };
  }

  protected saveStatus(status: CouncilStatus, patch: StatusPatch): Promise<void> {
    return db.setCouncilStatus({ councilId: this.councilId, status, ...patch });
  }

  // ---- rounds in the state -----------------------------------------------------

  roundOf(round: number): RoundState {
    return this.state.rounds.find((r) => r.round === round)!;
  }

  patchRound(round: number, patch: Partial<RoundState>): void {
    this.state.rounds = this.state.rounds.map((r) => (r.round === round ? { ...r, ...patch } : r));
  }

  patchMember(round: number, role: CouncilRoleId, patch: Partial<MemberState>): void {
    this.patchRound(round, { members: this.roundOf(round).members.map((m) => (m.role === role ? { ...m, ...patch } : m)) });
  }

  comment(what: string, body: string) {
    return forge.postIssueComment({ ...this.issueRef, marker: councilMarker(this.councilId, what), body });
  }

  // ---- decisions (handlers) ------------------------------------------------------

  private decisionContext() {
    return { status: this.state.status, round: this.state.round, maxRounds: this.settings?.maxRounds ?? 1, decided: this.decided !== undefined || this.stop !== undefined };
  }

  private take(d: Omit<CouncilDecision, 'round' | 'at'>): CouncilDecision {
    this.decided = { ...d, round: this.state.plan!.round, at: new Date().toISOString() };
    return this.decided;
  }

  /** Ends the council as soon as it can: the running round is cancelled. */
  requestStop(e: CouncilEnding): void {
    this.stop ??= e;
    this.roundScope?.cancel();
  }

  /** The decideCouncil update's validator. */
  validateDecision(req: CouncilDecisionRequest): void {
    if (!COUNCIL_DECISIONS.includes(req.decision)) throw new Error(`unknown decision "${String(req.decision)}"; one of ${COUNCIL_DECISIONS.join(', ')}`);
    const problem = roleProblem(req.role) ?? decisionProblem(this.decisionContext(), req.decision, req.feedback);
    if (problem !== undefined) throw new Error(problem);
  }

  /** The decideCouncil update. */
  decide(req: CouncilDecisionRequest): CouncilDecisionAck {
    const feedback = req.feedback?.trim();
    const d = this.take({ decision: req.decision, by: req.by, via: 'api', ...(feedback ? { feedback } : {}) });
    return { councilId: this.councilId, decision: d.decision, round: d.round, next: NEXT[d.decision] };
  }

  /** `/approve`, `/revise <feedback>`, `/cancel` on the brief; a command that cannot be taken gets a reply saying why. */
  async command(c: ForgeCommand): Promise<void> {
    const text = c.text.trim();
    if (c.command === 'cancel' && (this.state.status === 'deliberating' || this.state.status === 'synthesizing')) {
      this.requestStop({ status: 'cancelled', outcome: `Cancelled by ${c.user} with /cancel${text ? `: ${text}` : '.'}` });
      return;
    }
    const problem = decisionProblem(this.decisionContext(), c.command, text);
    if (problem === undefined) {
      this.take({ decision: c.command, by: c.user, via: 'comment', ...(text ? { feedback: text } : {}) });
      return;
    }
    log.info('command not taken', { command: c.command, user: c.user, problem });
    try {
      await this.comment(markerWhat.notice(c.commentId), renderNoticeComment({ councilId: this.councilId, commentId: c.commentId, command: c.command, user: c.user, problem }));
    } catch (err) {
      // A reply that cannot be posted is not worth failing the council for.
      if (!isCancellation(err)) log.warn('could not reply to a command', { error: failureMessage(err) });
    }
  }

  issueClosed(e: IssueClosed): void {
    if (this.state.status === 'creating_tasks' || this.state.status === 'approved') return;
    this.requestStop({ status: 'cancelled', outcome: `The brief was closed by ${e.closedBy}.` });
  }

  // ---- the main flow's steps -------------------------------------------------------

  /** Loads settings and the brief, composes the council and records it. */
  async convene(): Promise<{ brief: TaskDetails; members: CouncilMember[] }> {
    const s = (this.settings = await db.councilSettings());
    this.state.quorum = s.quorum;
    const brief = await forge.loadTask(this.issueRef);
    this.state.issue = { number: this.input.issue.number, title: brief.title, url: brief.url };
    const { members, skipped } = composeCouncil(brief);
    this.state.composition = { members: members.map((m) => ({ role: m.role, title: m.title, core: m.core, reasons: m.reasons })), skipped };
    log.info('council composed', { roles: members.map((m) => m.role), skipped: skipped.map((x) => x.role) });
    await db.saveCouncil({
      councilId: this.councilId,
      ...this.row(),
      status: 'deliberating',
      quorum: s.quorum,
      composition: this.state.composition,
    });
    this.saved = true;
    if (brief.state === 'closed') this.stop ??= { status: 'cancelled', outcome: 'The brief was closed before the council met.' };
    return { brief, members };
  }

  /** Records a decision in the read model without changing the status. */
  async recordDecision(patch: StatusPatch): Promise<void> {
    await this.saveStatus(this.state.status, patch);
  }

  loadBrief(): Promise<TaskDetails> {
    return forge.loadTask(this.issueRef);
  }

  /** Runs a round so that a /cancel or a closed brief can stop it midway. */
  async stoppable<T>(work: () => Promise<T>): Promise<T | 'stopped'> {
    const scope = new CancellationScope();
    this.roundScope = scope;
    try {
      return await scope.run(work);
    } catch (err) {
      if (isCancellation(err) && this.stop !== undefined && !CancellationScope.current().consideredCancelled) return 'stopped';
      throw err;
    } finally {
      this.roundScope = undefined;
    }
  }

  /** The first round failed: the brief gets the failed label and says why. */
  async fail(round: number, error: string, type: RoundFailure): Promise<never> {
    this.state.error = error;
    this.patchRound(round, { status: 'failed', error });
    await this.setStatus('failed', { error, round: { round, status: 'failed', error } });
    await this.comment(markerWhat.failed(round), renderFailedComment({ councilId: this.councilId, round, error, failedLabel: FAILED_LABEL }));
    throw nonRetryableFailure(type, error);
  }

  /** A round's plan is posted; it awaits a decision. */
  async propose(round: number, outcome: Extract<RoundOutcome, { ok: true }>): Promise<void> {
    this.state.plan = outcome.ref;
    const { commentId } = await forge.postCouncilSummary({ councilId: this.councilId, round, expiresInHours: this.settings!.expireAfterSeconds / 3600 });
    this.patchRound(round, { status: 'proposed', summaryCommentId: commentId });
  }

  /** A revision that fails leaves the plan before it standing. */
  async revisionFailed(round: number, error: string): Promise<void> {
    this.patchRound(round, { status: 'failed', error });
    await this.saveStatus(this.state.status, { round: { round, status: 'failed', error } });
    await this.comment(markerWhat.failed(round), renderFailedComment({ councilId: this.councilId, round, error, planStands: this.state.plan!.round }));
  }

  /** Waits for a decision on `plan`, reminding every `reminder_after` until the deadline. */
  async awaitDecision(plan: PlanRef): Promise<CouncilDecision | CouncilEnding> {
    const s = this.settings!;
    const { state } = this;
    this.decided = undefined;
    const since = Date.now();
    const expiresAt = since + s.expireAfterSeconds * 1000;
    const remindEvery = s.reminderAfterSeconds * 1000;
    state.waiting = { since: iso(since), expiresAt: iso(expiresAt), reminders: 0 };
    await this.setStatus('awaiting_decision');
    for (let n = 1; ; n++) {
      const next = Math.min(since + n * remindEvery, expiresAt);
      if (await condition(() => this.decided !== undefined || this.stop !== undefined, Math.max(1, next - Date.now()))) break;
      if (Date.now() >= expiresAt) {
        state.waiting = undefined;
        return { status: 'expired', outcome: `No decision came within ${formatHours(s.expireAfterSeconds / 3600)} of the plan of round ${plan.round}; the council expired.` };
      }
      this.reminders++;
      await this.comment(
        markerWhat.reminder(plan.round, this.reminders),
        renderReminderComment({
          councilId: this.councilId,
          round: plan.round,
          reminder: this.reminders,
          mention: this.input.issue.author,
          expiresInHours: (expiresAt - Date.now()) / HOUR_MS,
        }),
      );
      state.waiting = { ...state.waiting!, reminders: n };
    }
    state.waiting = undefined;
    return this.stop ?? this.decided!;
  }

  /** Each task of the approved plan becomes an issue, in dependency order, looked for by its marker first. */
  async createTasks(plan: KickoffPlan): Promise<void> {
    const s = this.settings!;
    const since = iso(this.info.startTime.getTime() - CLOCK_SKEW_MS);
    const numbers: Record<string, number> = {};
    for (const task of orderTasks(plan)) {
      const { title, body } = renderTaskIssue({ councilId: this.councilId, brief: { number: this.input.issue.number, title: this.state.issue.title }, task, issueNumbers: numbers });
      const issue = await forge.ensureIssue({
        repositoryId: this.input.repositoryId,
        marker: councilMarker(this.councilId, markerWhat.task(task.key)),
        title,
        body,
        labels: [s.taskLabel],
        labelSpecs: [{ name: s.taskLabel, color: TASK_LABEL_COLOR, description: 'A task for a WHOOSH agent team' }],
        since,
      });
      numbers[task.key] = issue.number;
      this.state.tasks = [...this.state.tasks, { key: task.key, title, number: issue.number, url: issue.url, created: issue.created }];
    }
  }

  /** Every ending runs this: the open round closed, the status shown, the outcome commented. */
  async finish(e: CouncilEnding): Promise<CouncilKickoffResult> {
    const { state, councilId } = this;
    const last = state.rounds.at(-1);
    const closing = last && OPEN_ROUND.includes(last.status) ? { round: last.round, status: e.status } : undefined;
    if (closing) this.patchRound(closing.round, { status: closing.status });
    state.waiting = undefined;
    state.outcome = e.outcome;
    await this.setStatus(e.status, { outcome: e.outcome, tasks: state.tasks, ...(closing ? { round: closing } : {}) });
    if (e.status === 'approved') {
      const d = state.decision!;
      await this.comment(markerWhat.approved(), renderApprovedComment({ councilId, round: d.round, by: d.by, tasks: state.tasks, taskLabel: this.settings!.taskLabel }));
    } else if (e.status === 'expired') {
      await this.comment(markerWhat.expiry(), renderExpiryComment({ councilId, waitedHours: (this.settings?.expireAfterSeconds ?? 0) / 3600 }));
    } else {
      await this.comment(markerWhat.cancelled(), renderCancelledComment({ councilId, outcome: e.outcome }));
    }
    return { councilId, status: e.status, outcome: e.outcome, rounds: state.round, ...(state.plan ? { plan: state.plan } : {}), tasks: state.tasks };
  }
}
