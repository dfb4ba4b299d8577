/**
 * Orchestrator-side activities of an LLM call: reserving a node (routing run
 * under a lock on fresh load figures, so concurrent calls spread over the
 * nodes instead of piling onto the same "least loaded" one), releasing a
 * reservation whose call never ran, and reading stored outputs.
 */
import { randomUUID } from 'node:crypto';
import { Context } from '@temporalio/activity';
import type { Pool } from 'pg';
import type { WhooshConfig } from '../../infra/config';
import { routeCall, taskQueueForNode, type CallNeeds, type RouteDecision } from '../../domain/routing/route-call';
import { routingSnapshot } from './agent-store';
import { nonRetryableFailure } from '../../domain/failures';

export interface LlmCallSettings {
  readonly heartbeatTimeoutSeconds: number;
  readonly callTimeoutSeconds: number;
  readonly queueTimeoutSeconds: number;
  readonly attemptsPerNode: number;
  readonly waitForNodeSeconds: number;
}

export type Reservation =
  | (Extract<RouteDecision, { ok: true }> & { readonly callId: string; readonly taskQueue: string; readonly settings: LlmCallSettings })
  | (Extract<RouteDecision, { ok: false }> & { readonly settings: LlmCallSettings });

const RESERVATION_LOCK = 0x77686f6f; // 'whoo'

export function createRoutingActivities(pool: Pool, llm: WhooshConfig['llm']) {
  const settings: LlmCallSettings = {
    heartbeatTimeoutSeconds: llm.heartbeat_timeout_seconds,
    callTimeoutSeconds: llm.call_timeout_seconds,
    queueTimeoutSeconds: llm.queue_timeout_seconds,
    attemptsPerNode: llm.attempts_per_node,
    waitForNodeSeconds: llm.wait_for_node_seconds,
  };
  return {
    async reserveLlmNode(input: { needs: CallNeeds; exclude: string[] }): Promise<Reservation> {
      const workflowId = Context.current().info.workflowExecution?.workflowId ?? '';
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        await client.query('SELECT pg_advisory_xact_lock($1)', [RESERVATION_LOCK]);
        const decision = routeCall(input.needs, await routingSnapshot(client), input.exclude);
        if (!decision.ok) {
          await client.query('COMMIT');
          return { ...decision, settings };
        }
        const callId = randomUUID();
        await client.query(
          `INSERT INTO llm_calls (id, node_id, model, workflow_id, state, lease_expires_at)
           VALUES ($1, $2, $3, $4, 'reserved', now() + make_interval(secs => $5))`,
          [callId, decision.nodeId, decision.model, workflowId, settings.queueTimeoutSeconds + settings.callTimeoutSeconds],
        );
        await client.query('COMMIT');
        return { ...decision, callId, taskQueue: taskQueueForNode(decision.nodeId), settings };
      } catch (err) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw err;
      } finally {
        client.release();
      }
    },

    /** Frees a reservation whose call failed before or without recording its end. */
    async releaseLlmCall(input: { callId: string; reason: string }): Promise<void> {
      await pool.query(
        `UPDATE llm_calls SET state = 'failed', finished_at = now(), error_type = coalesce(error_type, 'Released'),
           error_message = coalesce(error_message, $2) WHERE id = $1 AND state IN ('reserved', 'running')`,
        [input.callId, input.reason.slice(0, 1000)],
      );
    },

    async readLlmOutput(ref: string): Promise<string> {
      const { rows } = await pool.query<{ content: string }>('SELECT content FROM llm_outputs WHERE id = $1', [ref]);
      if (!rows[0]) throw nonRetryableFailure('OutputNotFound', `no stored LLM output ${ref}`);
      return rows[0].content;
    },
  };
}
