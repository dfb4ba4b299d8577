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
 * formation for each.
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
import type { CouncilSettings } from '../../activities/council/council-activities';
import type { CouncilStatusPatch } from '../../activities/council/council-store';
import type { TaskDetails } from '../../activities/forge/issue-activities';
import type { LlmRequest } from '../../activities/ollama/llm-activity';
import { failureMessage, nonRetryableFailure, type FailureType } from '../../domain/failures';
import { DATABASE, FORGE } from '../activity-profiles';
import { forgeCommandSignal, issueClosedSignal, type IntakeInput } from '../definitions';
import { callLlm, type LlmCallResult } from '../llm-call';
import type { CallNeeds, NodeView } from '../../domain/routing/route-call';
import type { WhooshKind } from '../../domain/kinds';
import { WHOOSH_ISSUE, WHOOSH_KIND, WHOOSH_REPOSITORY, WHOOSH_STATUS_DETAIL } from '../../domain/search-attributes';
import { orderTasks, parseArtifact, type ArtifactKind, type ArtifactOf, type KickoffPlan, type MemberArtifact, type ParseOptions } from '../../domain/council/artifacts';
import { composeCouncil, routableNeeds, SYNTHESIS_ROLE, type CouncilMember, type CouncilRoleId } from '../../domain/council/compose-council';
import { decisionProblem, roleProblem } from '../../domain/council/decisions';
import {
  COUNCIL_DECISIONS,
  councilStateQuery,
  decideCouncilUpdate,
  type CouncilDecision,
  type CouncilDecisionAck,
  type CouncilKickoffResult,
  type CouncilState,
  type CouncilStatus,
  type MemberState,
  type PlanRef,
  type RoundState,
  type RoundStatus,
} from './definitions';
import { withContextSize } from '../../domain/council/llm-options';
import { memberArtifactRequest, repairRequest, synthesisRequest, type BriefInput, type Revision } from '../../domain/council/prompts';
import { checkQuorum } from '../../domain/council/quorum';
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
  summarizeArtifact,
} from '../../domain/council/render';
import { COUNCIL_STATUS_LABELS, FAILED_LABEL } from '../../domain/status-labels';

const db = proxyActivities<Activities>(DATABASE);
const forge = proxyActivities<Activities>(FORGE);

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

interface Ending {
  readonly status: 'approved' | 'cancelled' | 'expired';
  readonly outcome: string;
}

type Answer<K extends ArtifactKind> = { readonly answer?: LlmCallResult; readonly repaired: boolean; readonly failedOver: string[] } & (
  | { readonly ok: true; readonly value: ArtifactOf<K>; readonly answer: LlmCallResult }
  | { readonly ok: false; readonly error: string }
);

type RoundOutcome =
  | { readonly ok: true; readonly plan: KickoffPlan; readonly ref: PlanRef; readonly artifacts: ReadonlyMap<CouncilRoleId, MemberArtifact> }
  | { readonly ok: false; readonly error: string; readonly type: RoundFailure };

type RoundFailure = Extract<FailureType, 'CouncilQuorumNotMet' | 'CouncilSynthesisFailed'>;

const NEXT: Record<CouncilDecision['decision'], CouncilDecisionAck['next']> = { approve: 'creating_tasks', revise: 'deliberating', cancel: 'cancelled' };
const ROUND_AFTER: Record<CouncilDecision['decision'], RoundStatus> = { approve: 'approved', revise: 'revised', cancel: 'cancelled' };
const OPEN_ROUND: readonly RoundStatus[] = ['deliberating', 'synthesizing', 'proposed'];
const TASK_LABEL_COLOR = '0e8a16';
const HOUR_MS = 3_600_000;
/** Task issues are looked for among the issues updated since the council started, less this much for clock skew. */
const CLOCK_SKEW_MS = 24 * HOUR_MS;

const iso = (ms: number): string => new Date(ms).toISOString();

export async function councilKickoff(input: IntakeInput): Promise<CouncilKickoffResult> {
  const info = workflowInfo();
  const councilId = uuid4();
  const repository = `${input.issue.owner}/${input.issue.name}`;
  const issueRef = { repositoryId: input.repositoryId, number: input.issue.number };
  const state: Mutable<CouncilState> = {
    councilId,
    status: 'deliberating',
    repository,
    issue: { number: input.issue.number, title: input.issue.title, url: input.issue.url },
    quorum: 'core_only',
    composition: { members: [], skipped: [] },
    round: 0,
    rounds: [],
    tasks: [],
  };
  let settings: CouncilSettings | undefined;
  let saved = false;
  /** A decision taken while one was awaited, not acted on yet. */
  let decided: CouncilDecision | undefined;
  /** An end asked for outside the wait: the brief closed, or /cancel while deliberating. */
  let stop: Ending | undefined;
  let roundScope: CancellationScope | undefined;
  let reminders = 0;

  const roundOf = (round: number): RoundState => state.rounds.find((r) => r.round === round)!;
  const patchRound = (round: number, patch: Partial<RoundState>): void => {
    state.rounds = state.rounds.map((r) => (r.round === round ? { ...r, ...patch } : r));
  };
  const patchMember = (round: number, role: CouncilRoleId, patch: Partial<MemberState>): void =>
    patchRound(round, { members: roundOf(round).members.map((m) => (m.role === role ? { ...m, ...patch } : m)) });

  const decisionContext = () => ({ status: state.status, round: state.round, maxRounds: settings?.maxRounds ?? 1, decided: decided !== undefined || stop !== undefined });

  function take(d: Omit<CouncilDecision, 'round' | 'at'>): CouncilDecision {
    decided = { ...d, round: state.plan!.round, at: new Date().toISOString() };
    return decided;
  }

  function requestStop(e: Ending): void {
    stop ??= e;
    roundScope?.cancel();
  }

  const comment = (what: string, body: string) => forge.postIssueComment({ ...issueRef, marker: councilMarker(councilId, what), body });

  setHandler(councilStateQuery, () => state);
  setHandler(
    decideCouncilUpdate,
    (req): CouncilDecisionAck => {
      const feedback = req.feedback?.trim();
      const d = take({ decision: req.decision, by: req.by, via: 'api', ...(feedback ? { feedback } : {}) });
      return { councilId, decision: d.decision, round: d.round, next: NEXT[d.decision] };
    },
    {
      validator: (req) => {
        if (!COUNCIL_DECISIONS.includes(req.decision)) throw new Error(`unknown decision "${String(req.decision)}"; one of ${COUNCIL_DECISIONS.join(', ')}`);
        const problem = roleProblem(req.role) ?? decisionProblem(decisionContext(), req.decision, req.feedback);
        if (problem !== undefined) throw new Error(problem);
      },
    },
  );
  setHandler(forgeCommandSignal, async (c) => {
    const text = c.text.trim();
    if (c.command === 'cancel' && (state.status === 'deliberating' || state.status === 'synthesizing')) {
      requestStop({ status: 'cancelled', outcome: `Cancelled by ${c.user} with /cancel${text ? `: ${text}` : '.'}` });
      return;
    }
    const problem = decisionProblem(decisionContext(), c.command, text);
    if (problem === undefined) {
      take({ decision: c.command, by: c.user, via: 'comment', ...(text ? { feedback: text } : {}) });
      return;
    }
    log.info('command not taken', { command: c.command, user: c.user, problem });
    try {
      await comment(markerWhat.notice(c.commentId), renderNoticeComment({ councilId, commentId: c.commentId, command: c.command, user: c.user, problem }));
    } catch (err) {
      // A reply that cannot be posted is not worth failing the council for.
      if (!isCancellation(err)) log.warn('could not reply to a command', { error: failureMessage(err) });
    }
  });
  setHandler(issueClosedSignal, (e) => {
    if (state.status === 'creating_tasks' || state.status === 'approved') return;
    requestStop({ status: 'cancelled', outcome: `The brief was closed by ${e.closedBy}.` });
  });

  async function setStatus(status: CouncilStatus, patch: Omit<CouncilStatusPatch, 'councilId' | 'status'> = {}): Promise<void> {
    upsertSearchAttributes([{ key: WHOOSH_STATUS_DETAIL, value: status }]);
    if (saved) await db.setCouncilStatus({ councilId, status, ...patch });
    await forge.setIssueStatusLabel({ ...issueRef, label: COUNCIL_STATUS_LABELS[status] });
    // Last: a status seen through the query is one the read model and the issue show too.
    state.status = status;
  }

  async function contentOf(answer: LlmCallResult): Promise<string> {
    if (answer.content !== undefined) return answer.content;
    return answer.contentRef !== undefined ? await db.readLlmOutput(answer.contentRef) : '';
  }

  /**
   * One artifact from the network: the call, and one repair when the answer
   * does not validate, all within `timeoutSeconds`. Never throws but for
   * the cancellation of the scope it runs in.
   */
  async function ask<K extends ArtifactKind>(kind: K, needs: CallNeeds, request: LlmRequest, opts: ParseOptions, timeoutSeconds: number): Promise<Answer<K>> {
    const failedOver: string[] = [];
    let last: LlmCallResult | undefined;
    let repaired = false;
    const call = async (req: LlmRequest): Promise<LlmCallResult> => {
      last = await callLlm({ needs, request: req });
      failedOver.push(...last.failedOver.map((a) => a.nodeId));
      return last;
    };
    try {
      return await CancellationScope.withTimeout(timeoutSeconds * 1000, async (): Promise<Answer<K>> => {
        const first = await call(request);
        const text = await contentOf(first);
        const parsed = parseArtifact(kind, text, opts);
        if (parsed.ok) return { ok: true, value: parsed.value, answer: first, repaired, failedOver };
        log.warn('invalid artifact; asking for one repair', { kind, nodeId: first.nodeId, error: parsed.error });
        repaired = true;
        const max = settings!.maxContextTokens;
        const second = await call(withContextSize(repairRequest(request, text, parsed.error), max));
        const again = parseArtifact(kind, await contentOf(second), opts);
        if (again.ok) return { ok: true, value: again.value, answer: second, repaired, failedOver };
        return { ok: false, error: `the answer did not validate, nor did its one repair: ${again.error}`, answer: second, repaired, failedOver };
      });
    } catch (err) {
      // Our own cancellation goes on; the timeout of the scope above is this member's failure.
      if (isCancellation(err) && CancellationScope.current().consideredCancelled) throw err;
      const error = isCancellation(err) ? `no valid answer within ${timeoutSeconds}s` : failureMessage(err);
      return { ok: false, error, ...(last ? { answer: last } : {}), repaired, failedOver };
    }
  }

  interface RoundContext {
    readonly round: number;
    readonly nodes: readonly NodeView[];
    readonly brief: BriefInput;
    readonly roles: CouncilRoleId[];
    readonly revisions: readonly Revision[];
  }

  async function deliberate(ctx: RoundContext, member: CouncilMember, previous: MemberArtifact | undefined): Promise<MemberArtifact | undefined> {
    const s = settings!;
    const request = withContextSize(
      memberArtifactRequest({ role: member.role, brief: ctx.brief, council: ctx.roles, revisions: ctx.revisions, ...(previous ? { previous } : {}) }),
      s.maxContextTokens,
    );
    const got = await ask(member.artifact, routableNeeds(member, ctx.nodes, s.model), request, {}, s.memberTimeoutSeconds);
    const where = got.answer ? { nodeId: got.answer.nodeId, model: got.answer.model } : {};
    const outcome = { ...where, failedOver: got.failedOver, repaired: got.repaired };
    if (got.ok) {
      const artifact = { kind: member.artifact, value: got.value } as MemberArtifact;
      const artifactId = uuid4();
      patchMember(ctx.round, member.role, { status: 'answered', ...outcome, artifactId, summary: summarizeArtifact(artifact) });
      await db.saveMemberOutcome({ councilId, round: ctx.round, role: member.role, status: 'answered', ...outcome, artifact: { id: artifactId, value: artifact } });
      return artifact;
    }
    log.warn('council member failed', { role: member.role, round: ctx.round, error: got.error });
    patchMember(ctx.round, member.role, { status: 'failed', ...outcome, error: got.error });
    await db.saveMemberOutcome({ councilId, round: ctx.round, role: member.role, status: 'failed', ...outcome, error: got.error });
    return undefined;
  }

  async function runRound(
    round: number,
    brief: TaskDetails,
    members: readonly CouncilMember[],
    revisions: readonly Revision[],
    previous: ReadonlyMap<CouncilRoleId, MemberArtifact>,
    previousPlan: KickoffPlan | undefined,
  ): Promise<RoundOutcome> {
    const s = settings!;
    const latest = revisions.at(-1);
    const feedback = latest ? { text: latest.feedback, by: latest.by ?? 'someone' } : undefined;
    state.round = round;
    state.rounds = [
      ...state.rounds,
      { round, status: 'deliberating', ...(feedback ? { feedback } : {}), members: members.map((m) => ({ role: m.role, status: 'deliberating', failedOver: [], repaired: false })) },
    ];
    await db.startCouncilRound({ councilId, round, ...(feedback ? { feedback } : {}), members: state.composition.members });
    await setStatus('deliberating');

    const roles = members.map((m) => m.role);
    const ctx: RoundContext = {
      round,
      nodes: await db.councilNodes(),
      brief: { number: input.issue.number, title: brief.title, body: brief.body, labels: brief.labels },
      roles,
      revisions,
    };
    const written = await Promise.all(members.map((m) => deliberate(ctx, m, previous.get(m.role))));
    const quorum = checkQuorum(
      s.quorum,
      roundOf(round).members.map((m) => ({ role: m.role, core: members.find((x) => x.role === m.role)!.core, answered: m.status === 'answered', error: m.error })),
    );
    if (!quorum.met) return { ok: false, error: quorum.message, type: 'CouncilQuorumNotMet' };

    const artifacts = new Map<CouncilRoleId, MemberArtifact>();
    members.forEach((m, i) => {
      const a = written[i];
      if (a) artifacts.set(m.role, a);
    });
    patchRound(round, { status: 'synthesizing' });
    await setStatus('synthesizing', { round: { round, status: 'synthesizing' } });
    const lead = members.find((m) => m.role === SYNTHESIS_ROLE)!;
    const request = withContextSize(
      synthesisRequest({
        brief: ctx.brief,
        council: roles,
        artifacts: [...artifacts].map(([role, artifact]) => ({ role, artifact })),
        revisions,
        ...(previousPlan ? { previousPlan } : {}),
      }),
      s.maxContextTokens,
    );
    // Nodes may have died while the members deliberated: route on fresh figures.
    const got = await ask('kickoff_plan', routableNeeds(lead, await db.councilNodes(), s.model), request, { councilRoles: roles }, s.memberTimeoutSeconds);
    if (!got.ok) return { ok: false, error: `the engineering lead could not synthesize the plan: ${got.error}`, type: 'CouncilSynthesisFailed' };
    const artifactId = uuid4();
    await db.saveCouncilPlan({ councilId, round, artifactId, plan: got.value, nodeId: got.answer.nodeId, model: got.answer.model });
    const ref: PlanRef = {
      artifactId,
      round,
      tasks: got.value.tasks.length,
      points: got.value.tasks.reduce((n, t) => n + t.estimate, 0),
      nodeId: got.answer.nodeId,
      model: got.answer.model,
      repaired: got.repaired,
    };
    patchRound(round, { plan: ref });
    return { ok: true, plan: got.value, ref, artifacts };
  }

  /** Runs a round so that a /cancel or a closed brief can stop it midway. */
  async function stoppable<T>(work: () => Promise<T>): Promise<T | 'stopped'> {
    const scope = new CancellationScope();
    roundScope = scope;
    try {
      return await scope.run(work);
    } catch (err) {
      if (isCancellation(err) && stop !== undefined && !CancellationScope.current().consideredCancelled) return 'stopped';
      throw err;
    } finally {
      roundScope = undefined;
    }
  }

  async function failCouncil(round: number, error: string, type: RoundFailure): Promise<never> {
    state.error = error;
    patchRound(round, { status: 'failed', error });
    await setStatus('failed', { error, round: { round, status: 'failed', error } });
    await comment(markerWhat.failed(round), renderFailedComment({ councilId, round, error, failedLabel: FAILED_LABEL }));
    throw nonRetryableFailure(type, error);
  }

  /** Waits for a decision on `plan`, reminding every `reminder_after` until the deadline. */
  async function awaitDecision(plan: PlanRef): Promise<CouncilDecision | Ending> {
    const s = settings!;
    decided = undefined;
    const since = Date.now();
    const expiresAt = since + s.expireAfterSeconds * 1000;
    const remindEvery = s.reminderAfterSeconds * 1000;
    state.waiting = { since: iso(since), expiresAt: iso(expiresAt), reminders: 0 };
    await setStatus('awaiting_decision');
    for (let n = 1; ; n++) {
      const next = Math.min(since + n * remindEvery, expiresAt);
      if (await condition(() => decided !== undefined || stop !== undefined, Math.max(1, next - Date.now()))) break;
      if (Date.now() >= expiresAt) {
        state.waiting = undefined;
        return { status: 'expired', outcome: `No decision came within ${formatHours(s.expireAfterSeconds / 3600)} of the plan of round ${plan.round}; the council expired.` };
      }
      reminders++;
      await comment(
        markerWhat.reminder(plan.round, reminders),
        renderReminderComment({ councilId, round: plan.round, reminder: reminders, mention: input.issue.author, expiresInHours: (expiresAt - Date.now()) / HOUR_MS }),
      );
      state.waiting = { ...state.waiting!, reminders: n };
    }
    state.waiting = undefined;
    return stop ?? decided!;
  }

  async function createTasks(plan: KickoffPlan): Promise<void> {
    const s = settings!;
    const since = iso(info.startTime.getTime() - CLOCK_SKEW_MS);
    const numbers: Record<string, number> = {};
    for (const task of orderTasks(plan)) {
      const { title, body } = renderTaskIssue({ councilId, brief: { number: input.issue.number, title: state.issue.title }, task, issueNumbers: numbers });
      const issue = await forge.ensureIssue({
        repositoryId: input.repositoryId,
        marker: councilMarker(councilId, markerWhat.task(task.key)),
        title,
        body,
        labels: [s.taskLabel],
        labelSpecs: [{ name: s.taskLabel, color: TASK_LABEL_COLOR, description: 'A task for a WHOOSH agent team' }],
        since,
      });
      numbers[task.key] = issue.number;
      state.tasks = [...state.tasks, { key: task.key, title, number: issue.number, url: issue.url, created: issue.created }];
    }
  }

  async function finish(e: Ending): Promise<CouncilKickoffResult> {
    const last = state.rounds.at(-1);
    const closing = last && OPEN_ROUND.includes(last.status) ? { round: last.round, status: e.status } : undefined;
    if (closing) patchRound(closing.round, { status: closing.status });
    state.waiting = undefined;
    state.outcome = e.outcome;
    await setStatus(e.status, { outcome: e.outcome, tasks: state.tasks, ...(closing ? { round: closing } : {}) });
    if (e.status === 'approved') {
      const d = state.decision!;
      await comment(markerWhat.approved(), renderApprovedComment({ councilId, round: d.round, by: d.by, tasks: state.tasks, taskLabel: settings!.taskLabel }));
    } else if (e.status === 'expired') {
      await comment(markerWhat.expiry(), renderExpiryComment({ councilId, waitedHours: (settings?.expireAfterSeconds ?? 0) / 3600 }));
    } else {
      await comment(markerWhat.cancelled(), renderCancelledComment({ councilId, outcome: e.outcome }));
    }
    return { councilId, status: e.status, outcome: e.outcome, rounds: state.round, ...(state.plan ? { plan: state.plan } : {}), tasks: state.tasks };
  }

  upsertSearchAttributes([
    { key: WHOOSH_KIND, value: 'council' satisfies WhooshKind },
    { key: WHOOSH_REPOSITORY, value: repository },
    { key: WHOOSH_ISSUE, value: input.issue.number },
    { key: WHOOSH_STATUS_DETAIL, value: 'deliberating' },
  ]);

  try {
    const s = (settings = await db.councilSettings());
    state.quorum = s.quorum;
    let brief = await forge.loadTask(issueRef);
    state.issue = { number: input.issue.number, title: brief.title, url: brief.url };
    const { members, skipped } = composeCouncil(brief);
    state.composition = { members: members.map((m) => ({ role: m.role, title: m.title, core: m.core, reasons: m.reasons })), skipped };
    log.info('council composed', { roles: members.map((m) => m.role), skipped: skipped.map((x) => x.role) });
    await db.saveCouncil({
      councilId,
      workflowId: info.workflowId,
      runId: info.runId,
      repositoryId: input.repositoryId,
      repository,
      forge: input.forge,
      issue: state.issue,
      status: 'deliberating',
      quorum: s.quorum,
      composition: state.composition,
    });
    saved = true;
    if (brief.state === 'closed') stop ??= { status: 'cancelled', outcome: 'The brief was closed before the council met.' };

    const revisions: Revision[] = [];
    const previous = new Map<CouncilRoleId, MemberArtifact>();
    let plan: KickoffPlan | undefined;
    let ending: Ending | undefined;
    for (let round = 1; ending === undefined; round++) {
      if (stop) {
        ending = stop;
        break;
      }
      const outcome = await stoppable(() => runRound(round, brief, members, revisions, previous, plan));
      if (outcome === 'stopped') {
        ending = stop!;
        break;
      }
      if (outcome.ok) {
        for (const [role, artifact] of outcome.artifacts) previous.set(role, artifact);
        plan = outcome.plan;
        state.plan = outcome.ref;
        const { commentId } = await forge.postCouncilSummary({ councilId, round, expiresInHours: s.expireAfterSeconds / 3600 });
        patchRound(round, { status: 'proposed', summaryCommentId: commentId });
      } else if (!state.plan) {
        return await failCouncil(round, outcome.error, outcome.type);
      } else {
        // A revision that fails leaves the plan before it standing.
        patchRound(round, { status: 'failed', error: outcome.error });
        await db.setCouncilStatus({ councilId, status: state.status, round: { round, status: 'failed', error: outcome.error } });
        await comment(markerWhat.failed(round), renderFailedComment({ councilId, round, error: outcome.error, planStands: state.plan.round }));
      }

      const d = await awaitDecision(state.plan);
      if (!('decision' in d)) {
        ending = d;
        break;
      }
      state.decision = d;
      patchRound(d.round, { status: ROUND_AFTER[d.decision], decision: d });
      const recorded = { round: { round: d.round, status: ROUND_AFTER[d.decision], decision: d }, decision: d };
      if (d.decision === 'approve') {
        await setStatus('creating_tasks', recorded);
        await createTasks(plan!);
        ending = { status: 'approved', outcome: `Approved by ${d.by}; ${state.tasks.length} task issue${state.tasks.length === 1 ? '' : 's'} opened.` };
      } else if (d.decision === 'cancel') {
        await db.setCouncilStatus({ councilId, status: state.status, ...recorded });
        ending = { status: 'cancelled', outcome: `Cancelled by ${d.by}${d.via === 'comment' ? ' with /cancel' : ''}${d.feedback ? `: ${d.feedback}` : '.'}` };
      } else {
        await db.setCouncilStatus({ councilId, status: state.status, ...recorded });
        revisions.push({ round: d.round, feedback: d.feedback!, by: d.by });
        // People edit the brief along with their feedback; the council reads it again.
        brief = await forge.loadTask(issueRef);
      }
    }
    await condition(allHandlersFinished);
    return await finish(ending);
  } catch (err) {
    if (!isCancellation(err)) throw err;
    // Cancelled through Temporal (Web UI, API): closed as a cancelled council, out of reach of the cancellation.
    return await CancellationScope.nonCancellable(() => finish({ status: 'cancelled', outcome: 'The workflow was cancelled through Temporal.' }));
  }
}
