/**
 * The stored pipelines an MCP session offers as tools, read through the REST
 * API: the active ones with a webhook, manual or Execute Workflow trigger,
 * each named, described and given an input schema by domain/mcp/pipeline-tools.
 * Documents are cached per pipeline version, so listing again is one request.
 */
import { ApiError, type PipelineDocument, type WhooshClient } from '../../cli/api-client';
import { inputSchema, isToolPipeline, toolDescription, toolNames, toolTriggerNode, type JsonSchema } from '../../domain/mcp/pipeline-tools';

export interface PipelineTool {
  readonly name: string;
  readonly pipelineId: string;
  readonly version: number;
  readonly description: string;
  readonly inputSchema: JsonSchema;
  /** Enabled nodes: the scale of the progress a long run reports. */
  readonly nodeCount: number;
}

export class PipelineCatalog {
  private readonly documents = new Map<string, PipelineDocument>();

  constructor(
    private readonly client: WhooshClient,
    private readonly reservedNames: readonly string[],
  ) {}

  async tools(): Promise<PipelineTool[]> {
    let active;
    try {
      active = (await this.client.allPipelines({ active: true })).filter(isToolPipeline);
    } catch (err) {
      // An API without stored pipelines offers no pipeline tools rather than failing the whole list.
      if (err instanceof ApiError && err.status === 404) return [];
      throw err;
    }
    const names = toolNames(active, this.reservedNames);
    const tools: PipelineTool[] = [];
    for (const p of active) {
      const version = p.activeVersion ?? p.version;
      const doc = await this.document(p.id, version);
      const nodes = doc.nodes.filter((n) => !n.disabled);
      tools.push({
        name: names.get(p.id)!,
        pipelineId: p.id,
        version,
        description: toolDescription(p),
        inputSchema: inputSchema(toolTriggerNode(nodes)),
        nodeCount: nodes.length,
      });
    }
    return tools.sort((a, b) => a.name.localeCompare(b.name));
  }

  private async document(id: string, version: number): Promise<PipelineDocument> {
    const key = `${id}@${version}`;
    let doc = this.documents.get(key);
    if (!doc) {
      // The active version, not the latest draft: that is the one a call runs.
      doc = (await this.client.pipelineVersion(id, version)).document;
      this.documents.set(key, doc);
    }
    return doc;
  }
}

/** What the tool list depends on: when it changes, clients are told to list again. */
export const catalogSignature = (tools: readonly PipelineTool[]): string => JSON.stringify(tools.map((t) => [t.name, t.pipelineId, t.version, t.description]));
