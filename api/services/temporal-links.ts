import type { ApiContext } from '../context';

/** A workflow's page in the Temporal Web UI, when its URL is known. */
export function temporalUiLink(ctx: Pick<ApiContext, 'temporalUiUrl' | 'temporal'>, workflowId: string, runId?: string): string | undefined {
  if (!ctx.temporalUiUrl) return undefined;
  const ns = encodeURIComponent(ctx.temporal.options.namespace);
  return `${ctx.temporalUiUrl}/namespaces/${ns}/workflows/${encodeURIComponent(workflowId)}${runId ? `/${runId}` : ''}/history`;
}
