/**
 * The councils read model in Postgres: written by the council-kickoff
 * workflow's activities, read by the API and by the activity that renders the
 * summary comment. Every write is an upsert keyed by ids the workflow chose,
 * so a retried activity writes the same rows again rather than new ones.
 */
import { inTransaction } from '../transaction';
import type { Pool, PoolClient } from 'pg';
import type { Artifact, ArtifactKind, KickoffPlan, MemberArtifact } from '../../domain/council/artifacts';
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
import { newestFirst, type NewestFirstFilter } from '../newest-first';

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

// ---------------------------------------------------------------- reads

export interface CouncilRow {
  readonly id: string;
  readonly workflowId: string;
  readonly runId: string;
  readonly repositoryId: number | null;
  readonly repository: string;
  readonly forge: string;
  readonly issue: { readonly number: number; readonly title: string; readonly url: string };
  readonly status: CouncilStatus;
  readonly quorum: 'core_only' | 'all';
  readonly roles: CouncilRoleId[];
  readonly currentRound: number;
  readonly planRound: number | null;
  readonly decision: CouncilDecision | null;
  readonly taskCount: number;
  readonly outcome: string | null;
  readonly error: string | null;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly endedAt: string | null;
}

export interface MemberRow {
  readonly role: CouncilRoleId;
  readonly title: string;
  readonly core: boolean;
  readonly status: MemberStatus;
  readonly nodeId: string | null;
  readonly model: string | null;
  readonly failedOver: string[];
  readonly repaired: boolean;
  readonly artifactId: string | null;
  readonly error: string | null;
  readonly startedAt: string;
  readonly finishedAt: string | null;
}

export interface RoundRow {
  readonly round: number;
  readonly status: RoundStatus;
  readonly feedback: { readonly text: string; readonly by: string | null } | null;
  readonly planArtifactId: string | null;
  readonly summaryCommentId: number | null;
  readonly decision: CouncilDecision | null;
  readonly error: string | null;
  readonly startedAt: string;
  readonly endedAt: string | null;
  readonly members: MemberRow[];
}

export interface CouncilDetail extends CouncilRow {
  readonly composition: Composition;
  readonly tasks: TaskIssueRef[];
  readonly rounds: RoundRow[];
}

export interface ArtifactRow {
  readonly id: string;
  readonly round: number;
  readonly kind: ArtifactKind;
  readonly role: CouncilRoleId;
  readonly content: unknown;
  readonly nodeId: string | null;
  readonly model: string | null;
  readonly createdAt: string;
}

const ROW_COLUMNS = `c.id, c.workflow_id, c.run_id, c.repository_id, c.repository, c.forge, c.issue_number, c.issue_title, c.issue_url, c.status, c.quorum,
  c.composition, c.current_round, c.plan_round, c.decision, c.task_issues, c.outcome, c.error, c.created_at, c.updated_at, c.ended_at`;

interface RawRow {
  id: string;
  workflow_id: string;
  run_id: string;
  repository_id: string | null;
  repository: string;
  forge: string;
  issue_number: number;
  issue_title: string;
  issue_url: string;
  status: CouncilStatus;
  quorum: 'core_only' | 'all';
  composition: Composition;
  current_round: number;
  plan_round: number | null;
  decision: CouncilDecision | null;
  task_issues: TaskIssueRef[];
  outcome: string | null;
  error: string | null;
  created_at: Date;
  updated_at: Date;
  ended_at: Date | null;
}

function toRow(r: RawRow): CouncilRow {
  return {
    id: r.id,
    workflowId: r.workflow_id,
    runId: r.run_id,
    repositoryId: r.repository_id === null ? null : Number(r.repository_id),
    repository: r.repository,
    forge: r.forge,
    issue: { number: r.issue_number, title: r.issue_title, url: r.issue_url },
    status: r.status,
    quorum: r.quorum,
    roles: r.composition.members.map((m) => m.role),
    currentRound: r.current_round,
    planRound: r.plan_round,
    decision: r.decision,
    taskCount: r.task_issues.length,
    outcome: r.outcome,
    error: r.error,
    createdAt: r.created_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
    endedAt: r.ended_at?.toISOString() ?? null,
  };
}

export type CouncilFilter = NewestFirstFilter<CouncilStatus>;

/** Newest first, one page; `more` tells whether another page follows. */
export async function listCouncils(db: Queryable, f: CouncilFilter): Promise<{ councils: CouncilRow[]; more: boolean }> {
  const { rows, more } = await newestFirst<RawRow>(db, 'councils c', ROW_COLUMNS, f);
  return { councils: rows.map(toRow), more };
}

export async function getCouncil(db: Queryable, id: string): Promise<CouncilDetail | undefined> {
  const { rows } = await db.query<RawRow>(`SELECT ${ROW_COLUMNS} FROM councils c WHERE c.id = $1`, [id]);
  const r = rows[0];
  if (!r) return undefined;
  const rounds = await db.query<{
    round: number;
    status: RoundStatus;
    feedback: string | null;
    requested_by: string | null;
    plan_artifact_id: string | null;
    summary_comment_id: string | null;
    decision: CouncilDecision | null;
    error: string | null;
    started_at: Date;
    ended_at: Date | null;
  }>('SELECT * FROM council_rounds WHERE council_id = $1 ORDER BY round', [id]);
  const members = await db.query<{
    round: number;
    role: CouncilRoleId;
    title: string;
    core: boolean;
    status: MemberStatus;
    node_id: string | null;
    model: string | null;
    failed_over: string[];
    repaired: boolean;
    artifact_id: string | null;
    error: string | null;
    started_at: Date;
    finished_at: Date | null;
  }>('SELECT * FROM council_members WHERE council_id = $1', [id]);
  const order = r.composition.members.map((m) => m.role);
  return {
    ...toRow(r),
    composition: r.composition,
    tasks: r.task_issues,
    rounds: rounds.rows.map((x) => ({
      round: x.round,
      status: x.status,
      feedback: x.feedback === null ? null : { text: x.feedback, by: x.requested_by },
      planArtifactId: x.plan_artifact_id,
      summaryCommentId: x.summary_comment_id === null ? null : Number(x.summary_comment_id),
      decision: x.decision,
      error: x.error,
      startedAt: x.started_at.toISOString(),
      endedAt: x.ended_at?.toISOString() ?? null,
      members: members.rows
        .filter((m) => m.round === x.round)
        .sort((a, b) => order.indexOf(a.role) - order.indexOf(b.role))
        .map((m) => ({
          role: m.role,
          title: m.title,
          core: m.core,
          status: m.status,
          nodeId: m.node_id,
          model: m.model,
          failedOver: m.failed_over,
          repaired: m.repaired,
          artifactId: m.artifact_id,
          error: m.error,
          startedAt: m.started_at.toISOString(),
          finishedAt: m.finished_at?.toISOString() ?? null,
        })),
    })),
  };
}

interface RawArtifact {
  id: string;
  round: number;
  kind: ArtifactKind;
  role: CouncilRoleId;
  content: unknown;
  node_id: string | null;
  model: string | null;
  created_at: Date;
}

const toArtifact = (a: RawArtifact): ArtifactRow => ({
  id: a.id,
  round: a.round,
  kind: a.kind,
  role: a.role,
  content: a.content,
  nodeId: a.node_id,
  model: a.model,
  createdAt: a.created_at.toISOString(),
});

const KIND_ORDER = `array_position(ARRAY['requirements', 'architecture', 'test_strategy', 'threat_model', 'operations_plan', 'user_flows', 'kickoff_plan'], kind)`;

/** A council's artifacts, by round and then in council order (the plan last). */
export async function listArtifacts(db: Queryable, councilId: string, round?: number): Promise<ArtifactRow[]> {
  const { rows } = await db.query<RawArtifact>(
    `SELECT id, round, kind, role, content, node_id, model, created_at FROM council_artifacts
     WHERE council_id = $1 AND ($2::int IS NULL OR round = $2) ORDER BY round, ${KIND_ORDER}`,
    [councilId, round ?? null],
  );
  return rows.map(toArtifact);
}

export async function getArtifact(db: Queryable, councilId: string, artifactId: string): Promise<ArtifactRow | undefined> {
  const { rows } = await db.query<RawArtifact>('SELECT id, round, kind, role, content, node_id, model, created_at FROM council_artifacts WHERE council_id = $1 AND id = $2', [
    councilId,
    artifactId,
  ]);
  return rows[0] ? toArtifact(rows[0]) : undefined;
}
