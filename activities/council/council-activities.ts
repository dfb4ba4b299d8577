/**
 * The side effects of a council kickoff besides its LLM calls and what any
 * workflow does on an issue (../forge/issue-activities): the settings, the
 * nodes to route members to, the councils read model, and the summary
 * comment — rendered here from the stored artifacts, so the workflow passes
 * them by reference and its history stays small.
 */
import type { Pool } from 'pg';
import type { WhooshConfig } from '../../infra/config';
import { publicUrlOf, temporalUiUrlOf, temporalWorkflowUrl } from '../../infra/endpoints';
import type { KickoffPlan, MemberArtifact } from '../../domain/council/artifacts';
import { councilMarker, markerWhat, renderSummaryComment, type MemberOutcome } from '../../domain/council/render';
import type { NodeView } from '../../domain/routing/route-call';
import { routingSnapshot } from '../agents/agent-store';
import { commentOnce, forgeFailure, forgeFor } from '../forge/issue-activities';
import {
  saveCouncil,
  saveMemberOutcome,
  savePlan,
  setCouncilStatus,
  setRound,
  startRound,
  type CouncilRecord,
  type CouncilStatusPatch,
  type MemberOutcomeRecord,
  type PlanRecord,
  type RoundStart,
} from './council-store';
import { getCouncil, listArtifacts } from './council-reads';
import { nonRetryableFailure } from '../../domain/failures';

export interface CouncilSettings {
  readonly quorum: 'core_only' | 'all';
  readonly memberTimeoutSeconds: number;
  readonly reminderAfterSeconds: number;
  readonly expireAfterSeconds: number;
  readonly model?: string;
  readonly maxRounds: number;
  readonly maxContextTokens: number;
  /** The label task issues get, so that the intake starts a team formation for each. */
  readonly taskLabel: string;
}

export interface SummaryInput {
  readonly councilId: string;
  readonly round: number;
  /** Hours left before the council expires without a decision. */
  readonly expiresInHours?: number;
}

export function createCouncilActivities(pool: Pool, config: WhooshConfig) {
  return {
    async councilSettings(): Promise<CouncilSettings> {
      const c = config.councils;
      return {
        quorum: c.quorum,
        memberTimeoutSeconds: c.member_timeout_seconds,
        reminderAfterSeconds: c.reminder_after_seconds,
        expireAfterSeconds: c.expire_after_seconds,
        ...(c.model !== undefined ? { model: c.model } : {}),
        maxRounds: c.max_rounds,
        maxContextTokens: c.max_context_tokens,
        taskLabel: config.intake.task_label,
      };
    },

    /** The agent nodes with their health and load now, to route each member to a node suited to it. */
    async councilNodes(): Promise<NodeView[]> {
      return routingSnapshot(pool);
    },

    async saveCouncil(record: CouncilRecord): Promise<void> {
      await saveCouncil(pool, record);
    },

    async startCouncilRound(input: RoundStart): Promise<void> {
      await startRound(pool, input);
    },

    async saveMemberOutcome(input: MemberOutcomeRecord): Promise<void> {
      await saveMemberOutcome(pool, input);
    },

    async saveCouncilPlan(input: PlanRecord): Promise<void> {
      await savePlan(pool, input);
    },

    async setCouncilStatus(input: CouncilStatusPatch): Promise<void> {
      await setCouncilStatus(pool, input);
    },

    /**
     * Renders the round's summary from the stored artifacts and posts it on
     * the brief, once (by its marker). Answers the comment's id.
     */
    async postCouncilSummary(input: SummaryInput): Promise<{ commentId: number; posted: boolean }> {
      const council = await getCouncil(pool, input.councilId);
      if (!council) throw nonRetryableFailure('CouncilNotFound', `no council ${input.councilId} is stored`);
      if (council.repositoryId === null) throw nonRetryableFailure('RepositoryNotFound', `the repository of council ${input.councilId} is gone`);
      const round = council.rounds.find((r) => r.round === input.round);
      const artifacts = await listArtifacts(pool, input.councilId, input.round);
      const plan = artifacts.find((a) => a.kind === 'kickoff_plan');
      if (!round || !plan) throw nonRetryableFailure('PlanNotFound', `council ${input.councilId} has no plan in round ${input.round}`);
      const reasons = new Map(council.composition.members.map((m) => [m.role, m.reasons]));
      const members: MemberOutcome[] = round.members.map((m) => {
        const artifact = artifacts.find((a) => a.id === m.artifactId);
        return {
          role: m.role,
          reasons: reasons.get(m.role) ?? [],
          ...(m.nodeId !== null ? { nodeId: m.nodeId } : {}),
          ...(m.model !== null ? { model: m.model } : {}),
          ...(artifact ? { artifact: { kind: artifact.kind, value: artifact.content } as MemberArtifact } : {}),
          ...(m.error !== null ? { error: m.error } : {}),
        };
      });
      const body = renderSummaryComment({
        councilId: input.councilId,
        round: input.round,
        brief: { number: council.issue.number, title: council.issue.title },
        members,
        plan: plan.content as KickoffPlan,
        ...(plan.nodeId !== null && plan.model !== null ? { synthesis: { nodeId: plan.nodeId, model: plan.model } } : {}),
        ...(round.feedback ? { feedback: { text: round.feedback.text, by: round.feedback.by ?? 'someone' } } : {}),
        links: {
          dashboard: `${publicUrlOf(config)}/councils/${input.councilId}`,
          workflow: temporalWorkflowUrl(temporalUiUrlOf(config), config.temporal.namespace, council.workflowId, council.runId),
        },
        ...(input.expiresInHours !== undefined ? { expiresInHours: input.expiresInHours } : {}),
      });
      let posted: { commentId: number; posted: boolean };
      try {
        posted = await commentOnce(await forgeFor(pool, council.repositoryId, config.security), council.issue.number, councilMarker(input.councilId, markerWhat.summary(input.round)), body);
      } catch (err) {
        throw forgeFailure(err);
      }
      await setRound(pool, input.councilId, { round: input.round, status: 'proposed', summaryCommentId: posted.commentId });
      return posted;
    },
  };
}

export type CouncilActivities = ReturnType<typeof createCouncilActivities>;
