/**
 * The teams read model in Postgres: written by the team-formation workflow's
 * activities, read by the API. Every write is an upsert keyed by the team id,
 * so a retried activity writes the same row again rather than a second one.
 */
import type { Pool, PoolClient } from 'pg';
import type { Classification } from '../../domain/team/classify-task';
import type { Team } from '../../domain/team/compose-team';
import type { ContainerRef, Member, TeamStatus } from '../../workflows/team/definitions';
import { newestFirst, type NewestFirstFilter } from '../newest-first';

type Queryable = Pool | PoolClient;

export interface TeamRecord {
  readonly teamId: string;
  readonly workflowId: string;
  readonly runId: string;
  readonly repositoryId: number;
  readonly repository: string;
  readonly forge: 'gitea' | 'github';
  readonly issue: { readonly number: number; readonly title: string; readonly url: string };
  readonly status: TeamStatus;
  readonly classification: Classification;
  readonly classificationFallback?: string;
  readonly scoring: Team['table'];
  readonly unfilled: Team['unfilled'];
  readonly members: readonly Member[];
}

export interface TeamRow {
  readonly id: string;
  readonly workflowId: string;
  readonly runId: string;
  readonly repositoryId: number | null;
  readonly repository: string;
  readonly forge: string;
  readonly issue: { readonly number: number; readonly title: string; readonly url: string };
  readonly status: TeamStatus;
  readonly taskType: string;
  readonly complexity: string;
  readonly classificationSource: string;
  readonly classificationFallback: string | null;
  readonly memberCount: number;
  readonly reportCommentId: number | null;
  readonly outcome: string | null;
  readonly error: string | null;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly endedAt: string | null;
}

export interface TeamDetail extends TeamRow {
  readonly classification: Classification;
  readonly scoring: Team['table'];
  readonly unfilled: Team['unfilled'];
  readonly members: (Member & { readonly joinedAt: string })[];
}

const ENDED: readonly TeamStatus[] = ['done', 'cancelled', 'failed'];

export async function saveTeam(pool: Pool, t: TeamRecord): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query(
      `INSERT INTO teams (id, workflow_id, run_id, repository_id, repository, forge, issue_number, issue_title, issue_url, status,
                          classification, classification_fallback, scoring, unfilled)
       VALUES ($1, $2, $3, (SELECT id FROM repositories WHERE id = $4), $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
       ON CONFLICT (id) DO UPDATE SET status = EXCLUDED.status, classification = EXCLUDED.classification,
         classification_fallback = EXCLUDED.classification_fallback, scoring = EXCLUDED.scoring, unfilled = EXCLUDED.unfilled, updated_at = now()`,
      [
        t.teamId,
        t.workflowId,
        t.runId,
        t.repositoryId,
        t.repository,
        t.forge,
        t.issue.number,
        t.issue.title,
        t.issue.url,
        t.status,
        JSON.stringify(t.classification),
        t.classificationFallback ?? null,
        JSON.stringify(t.scoring),
        JSON.stringify(t.unfilled),
      ],
    );
    await client.query('DELETE FROM team_members WHERE team_id = $1', [t.teamId]);
    for (const m of t.members) await upsertMember(client, t.teamId, m);
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK');
    throw err;
  } finally {
    client.release();
  }
}

export async function upsertMember(db: Queryable, teamId: string, m: Member): Promise<void> {
  await db.query(
    `INSERT INTO team_members (team_id, role_id, role_title, agent_id, agent_name, model, score, reasons, container)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
     ON CONFLICT (team_id, role_id) DO UPDATE SET agent_id = EXCLUDED.agent_id, agent_name = EXCLUDED.agent_name, model = EXCLUDED.model,
       score = EXCLUDED.score, reasons = EXCLUDED.reasons, container = EXCLUDED.container,
       joined_at = CASE WHEN team_members.agent_id = EXCLUDED.agent_id THEN team_members.joined_at ELSE now() END`,
    [teamId, m.roleId, m.roleTitle, m.agentId, m.agentName, m.model, m.score, JSON.stringify(m.reasons), m.container ? JSON.stringify(m.container) : null],
  );
  await db.query('UPDATE teams SET updated_at = now() WHERE id = $1', [teamId]);
}

export async function setTeamStatus(
  db: Queryable,
  teamId: string,
  patch: { status: TeamStatus; outcome?: string; error?: string; reportCommentId?: number; clearContainers?: boolean },
): Promise<void> {
  await db.query(
    `UPDATE teams SET status = $2, outcome = coalesce($3, outcome), error = coalesce($4, error), report_comment_id = coalesce($5, report_comment_id),
       ended_at = CASE WHEN $6 THEN coalesce(ended_at, now()) ELSE NULL END, updated_at = now()
     WHERE id = $1`,
    [teamId, patch.status, patch.outcome ?? null, patch.error ?? null, patch.reportCommentId ?? null, ENDED.includes(patch.status)],
  );
  if (patch.clearContainers) await db.query('UPDATE team_members SET container = NULL WHERE team_id = $1', [teamId]);
}

const ROW_COLUMNS = `t.id, t.workflow_id, t.run_id, t.repository_id, t.repository, t.forge, t.issue_number, t.issue_title, t.issue_url, t.status,
  t.classification->>'type' AS task_type, t.classification->'complexity'->>'level' AS complexity, t.classification->>'source' AS source,
  t.classification_fallback, t.report_comment_id, t.outcome, t.error, t.created_at, t.updated_at, t.ended_at,
  (SELECT count(*)::int FROM team_members m WHERE m.team_id = t.id) AS member_count`;

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
  status: TeamStatus;
  task_type: string;
  complexity: string;
  source: string;
  classification_fallback: string | null;
  report_comment_id: string | null;
  outcome: string | null;
  error: string | null;
  created_at: Date;
  updated_at: Date;
  ended_at: Date | null;
  member_count: number;
}

function toRow(r: RawRow): TeamRow {
  return {
    id: r.id,
    workflowId: r.workflow_id,
    runId: r.run_id,
    repositoryId: r.repository_id === null ? null : Number(r.repository_id),
    repository: r.repository,
    forge: r.forge,
    issue: { number: r.issue_number, title: r.issue_title, url: r.issue_url },
    status: r.status,
    taskType: r.task_type,
    complexity: r.complexity,
    classificationSource: r.source,
    classificationFallback: r.classification_fallback,
    memberCount: r.member_count,
    reportCommentId: r.report_comment_id === null ? null : Number(r.report_comment_id),
    outcome: r.outcome,
    error: r.error,
    createdAt: r.created_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
    endedAt: r.ended_at?.toISOString() ?? null,
  };
}

export type TeamFilter = NewestFirstFilter<TeamStatus>;

/** Newest first, one page; `more` tells whether another page follows. */
export async function listTeams(db: Queryable, f: TeamFilter): Promise<{ teams: TeamRow[]; more: boolean }> {
  const { rows, more } = await newestFirst<RawRow>(db, 'teams t', ROW_COLUMNS, f);
  return { teams: rows.map(toRow), more };
}

export async function getTeam(db: Queryable, id: string): Promise<TeamDetail | undefined> {
  const { rows } = await db.query<RawRow & { classification: Classification; scoring: Team['table']; unfilled: Team['unfilled'] }>(
    `SELECT ${ROW_COLUMNS}, t.classification, t.scoring, t.unfilled FROM teams t WHERE t.id = $1`,
    [id],
  );
  const r = rows[0];
  if (!r) return undefined;
  const members = await db.query<{
    role_id: string;
    role_title: string;
    agent_id: string;
    agent_name: string;
    model: string | null;
    score: number;
    reasons: string[];
    container: ContainerRef | null;
    joined_at: Date;
  }>('SELECT role_id, role_title, agent_id, agent_name, model, score, reasons, container, joined_at FROM team_members WHERE team_id = $1 ORDER BY joined_at, role_id', [id]);
  return {
    ...toRow(r),
    classification: r.classification,
    scoring: r.scoring,
    unfilled: r.unfilled,
    members: members.rows.map((m) => ({
      roleId: m.role_id,
      roleTitle: m.role_title,
      agentId: m.agent_id,
      agentName: m.agent_name,
      model: m.model,
      score: Math.round(m.score * 1000) / 1000,
      reasons: m.reasons,
      ...(m.container ? { container: m.container } : {}),
      joinedAt: m.joined_at.toISOString(),
    })),
  };
}
