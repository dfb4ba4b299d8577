/**
 * Activities of the system self-check: a write and a read of Postgres from the
 * worker, so one workflow run proves client → server → worker → database.
 */
import { Context } from '@temporalio/activity';
import type { Pool } from 'pg';
import { nonRetryableFailure } from '../../domain/failures';

export interface SystemCheckRecord {
  readonly id: string;
  readonly note: string;
  readonly workflowId: string;
  readonly createdAt: string;
}

export function createSystemActivities(pool: Pool) {
  return {
    /** Idempotent: a retried attempt finds the row its first attempt wrote. */
    async recordSystemCheck(input: { id: string; note: string }): Promise<{ postgresVersion: string }> {
      const execution = Context.current().info.workflowExecution;
      await pool.query(
        `INSERT INTO system_checks (id, workflow_id, run_id, note) VALUES ($1, $2, $3, $4)
         ON CONFLICT (id) DO NOTHING`,
        [input.id, execution?.workflowId ?? '', execution?.runId ?? '', input.note],
      );
      const { rows } = await pool.query<{ v: string }>("SELECT current_setting('server_version') AS v");
      return { postgresVersion: rows[0]!.v };
    },

    async readSystemCheck(id: string): Promise<SystemCheckRecord> {
      const { rows } = await pool.query<{ id: string; note: string; workflow_id: string; created_at: Date }>(
        'SELECT id, note, workflow_id, created_at FROM system_checks WHERE id = $1',
        [id],
      );
      const row = rows[0];
      if (!row) throw nonRetryableFailure('SystemCheckMissing', `system check ${id} was not found`);
      return { id: row.id, note: row.note, workflowId: row.workflow_id, createdAt: row.created_at.toISOString() };
    },

    /** Does nothing: the baseline benchmark measures the engine, not the work. */
    async noop(): Promise<void> {},
  };
}
