/**
 * Stored pipelines in Postgres: the pipelines table (one row per pipeline,
 * with what the list shows of its latest version) and its immutable versions.
 * Saving adds a version; activating pins the latest one for the triggers. The
 * document is stored as given (json keeps key order), so export gives back
 * what was imported.
 */
import { randomBytes } from 'node:crypto';
import type { Pool, PoolClient } from 'pg';
import { pipelineName, pipelineProblems, pipelineTags, pipelineTrigger, type PipelineProblem, type TriggerKind } from '../../domain/pipeline/stored-pipeline';
import type { ExecutionStatus, N8nWorkflow } from '../../domain/pipeline/types';
import type { Keyset } from '../newest-first';
import { inTransaction } from '../transaction';

type Queryable = Pool | PoolClient;

export interface PipelineSummary {
  readonly id: string;
  readonly name: string;
  readonly tags: string[];
  readonly active: boolean;
  readonly version: number;
  readonly activeVersion: number | null;
  readonly trigger: TriggerKind | null;
  readonly notes: string | null;
  readonly problems: PipelineProblem[];
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly updatedBy: string;
  readonly lastExecution: { id: string; status: ExecutionStatus; startedAt: string } | null;
}

export interface SavedVersion {
  readonly id: string;
  readonly version: number;
  readonly problems: PipelineProblem[];
}

export interface PipelineVersion {
  readonly version: number;
  readonly createdAt: string;
  readonly createdBy: string;
  readonly name: string;
  readonly document: N8nWorkflow;
}

export const newPipelineId = (): string => `pl_${randomBytes(9).toString('base64url')}`;

interface SummaryDbRow {
  id: string;
  name: string;
  tags: string[];
  active: boolean;
  latest_version: number;
  active_version: number | null;
  trigger: TriggerKind | null;
  notes: string | null;
  problems: PipelineProblem[];
  created_at: Date;
  updated_at: Date;
  updated_by: string;
  last_id: string | null;
  last_status: ExecutionStatus | null;
  last_started_at: Date | null;
}

const SUMMARY_SELECT = `SELECT p.id, p.name, p.tags, p.active, p.latest_version, p.active_version, p.trigger, p.notes, p.problems,
  p.created_at, p.updated_at, p.updated_by, e.id AS last_id, e.status AS last_status, e.started_at AS last_started_at
  FROM pipelines p
  LEFT JOIN LATERAL (SELECT id, status, started_at FROM pipeline_executions x
    WHERE x.pipeline_key = p.id AND x.parent_execution_id IS NULL ORDER BY x.started_at DESC, x.id DESC LIMIT 1) e ON true`;

function summaryOf(r: SummaryDbRow): PipelineSummary {
  return {
    id: r.id,
    name: r.name,
    tags: r.tags,
    active: r.active,
    version: r.latest_version,
    activeVersion: r.active_version,
    trigger: r.trigger,
    notes: r.notes,
    problems: r.problems,
    createdAt: r.created_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
    updatedBy: r.updated_by,
    lastExecution: r.last_id ? { id: r.last_id, status: r.last_status!, startedAt: r.last_started_at!.toISOString() } : null,
  };
}

/** What the pipelines row shows of a version. */
function describe(doc: N8nWorkflow) {
  const trigger = pipelineTrigger(doc);
  return { name: pipelineName(doc), tags: pipelineTags(doc), trigger: trigger?.kind ?? null, notes: trigger?.notes ?? null, problems: pipelineProblems(doc) };
}

/** A new pipeline with `doc` as its version 1 (invalid documents are saved too: as drafts). */
export async function createPipeline(pool: Pool, doc: N8nWorkflow, by: string, id = newPipelineId()): Promise<SavedVersion> {
  const d = describe(doc);
  await inTransaction(pool, async (c) => {
    await c.query(
      `INSERT INTO pipelines (id, name, tags, latest_version, trigger, notes, problems, created_by, updated_by) VALUES ($1, $2, $3, 1, $4, $5, $6, $7, $7)`,
      [id, d.name, d.tags, d.trigger, d.notes, JSON.stringify(d.problems), by],
    );
    await c.query(`INSERT INTO pipeline_versions (pipeline_id, version, name, document, problems, created_by) VALUES ($1, 1, $2, $3, $4, $5)`, [id, d.name, JSON.stringify(doc), JSON.stringify(d.problems), by]);
  });
  return { id, version: 1, problems: d.problems };
}

/** `doc` as the next version of pipeline `id`; undefined when there is no such pipeline. The active version stays pinned. */
export async function savePipelineVersion(pool: Pool, id: string, doc: N8nWorkflow, by: string): Promise<SavedVersion | undefined> {
  const d = describe(doc);
  return inTransaction(pool, async (c) => {
    const { rows } = await c.query<{ latest_version: number }>(
      `UPDATE pipelines SET latest_version = latest_version + 1, name = $2, tags = $3, trigger = $4, notes = $5, problems = $6, updated_by = $7, updated_at = now()
       WHERE id = $1 RETURNING latest_version`,
      [id, d.name, d.tags, d.trigger, d.notes, JSON.stringify(d.problems), by],
    );
    const version = rows[0]?.latest_version;
    if (version === undefined) return undefined;
    await c.query(`INSERT INTO pipeline_versions (pipeline_id, version, name, document, problems, created_by) VALUES ($1, $2, $3, $4, $5, $6)`, [id, version, d.name, JSON.stringify(doc), JSON.stringify(d.problems), by]);
    return { id, version, problems: d.problems };
  });
}

export async function getPipeline(db: Queryable, id: string): Promise<PipelineSummary | undefined> {
  const { rows } = await db.query<SummaryDbRow>(`${SUMMARY_SELECT} WHERE p.id = $1`, [id]);
  return rows[0] ? summaryOf(rows[0]) : undefined;
}

export interface PipelineFilter {
  readonly active?: boolean;
  readonly tag?: string;
  readonly trigger?: TriggerKind;
  readonly limit: number;
  readonly after?: Keyset;
}

/** Pipelines newest first, by keyset on (created_at, id). */
export async function listPipelines(db: Queryable, f: PipelineFilter): Promise<{ items: PipelineSummary[]; more: boolean }> {
  const where: string[] = [];
  const args: unknown[] = [];
  const arg = (v: unknown): string => `$${args.push(v)}`;
  if (f.active !== undefined) where.push(`p.active = ${arg(f.active)}`);
  if (f.tag !== undefined) where.push(`${arg(f.tag)} = ANY (p.tags)`);
  if (f.trigger !== undefined) where.push(`p.trigger = ${arg(f.trigger)}`);
  if (f.after !== undefined) where.push(`(p.created_at, p.id) < (${arg(f.after.createdAt)}::timestamptz, ${arg(f.after.id)})`);
  const { rows } = await db.query<SummaryDbRow>(`${SUMMARY_SELECT} ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY p.created_at DESC, p.id DESC LIMIT ${arg(f.limit + 1)}`, args);
  return { items: rows.slice(0, f.limit).map(summaryOf), more: rows.length > f.limit };
}

/** One version with its document; without `version`, the latest. */
export async function getPipelineVersion(db: Queryable, id: string, version?: number): Promise<PipelineVersion | undefined> {
  const { rows } = await db.query<{ version: number; created_at: Date; created_by: string; name: string; document: N8nWorkflow }>(
    version === undefined
      ? `SELECT v.version, v.created_at, v.created_by, v.name, v.document FROM pipeline_versions v JOIN pipelines p ON p.id = v.pipeline_id AND v.version = p.latest_version WHERE p.id = $1`
      : `SELECT version, created_at, created_by, name, document FROM pipeline_versions WHERE pipeline_id = $1 AND version = $2`,
    version === undefined ? [id] : [id, version],
  );
  const r = rows[0];
  return r ? { version: r.version, createdAt: r.created_at.toISOString(), createdBy: r.created_by, name: r.name, document: r.document } : undefined;
}

export async function listPipelineVersions(db: Queryable, id: string): Promise<Omit<PipelineVersion, 'document'>[]> {
  const { rows } = await db.query<{ version: number; created_at: Date; created_by: string; name: string }>(
    'SELECT version, created_at, created_by, name FROM pipeline_versions WHERE pipeline_id = $1 ORDER BY version DESC',
    [id],
  );
  return rows.map((r) => ({ version: r.version, createdAt: r.created_at.toISOString(), createdBy: r.created_by, name: r.name }));
}

export async function deletePipeline(db: Queryable, id: string): Promise<boolean> {
  const { rowCount } = await db.query('DELETE FROM pipelines WHERE id = $1', [id]);
  return (rowCount ?? 0) > 0;
}

/**
 * The document a run of pipeline `id` uses: `version`, else the active one,
 * else the latest; with its problems as this code sees them (node types
 * added since it was saved count).
 */
export async function documentToRun(db: Queryable, id: string, version?: number): Promise<{ version: number; document: N8nWorkflow; problems: PipelineProblem[] } | undefined> {
  const { rows } = await db.query<{ version: number; document: N8nWorkflow }>(
    `SELECT v.version, v.document FROM pipelines p JOIN pipeline_versions v ON v.pipeline_id = p.id
     AND v.version = COALESCE($2::int, p.active_version, p.latest_version) WHERE p.id = $1`,
    [id, version ?? null],
  );
  const r = rows[0];
  return r ? { version: r.version, document: r.document, problems: pipelineProblems(r.document) } : undefined;
}

/** Active pipelines whose pinned version has an enabled node of `type` (e.g. 'whoosh.forgeTrigger'), with that version's document. */
export async function activePipelinesWithTrigger(db: Queryable, type: string): Promise<{ id: string; version: number; document: N8nWorkflow }[]> {
  const { rows } = await db.query<{ id: string; version: number; document: N8nWorkflow }>(
    `SELECT p.id, v.version, v.document FROM pipelines p JOIN pipeline_versions v ON v.pipeline_id = p.id AND v.version = p.active_version
     WHERE p.active AND EXISTS (SELECT 1 FROM json_array_elements(v.document->'nodes') n WHERE n->>'type' = $1 AND (n->>'disabled') IS DISTINCT FROM 'true')
     ORDER BY p.created_at, p.id`,
    [type],
  );
  return rows;
}
