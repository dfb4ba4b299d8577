/**
 * How many executions of each kind run now and how many closed recently, by
 * status, from visibility counts grouped by ExecutionStatus (the one field the
 * count API groups by): one count per kind, never a listing.
 */
import { WHOOSH_KINDS } from '../../domain/kinds';
import { WHOOSH_KIND } from '../../domain/search-attributes';
import type { ExecutionCounts, KindCounts } from '../../domain/wire/executions';
import type { ApiContext } from '../context';
import { decodePayload } from '../history/timeline';

/** Executions of a kind not in WHOOSH_KINDS, or of none (an llmCall started by hand, a child), are counted as `other`. */

/** Visibility's spelling → the status names the other routes answer with. */
const STATUS_NAMES: Record<string, string> = {
  Running: 'RUNNING',
  Completed: 'COMPLETED',
  Failed: 'FAILED',
  Canceled: 'CANCELLED',
  Terminated: 'TERMINATED',
  ContinuedAsNew: 'CONTINUED_AS_NEW',
  TimedOut: 'TIMED_OUT',
};

export async function countExecutions(ctx: Pick<ApiContext, 'temporal'>, closedSince: Date): Promise<ExecutionCounts> {
  const window = `(ExecutionStatus = 'Running' OR CloseTime >= '${closedSince.toISOString()}')`;
  const count = async (kind: string | null | undefined): Promise<KindCounts> => {
    const filter = typeof kind === 'string' ? ` AND ${WHOOSH_KIND.name} = '${kind}'` : '';
    const res = await ctx.temporal.workflowService.countWorkflowExecutions({
      namespace: ctx.temporal.options.namespace,
      query: `${window}${filter} GROUP BY ExecutionStatus`,
    });
    const byStatus: Record<string, number> = {};
    for (const g of res.groups ?? []) {
      const value = g.groupValues?.[0] ? decodePayload(g.groupValues[0]).value : undefined;
      const name = typeof value === 'string' ? (STATUS_NAMES[value] ?? value.toUpperCase()) : 'UNKNOWN';
      byStatus[name] = (byStatus[name] ?? 0) + Number(g.count ?? 0);
    }
    return { kind: kind ?? null, total: Object.values(byStatus).reduce((a, b) => a + b, 0), byStatus };
  };
  const [total, ...known] = await Promise.all([count(undefined), ...WHOOSH_KINDS.map((k) => count(k))]);
  const other: Record<string, number> = { ...total!.byStatus };
  for (const k of known) for (const [status, n] of Object.entries(k.byStatus)) other[status] = Math.max(0, (other[status] ?? 0) - n);
  for (const [status, n] of Object.entries(other)) if (n === 0) delete other[status];
  const otherTotal = Object.values(other).reduce((a, b) => a + b, 0);
  return {
    closedSince: closedSince.toISOString(),
    kinds: [...known, { kind: null, total: otherTotal, byStatus: other }],
    total: total!,
  };
}
