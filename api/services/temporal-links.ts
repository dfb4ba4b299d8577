import { temporalWorkflowUrl } from '../../infra/endpoints';
import type { ApiContext } from '../context';

/** A workflow's page in the Temporal Web UI, when its URL is known. */
export function temporalUiLink(ctx: Pick<ApiContext, 'temporalUiUrl' | 'temporal'>, workflowId: string, runId?: string): string | undefined {
  return temporalWorkflowUrl(ctx.temporalUiUrl, ctx.temporal.options.namespace, workflowId, runId);
}
