/**
 * One round of a council: every member writes its artifact in parallel (one
 * LLM call through the agent network, one repair when the answer does not
 * validate, within the member timeout), the quorum decides whether the round
 * goes on, and the engineering lead synthesizes the plan.
 */
import { log, proxyActivities, uuid4 } from '@temporalio/workflow';
import type { Activities } from '../../activities';
import type { TaskDetails } from '../../activities/forge/issue-activities';
import { parseArtifact, type ArtifactKind, type ArtifactOf, type KickoffPlan, type MemberArtifact, type ParseOptions } from '../../domain/council/artifacts';
import { routableNeeds, SYNTHESIS_ROLE, type CouncilMember, type CouncilRoleId } from '../../domain/council/compose-council';
import { withContextSize } from '../../domain/council/llm-options';
import { memberArtifactRequest, repairRequest, synthesisRequest, type BriefInput, type Revision } from '../../domain/council/prompts';
import { checkQuorum } from '../../domain/council/quorum';
import { summarizeArtifact } from '../../domain/council/render';
import type { FailureType } from '../../domain/failures';
import type { LlmRequest, LlmResult } from '../../domain/routing/llm-call';
import type { CallNeeds, NodeView } from '../../domain/routing/route-call';
import { DATABASE } from '../activity-profiles';
import { withFallback } from '../lifecycle';
import { callLlmWithFailover } from '../llm-call';
import type { Council } from './council';
import type { PlanRef } from './definitions';

const db = proxyActivities<Activities>(DATABASE);

type Answer<K extends ArtifactKind> = { readonly answer?: LlmResult; readonly repaired: boolean; readonly failedOver: string[] } & (
  | { readonly ok: true; readonly value: ArtifactOf<K>; readonly answer: LlmResult }
  | { readonly ok: false; readonly error: string }
);

export type RoundFailure = Extract<FailureType, 'CouncilQuorumNotMet' | 'CouncilSynthesisFailed'>;

export type RoundOutcome =
  | { readonly ok: true; readonly plan: KickoffPlan; readonly ref: PlanRef; readonly artifacts: ReadonlyMap<CouncilRoleId, MemberArtifact> }
  | { readonly ok: false; readonly error: string; readonly type: RoundFailure };

interface RoundContext {
  readonly round: number;
  readonly nodes: readonly NodeView[];
  readonly brief: BriefInput;
  readonly roles: CouncilRoleId[];
  readonly revisions: readonly Revision[];
}

async function contentOf(answer: LlmResult): Promise<string> {
  if (answer.content !== undefined) return answer.content;
  return answer.contentRef !== undefined ? await db.readLlmOutput(answer.contentRef) : '';
}

/**
 * One artifact from the network: the call, and one repair when the answer
 * does not validate, all within `timeoutSeconds`. Never throws but for
 * the cancellation of the scope it runs in.
 */
async function ask<K extends ArtifactKind>(council: Council, kind: K, needs: CallNeeds, request: LlmRequest, opts: ParseOptions, timeoutSeconds: number): Promise<Answer<K>> {
  const failedOver: string[] = [];
  let last: LlmResult | undefined;
  let repaired = false;
  const call = async (req: LlmRequest): Promise<LlmResult> => {
    last = await callLlmWithFailover({ needs, request: req });
    failedOver.push(...last.failedOver.map((a) => a.nodeId));
    return last;
  };
  return withFallback(
    timeoutSeconds,
    async (): Promise<Answer<K>> => {
      const first = await call(request);
      const text = await contentOf(first);
      const parsed = parseArtifact(kind, text, opts);
      if (parsed.ok) return { ok: true, value: parsed.value, answer: first, repaired, failedOver };
      log.warn('invalid artifact; asking for one repair', { kind, nodeId: first.nodeId, error: parsed.error });
      repaired = true;
      const max = council.settings!.maxContextTokens;
      const second = await call(withContextSize(repairRequest(request, text, parsed.error), max));
      const again = parseArtifact(kind, await contentOf(second), opts);
      if (again.ok) return { ok: true, value: again.value, answer: second, repaired, failedOver };
      return { ok: false, error: `the answer did not validate, nor did its one repair: ${again.error}`, answer: second, repaired, failedOver };
    },
    // The timeout is this member's failure.
    (why): Answer<K> => {
      const error = why.timedOut ? `no valid answer within ${timeoutSeconds}s` : why.message;
      return { ok: false, error, ...(last ? { answer: last } : {}), repaired, failedOver };
    },
  );
}

async function deliberate(council: Council, ctx: RoundContext, member: CouncilMember, previous: MemberArtifact | undefined): Promise<MemberArtifact | undefined> {
  const s = council.settings!;
  const { councilId } = council;
  const request = withContextSize(
    memberArtifactRequest({ role: member.role, brief: ctx.brief, council: ctx.roles, revisions: ctx.revisions, ...(previous ? { previous } : {}) }),
    s.maxContextTokens,
  );
  const got = await ask(council, member.artifact, routableNeeds(member, ctx.nodes, s.model), request, {}, s.memberTimeoutSeconds);
  const where = got.answer ? { nodeId: got.answer.nodeId, model: got.answer.model } : {};
  const outcome = { ...where, failedOver: got.failedOver, repaired: got.repaired };
  if (got.ok) {
    const artifact = { kind: member.artifact, value: got.value } as MemberArtifact;
    const artifactId = uuid4();
    council.patchMember(ctx.round, member.role, { status: 'answered', ...outcome, artifactId, summary: summarizeArtifact(artifact) });
    await db.saveMemberOutcome({ councilId, round: ctx.round, role: member.role, status: 'answered', ...outcome, artifact: { id: artifactId, value: artifact } });
    return artifact;
  }
  log.warn('council member failed', { role: member.role, round: ctx.round, error: got.error });
  council.patchMember(ctx.round, member.role, { status: 'failed', ...outcome, error: got.error });
  await db.saveMemberOutcome({ councilId, round: ctx.round, role: member.role, status: 'failed', ...outcome, error: got.error });
  return undefined;
}

/** One round: every member in parallel, the quorum, then the engineering lead's synthesis. */
export async function runRound(
  council: Council,
  round: number,
  brief: TaskDetails,
  members: readonly CouncilMember[],
  revisions: readonly Revision[],
  previous: ReadonlyMap<CouncilRoleId, MemberArtifact>,
  previousPlan: KickoffPlan | undefined,
): Promise<RoundOutcome> {
  const s = council.settings!;
  const { state, councilId } = council;
  const latest = revisions.at(-1);
  const feedback = latest ? { text: latest.feedback, by: latest.by ?? 'someone' } : undefined;
  state.round = round;
  state.rounds = [
    ...state.rounds,
    { round, status: 'deliberating', ...(feedback ? { feedback } : {}), members: members.map((m) => ({ role: m.role, status: 'deliberating', failedOver: [], repaired: false })) },
  ];
  await db.startCouncilRound({ councilId, round, ...(feedback ? { feedback } : {}), members: state.composition.members });
  await council.setStatus('deliberating');

  const roles = members.map((m) => m.role);
  const ctx: RoundContext = {
    round,
    nodes: await db.councilNodes(),
    brief: { number: council.input.issue.number, title: brief.title, body: brief.body, labels: brief.labels },
    roles,
    revisions,
  };
  const written = await Promise.all(members.map((m) => deliberate(council, ctx, m, previous.get(m.role))));
  const quorum = checkQuorum(
    s.quorum,
    council.roundOf(round).members.map((m) => ({ role: m.role, core: members.find((x) => x.role === m.role)!.core, answered: m.status === 'answered', error: m.error })),
  );
  if (!quorum.met) return { ok: false, error: quorum.message, type: 'CouncilQuorumNotMet' };

  const artifacts = new Map<CouncilRoleId, MemberArtifact>();
  members.forEach((m, i) => {
    const a = written[i];
    if (a) artifacts.set(m.role, a);
  });
  council.patchRound(round, { status: 'synthesizing' });
  await council.setStatus('synthesizing', { round: { round, status: 'synthesizing' } });
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
  const got = await ask(council, 'kickoff_plan', routableNeeds(lead, await db.councilNodes(), s.model), request, { councilRoles: roles }, s.memberTimeoutSeconds);
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
  council.patchRound(round, { plan: ref });
  return { ok: true, plan: got.value, ref, artifacts };
}
