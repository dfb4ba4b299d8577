/**
 * MCP resources: council artifacts as Markdown and stored pipelines as their
 * n8n JSON, by URI:
 *   whoosh://councils/{councilId}/artifacts/{artifactId}
 *   whoosh://pipelines/{pipelineId}
 */
import { McpError, ErrorCode, type Resource, type ResourceTemplate } from '@modelcontextprotocol/sdk/types.js';
import { ApiError, type WhooshClient } from '../../cli/api-client';

/** Councils whose artifacts are listed; older ones are read by URI. */
const LISTED_COUNCILS = 10;

export const RESOURCE_TEMPLATES: ResourceTemplate[] = [
  { uriTemplate: 'whoosh://councils/{councilId}/artifacts/{artifactId}', name: 'council-artifact', title: 'Council artifact', description: 'A council’s artifact (requirements, architecture, test plan, risks, plan) as Markdown', mimeType: 'text/markdown' },
  { uriTemplate: 'whoosh://pipelines/{pipelineId}', name: 'pipeline', title: 'Pipeline document', description: 'A stored pipeline’s n8n workflow JSON (latest version)', mimeType: 'application/json' },
];

export async function listResources(client: WhooshClient): Promise<Resource[]> {
  const resources: Resource[] = [];
  const pipelines = await client.allPipelines().catch((err: unknown) => (err instanceof ApiError && err.status === 404 ? [] : Promise.reject(err)));
  for (const p of pipelines) resources.push({ uri: `whoosh://pipelines/${p.id}`, name: p.name, description: p.notes ?? undefined, mimeType: 'application/json' });
  const { councils } = await client.councils({ limit: LISTED_COUNCILS });
  for (const c of councils) {
    for (const a of await client.artifacts(c.id)) {
      resources.push({ uri: `whoosh://councils/${c.id}/artifacts/${a.id}`, name: `${c.repository}#${c.issue.number} round ${a.round}: ${a.title}`, mimeType: 'text/markdown' });
    }
  }
  return resources;
}

export async function readResource(client: WhooshClient, uri: string): Promise<{ uri: string; mimeType: string; text: string }> {
  try {
    const artifact = /^whoosh:\/\/councils\/([^/]+)\/artifacts\/([^/]+)$/.exec(uri);
    if (artifact) return { uri, mimeType: 'text/markdown', text: (await client.artifact(decodeURIComponent(artifact[1]!), decodeURIComponent(artifact[2]!))).markdown };
    const pipeline = /^whoosh:\/\/pipelines\/([^/]+)$/.exec(uri);
    if (pipeline) return { uri, mimeType: 'application/json', text: JSON.stringify(await client.exportPipeline(decodeURIComponent(pipeline[1]!)), null, 2) };
  } catch (err) {
    if (err instanceof ApiError && err.status === 404) throw new McpError(ErrorCode.InvalidParams, `No resource ${uri}: ${err.message}`);
    throw err;
  }
  throw new McpError(ErrorCode.InvalidParams, `Unknown resource URI ${uri}`);
}
