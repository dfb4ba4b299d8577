/**
 * Activation of stored pipelines with their triggers: activating pins the
 * latest version, registers its Webhook nodes' method and path (one pipeline
 * per path) and creates or updates its Schedule Trigger schedules, all or
 * nothing; deactivating unregisters the webhooks and pauses the schedules;
 * deleting removes the schedules too.
 */
import type { Pool, PoolClient } from 'pg';
import { pipelineProblems, type PipelineProblem } from '../../domain/pipeline/stored-pipeline';
import type { N8nWorkflow } from '../../domain/pipeline/types';
import { webhookEndpoints } from '../../domain/pipeline/webhook-trigger';
import { inTransaction } from '../transaction';
import { deletePipeline } from './pipeline-catalog';
import { applySchedules, deleteSchedules, pauseSchedules, type ScheduleDeps } from './pipeline-schedules';

export interface ActivationDeps extends ScheduleDeps {
  readonly pool: Pool;
}

export type ActivationResult = { readonly found: false } | { readonly found: true; readonly problems: PipelineProblem[] };

interface Locked {
  latest_version: number;
  active_version: number | null;
  problems: PipelineProblem[];
}

async function lock(c: PoolClient, id: string): Promise<Locked | undefined> {
  const { rows } = await c.query<Locked>('SELECT latest_version, active_version, problems FROM pipelines WHERE id = $1 FOR UPDATE', [id]);
  return rows[0];
}

async function documentOf(c: PoolClient, id: string, version: number | null): Promise<N8nWorkflow | undefined> {
  if (version === null) return undefined;
  const { rows } = await c.query<{ document: N8nWorkflow }>('SELECT document FROM pipeline_versions WHERE pipeline_id = $1 AND version = $2', [id, version]);
  return rows[0]?.document;
}

/** Registers `doc`'s webhooks for pipeline `id`; the paths another pipeline (or another node) serves already, as problems. */
async function registerWebhooks(c: PoolClient, id: string, doc: N8nWorkflow): Promise<PipelineProblem[]> {
  await c.query('DELETE FROM pipeline_webhooks WHERE pipeline_id = $1', [id]);
  const problems: PipelineProblem[] = [];
  for (const e of webhookEndpoints(doc)) {
    const { rowCount } = await c.query('INSERT INTO pipeline_webhooks (method, path, pipeline_id, node) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING', [e.method, e.path, id, e.node]);
    if (rowCount === 1) continue;
    const { rows } = await c.query<{ pipeline_id: string; node: string }>('SELECT pipeline_id, node FROM pipeline_webhooks WHERE method = $1 AND path = $2', [e.method, e.path]);
    const owner = rows[0];
    problems.push({ node: e.node, message: `Node "${e.node}": ${e.method} /webhook/${e.path} is already served by ${owner?.pipeline_id === id ? `node "${owner.node}"` : `pipeline ${owner?.pipeline_id}`}` });
  }
  return problems;
}

/** Webhook paths in use: rolls the activation back, answered as problems. */
class ActivationConflict extends Error {
  constructor(readonly problems: PipelineProblem[]) {
    super('webhook paths in use');
  }
}

/** Activates the latest version (re-activating re-pins it); with problems nothing changes and they are the answer. */
export async function activatePipeline(deps: ActivationDeps, id: string, by: string): Promise<ActivationResult> {
  return inTransaction<ActivationResult>(deps.pool, async (c) => {
    const row = await lock(c, id);
    if (!row) return { found: false };
    const doc = (await documentOf(c, id, row.latest_version))!;
    // Checked again with this code's node types (a draft saved before an upgrade may be fine now), and kept.
    const problems = pipelineProblems(doc);
    if (JSON.stringify(problems) !== JSON.stringify(row.problems)) {
      await c.query('UPDATE pipelines SET problems = $2 WHERE id = $1', [id, JSON.stringify(problems)]);
      await c.query('UPDATE pipeline_versions SET problems = $3 WHERE pipeline_id = $1 AND version = $2', [id, row.latest_version, JSON.stringify(problems)]);
    }
    if (problems.length > 0) return { found: true, problems };
    const conflicts = await registerWebhooks(c, id, doc);
    if (conflicts.length > 0) throw new ActivationConflict(conflicts);
    await c.query('UPDATE pipelines SET active = true, active_version = $2, updated_by = $3, updated_at = now() WHERE id = $1', [id, row.latest_version, by]);
    // Last, so a schedule Temporal refuses leaves the pipeline as it was.
    await applySchedules(deps, id, doc, [await documentOf(c, id, row.active_version)]);
    return { found: true, problems: [] };
  }).catch((err: unknown): ActivationResult => {
    if (err instanceof ActivationConflict) return { found: true, problems: err.problems };
    throw err;
  });
}

/** Deactivates: webhooks stop answering, schedules pause. False when there is no such pipeline. */
export async function deactivatePipeline(deps: ActivationDeps, id: string, by: string): Promise<boolean> {
  return inTransaction(deps.pool, async (c) => {
    const row = await lock(c, id);
    if (!row) return false;
    await c.query('DELETE FROM pipeline_webhooks WHERE pipeline_id = $1', [id]);
    await c.query('UPDATE pipelines SET active = false, active_version = NULL, updated_by = $2, updated_at = now() WHERE id = $1', [id, by]);
    await pauseSchedules(deps, id, await documentOf(c, id, row.active_version));
    return true;
  });
}

/** Deletes a pipeline, its versions and its schedules. False when there is no such pipeline. */
export async function removePipeline(deps: ActivationDeps, id: string): Promise<boolean> {
  const { rows } = await deps.pool.query<{ document: N8nWorkflow }>('SELECT document FROM pipeline_versions WHERE pipeline_id = $1', [id]);
  if (rows.length === 0) return false;
  await deleteSchedules(deps, id, rows.map((r) => r.document));
  return deletePipeline(deps.pool, id);
}
