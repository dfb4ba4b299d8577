/**
 * The councils read model in Postgres: written by the council-kickoff
 * workflow's activities, read by the API and by the activity that renders the
 * summary comment. Every write is an upsert keyed by ids the workflow chose,
 * so a retried activity writes the same rows again rather than new ones.
 */
import { inTransaction } from '../transaction';
import type { Pool, PoolClient } from 'pg';
import type { Artifact, KickoffPlan, MemberArtifact } from '../../domain/council/artifacts';
import type { CouncilRoleId } from '../../domain/council/compose-council';
import type {
  Composition,
  CouncilDecision,
  CouncilSeat,
  CouncilStatus,
  MemberStatus,
  RoundStatus,
  TaskIssueRef,
} from '../../workflows/council/definitions';
import { ENDED_COUNCIL_STATUSES } from '../../workflows/council/definitions';

type Queryable = Pool | PoolClient;

export interface CouncilRecord {
  readonly councilId: string;
  readonly workflowId: string;
  readonly runId: string;
  readonly repositoryId: number;
  readonly repository: string;
  readonly forge: 'gitea' | 'github';
  readonly issue: { readonly number: number; readonly title: string; readonly url: string };
  readonly status: CouncilStatus;
  readonly quorum: 'core_only' | 'all';
  readonly composition: Composition;
}

export interface RoundStart {
  readonly councilId: string;
  readonly round: number;
  readonly feedback?: { readonly text: string; readonly by: string };
  readonly members: readonly CouncilSeat[];
}

export interface MemberOutcomeRecord {
  readonly councilId: string;
  readonly round: number;
  readonly role: CouncilRoleId;
  readonly status: MemberStatus;
  readonly nodeId?: string;
  readonly model?: string;
  readonly failedOver: readonly string[];
  readonly repaired: boolean;
  readonly error?: string;
  /** The artifact, validated; its id is chosen by the workflow. */
  readonly artifact?: { readonly id: string; readonly value: MemberArtifact };
}

export interface PlanRecord {
  readonly councilId: string;
  readonly round: number;
  readonly artifactId: string;
  readonly plan: KickoffPlan;
  readonly nodeId: string;
  readonly model: string;
}

export interface RoundPatch {
  readonly round: number;
  readonly status: RoundStatus;
  readonly error?: string;
  readonly decision?: CouncilDecision;
  readonly summaryCommentId?: number;
}

export interface CouncilStatusPatch {
  readonly councilId: string;
  readonly status: CouncilStatus;
  readonly round?: RoundPatch;
  readonly outcome?: string;
  readonly error?: string;
  readonly decision?: CouncilDecision;
  readonly tasks?: readonly TaskIssueRef[];
}

export async function saveCouncil(db: Queryable, c: CouncilRecord): Promise<void> {
  await db.query(
    `INSERT INTO councils (id, workflow_id, run_id, repository_id, repository, forge, issue_number, issue_title, issue_url, status, quorum, composition)
     VALUES ($1, $2, $3, (SELECT id FROM repositories WHERE id = $4), $5, $6, $7, $8, $9, $10, $11, $12)
     ON CONFLICT (id) DO UPDATE SET issue_title = EXCLUDED.issue_title, composition = EXCLUDED.composition, updated_at = now()`,
    [c.councilId, c.workflowId, c.runId, c.repositoryId, c.repository, c.forge, c.issue.number, c.issue.title, c.issue.url, c.status, c.quorum, JSON.stringify(c.composition)],
  );
}

export async function startRound(pool: Pool, r: RoundStart): Promise<void> {
  await inTransaction(pool, async (db) => {
    await db.query(
      `INSERT INTO council_rounds (council_id, round, status, feedback, requested_by) VALUES ($1, $2, 'deliberating', $3, $4)
       ON CONFLICT (council_id, round) DO NOTHING`,
      [r.councilId, r.round, r.feedback?.text ?? null, r.feedback?.by ?? null],
    );
    for (const m of r.members) {
      await db.query(
        `INSERT INTO council_members (council_id, round, role, title, core, status) VALUES ($1, $2, $3, $4, $5, 'deliberating')
         ON CONFLICT (council_id, round, role) DO NOTHING`,
        [r.councilId, r.round, m.role, m.title, m.core],
      );
    }
    await db.query('UPDATE councils SET current_round = greatest(current_round, $2), updated_at = now() WHERE id = $1', [r.councilId, r.round]);
  });
}

async function upsertArtifact(db: Queryable, a: { id: string; councilId: string; round: number; role: CouncilRoleId; artifact: Artifact; nodeId?: string; model?: string }): Promise<void> {
  await db.query(
    `INSERT INTO council_artifacts (id, council_id, round, kind, role, content, node_id, model) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
     ON CONFLICT (council_id, round, kind) DO UPDATE SET id = EXCLUDED.id, content = EXCLUDED.content, node_id = EXCLUDED.node_id, model = EXCLUDED.model`,
    [a.id, a.councilId, a.round, a.artifact.kind, a.role, JSON.stringify(a.artifact.value), a.nodeId ?? null, a.model ?? null],
  );
}

export async function saveMemberOutcome(pool: Pool, m: MemberOutcomeRecord): Promise<void> {
  await inTransaction(pool, async (db) => {
    if (m.artifact) await upsertArtifact(db, { id: m.artifact.id, councilId: m.councilId, round: m.round, role: m.role, artifact: m.artifact.value, nodeId: m.nodeId, model: m.model });
    await db.query(
      `UPDATE council_members SET status = $4, node_id = $5, model = $6, failed_over = $7, repaired = $8, error = $9, artifact_id = $10, finished_at = now()
       WHERE council_id = $1 AND round = $2 AND role = $3`,
      [m.councilId, m.round, m.role, m.status, m.nodeId ?? null, m.model ?? null, JSON.stringify(m.failedOver), m.repaired, m.error ?? null, m.artifact?.id ?? null],
    );
  });
}

export async function savePlan(pool: Pool, p: PlanRecord): Promise<void> {
  await inTransaction(pool, async (db) => {
    await upsertArtifact(db, { id: p.artifactId, councilId: p.councilId, round: p.round, role: 'engineering_lead', artifact: { kind: 'kickoff_plan', value: p.plan }, nodeId: p.nodeId, model: p.model });
    await db.query('UPDATE council_rounds SET plan_artifact_id = $3 WHERE council_id = $1 AND round = $2', [p.councilId, p.round, p.artifactId]);
    await db.query('UPDATE councils SET plan_round = $2, updated_at = now() WHERE id = $1', [p.councilId, p.round]);
  });
}

export async function setRound(db: Queryable, councilId: string, r: RoundPatch): Promise<void> {
  const ended = !['deliberating', 'synthesizing', 'proposed'].includes(r.status);
  await db.query(
    `UPDATE council_rounds SET status = $3, error = coalesce($4, error), decision = coalesce($5, decision), summary_comment_id = coalesce($6, summary_comment_id),
       ended_at = CASE WHEN $7 THEN coalesce(ended_at, now()) ELSE NULL END
     WHERE council_id = $1 AND round = $2`,
    [councilId, r.round, r.status, r.error ?? null, r.decision ? JSON.stringify(r.decision) : null, r.summaryCommentId ?? null, ended],
  );
}

export async function setCouncilStatus(pool: Pool, p: CouncilStatusPatch): Promise<void> {
  await inTransaction(pool, async (db) => {
    if (p.round) await setRound(db, p.councilId, p.round);
    await db.query(
      `UPDATE councils SET status = $2, outcome = coalesce($3, outcome), error = coalesce($4, error), decision = coalesce($5, decision),
         task_issues = coalesce($6, task_issues), ended_at = CASE WHEN $7 THEN coalesce(ended_at, now()) ELSE NULL END, updated_at = now()
       WHERE id = $1`,
      [
        p.councilId,
        p.status,
        p.outcome ?? null,
        p.error ?? null,
        p.decision ? JSON.stringify(p.decision) : null,
        p.tasks ? JSON.stringify(p.tasks) : null,
        ENDED_COUNCIL_STATUSES.includes(p.status),
      ],
    );
  });
}
