/**
 * What each live topic watches, as a signature that is cheap to read and
 * changes when what the dashboard shows changes: Postgres read models through
 * their timestamps and counts (index-only where it matters), Temporal through
 * a visibility count by status or one describe() of an execution.
 */
import { WorkflowNotFoundError } from '@temporalio/client';
import type { ApiContext } from '../context';
import type { TopicSource } from './change-feed';

/** Lists change at human pace; an open execution page wants its next step promptly. */
const LIST_INTERVAL_MS = 2000;
const EXECUTION_INTERVAL_MS = 1000;
/** A closed execution changes only if it is reset or continued; look now and then. */
const CLOSED_EXECUTION_INTERVAL_MS = 10_000;

export const LIST_TOPICS = ['teams', 'councils', 'workflows', 'agents', 'repositories'] as const;
export type ListTopic = (typeof LIST_TOPICS)[number];
export const EXECUTION_PREFIX = 'execution:';

const sql = (ctx: ApiContext, text: string): TopicSource => ({
  intervalMs: () => LIST_INTERVAL_MS,
  signature: async () => JSON.stringify((await ctx.pool.query(text)).rows),
});

/** Exhaustive, so a topic added to LIST_TOPICS cannot be left without a source. */
function listSources(ctx: ApiContext): Record<ListTopic, TopicSource> {
  return {
    // Member changes touch teams.updated_at too (team-store's upsertMember).
    teams: sql(ctx, 'SELECT count(*) AS n, max(updated_at) AS at FROM teams'),
    // A member's answer touches only its own row; rounds and artifacts count as they come.
    councils: sql(
      ctx,
      `SELECT (SELECT count(*) || '/' || coalesce(max(updated_at)::text, '') FROM councils) AS councils,
              (SELECT count(*) || '/' || count(ended_at) FROM council_rounds) AS rounds,
              (SELECT count(finished_at) FROM council_members) AS answered,
              (SELECT count(*) FROM council_artifacts) AS artifacts`,
    ),
    agents: sql(
      ctx,
      `SELECT (SELECT count(*) || '/' || coalesce(max(updated_at)::text, '') FROM agent_nodes) AS nodes,
              (SELECT string_agg(node_id || '=' || status || ':' || array_to_string(models_loaded, ' '), ',' ORDER BY node_id) FROM agent_node_health) AS health,
              (SELECT count(*) FROM llm_calls WHERE state IN ('reserved', 'running') AND lease_expires_at > now()) AS active,
              (SELECT string_agg(coalesce((SELECT max(c.finished_at) FROM llm_calls c WHERE c.node_id = n.id)::text, '-'), ',' ORDER BY n.id) FROM agent_nodes n) AS finished,
              (SELECT count(*) || '/' || coalesce(max(updated_at)::text, '') || '/' || coalesce(max(resolved_at)::text, '') FROM alerts) AS alerts`,
    ),
    repositories: sql(
      ctx,
      `SELECT (SELECT count(*) || '/' || coalesce(max(updated_at)::text, '') || '/' || coalesce(max(last_synced_at)::text, '') FROM repositories) AS repos,
              (SELECT max(id) FROM sync_runs) AS last_sync, (SELECT count(*) FROM sync_runs WHERE finished_at IS NULL) AS syncing,
              (SELECT max(id) FROM webhook_deliveries) AS last_delivery,
              (SELECT count(*) FROM webhook_deliveries WHERE status = 'pending') AS pending,
              (SELECT sum(count) FROM webhook_rejections) AS rejected`,
    ),
    // Every start adds to the total and every close moves one count to another.
    workflows: {
      intervalMs: () => LIST_INTERVAL_MS,
      signature: async () => {
        const res = await ctx.temporal.workflowService.countWorkflowExecutions({ namespace: ctx.temporal.options.namespace, query: 'GROUP BY ExecutionStatus' });
        const groups = (res.groups ?? []).map((g) => `${g.groupValues?.[0]?.data ? Buffer.from(g.groupValues[0].data).toString('utf8') : '?'}=${String(g.count)}`);
        return `${String(res.count)}|${groups.sort().join(',')}`;
      },
    },
  };
}

/** One run's progress: its status and history length, plus the attempts of activities that retry without new events. */
function executionSource(ctx: ApiContext, workflowId: string): TopicSource {
  return {
    intervalMs: (last) => (last === undefined || last.includes('|RUNNING|') ? EXECUTION_INTERVAL_MS : CLOSED_EXECUTION_INTERVAL_MS),
    signature: async () => {
      try {
        const d = await ctx.temporal.workflow.getHandle(workflowId).describe();
        const pending = (d.raw.pendingActivities ?? []).map((p) => `${p.activityId}:${p.attempt}:${p.state}`).join(',');
        return `${d.runId}|${d.status.name}|${d.historyLength}|${pending}`;
      } catch (err) {
        if (err instanceof WorkflowNotFoundError) return 'not-found';
        throw err;
      }
    },
  };
}

const isListTopic = (topic: string): topic is ListTopic => (LIST_TOPICS as readonly string[]).includes(topic);

/** The source of a topic, or undefined for a topic that is not one of these. */
export function topicResolver(ctx: ApiContext): (topic: string) => TopicSource | undefined {
  const lists = listSources(ctx);
  return (topic) => {
    if (isListTopic(topic)) return lists[topic];
    if (topic.startsWith(EXECUTION_PREFIX)) {
      const workflowId = topic.slice(EXECUTION_PREFIX.length);
      if (workflowId.length > 0 && workflowId.length <= 1000) return executionSource(ctx, workflowId);
    }
    return undefined;
  };
}
