/** Links into the Temporal Web UI. Pure, so workflows can build them for the comments they post. */

/** A workflow's history page in the Temporal Web UI (none when the UI's URL is unknown). */
export function temporalWorkflowUrl(uiUrl: string | undefined, namespace: string, workflowId: string, runId?: string): string | undefined {
  if (!uiUrl) return undefined;
  return `${uiUrl}/namespaces/${encodeURIComponent(namespace)}/workflows/${encodeURIComponent(workflowId)}${runId ? `/${runId}` : ''}/history`;
}
