/**
 * The MCP server core, shared by both transports (Streamable HTTP at /mcp,
 * stdio in `whoosh mcp`). One server per session, bound to the caller's token
 * and role: viewers see read tools, operators also the steering tools and one
 * tool per active pipeline. Everything goes through the REST API with that
 * token (cli/api-client), so the routes' own role checks and validation apply
 * unchanged and the stdio server, which runs outside the API process, behaves
 * exactly like the HTTP one.
 *
 * Pipeline (de)activation is noticed by polling the active pipelines (one
 * cheap list call) and announced with notifications/tools/list_changed;
 * polling works across processes and API restarts, where an event would need
 * a stream held open per session.
 */
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import {
  CallToolRequestSchema,
  ListResourcesRequestSchema,
  ListResourceTemplatesRequestSchema,
  ListToolsRequestSchema,
  ReadResourceRequestSchema,
  type CallToolResult,
  type Tool,
} from '@modelcontextprotocol/sdk/types.js';
import { roleAtLeast, type Role } from '../../domain/roles';
import { ApiError, ENDED_RUN, type PipelineRun, type WhooshClient } from '../../cli/api-client';
import { VERSION } from '../../infra/version';
import { inputSchemaOf, OWN_TOOLS } from './own-tools';
import { catalogSignature, PipelineCatalog, type PipelineTool } from './pipeline-catalog';
import { listResources, readResource, RESOURCE_TEMPLATES } from './resources';

export interface McpSessionOptions {
  /** The REST client, carrying the caller's token. */
  readonly client: WhooshClient;
  readonly role: Role;
  /** Base URL of the dashboard, for links to executions. */
  readonly dashboardUrl: string;
  /** How often to look for pipelines being (de)activated; default 2000 ms. */
  readonly pollMs?: number;
  /** How long a pipeline call waits for the run before answering with its id; default 300 s. */
  readonly runWaitSeconds?: number;
  readonly onError?: (err: unknown) => void;
}

export interface McpSession {
  readonly server: Server;
  /** Stops the polling; the transport is closed by its owner. */
  stop(): void;
}

const text = (value: unknown): CallToolResult['content'] => [{ type: 'text', text: typeof value === 'string' ? value : JSON.stringify(value, null, 2) }];
const toolError = (message: string): CallToolResult => ({ isError: true, content: text(message) });

const errorMessage = (err: unknown): string => {
  if (err instanceof ApiError) return `${err.message}${err.issues.length ? ` (${err.issues.map((i) => `${i.path ?? i.node ?? ''}: ${i.message}`).join('; ')})` : ''}`;
  if (err instanceof Error && err.name === 'ZodError') return `invalid arguments: ${err.message}`;
  return err instanceof Error ? err.message : String(err);
};

export function createMcpSession(opts: McpSessionOptions): McpSession {
  const { client, role } = opts;
  const ownTools = OWN_TOOLS.filter((t) => roleAtLeast(role, t.role));
  const mayRunPipelines = roleAtLeast(role, 'operator');
  const catalog = new PipelineCatalog(client, OWN_TOOLS.map((t) => t.name));
  const server = new Server({ name: 'whoosh', version: VERSION }, { capabilities: { tools: { listChanged: true }, resources: {} } });

  let lastSignature: string | undefined;
  const pipelineTools = async (): Promise<PipelineTool[]> => {
    if (!mayRunPipelines) return [];
    const tools = await catalog.tools();
    lastSignature = catalogSignature(tools);
    return tools;
  };

  server.setRequestHandler(ListToolsRequestSchema, async () => {
    const own: Tool[] = ownTools.map((t) => ({ name: t.name, description: t.description, inputSchema: inputSchemaOf(t), annotations: { readOnlyHint: t.readOnly } }));
    const pipelines: Tool[] = (await pipelineTools()).map((t) => ({ name: t.name, description: t.description, inputSchema: t.inputSchema, annotations: { readOnlyHint: false, openWorldHint: true } }));
    return { tools: [...own, ...pipelines] };
  });

  server.setRequestHandler(CallToolRequestSchema, async (req, extra): Promise<CallToolResult> => {
    const { name, arguments: args = {} } = req.params;
    try {
      const own = ownTools.find((t) => t.name === name);
      if (own) return { content: text(await own.call(client, args)) };
      const tool = (await pipelineTools()).find((t) => t.name === name);
      if (!tool) return toolError(`No tool "${name}"${mayRunPipelines ? '' : ' for the viewer role'}`);
      const progressToken = extra._meta?.progressToken;
      const progress =
        progressToken === undefined
          ? undefined
          : (done: number, message: string) =>
              extra.sendNotification({ method: 'notifications/progress', params: { progressToken, progress: done, total: tool.nodeCount, message } });
      return answer(await runPipeline(client, tool, args, opts.runWaitSeconds ?? 300, progress, extra.signal), opts.dashboardUrl);
    } catch (err) {
      return toolError(errorMessage(err));
    }
  });

  server.setRequestHandler(ListResourcesRequestSchema, async () => ({ resources: await listResources(client) }));
  server.setRequestHandler(ListResourceTemplatesRequestSchema, async () => ({ resourceTemplates: RESOURCE_TEMPLATES }));
  server.setRequestHandler(ReadResourceRequestSchema, async (req) => ({ contents: [await readResource(client, req.params.uri)] }));

  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const poll = async () => {
    try {
      const before = lastSignature;
      await pipelineTools();
      if (before !== undefined && before !== lastSignature) await server.sendToolListChanged();
    } catch (err) {
      opts.onError?.(err);
    }
    if (!stopped) schedule(opts.pollMs ?? 2000);
  };
  // Unreferenced: an open session never keeps the process alive by itself.
  const schedule = (ms: number) => (timer = setTimeout(() => void poll(), ms)).unref();
  if (mayRunPipelines) schedule(0);
  const stop = () => {
    stopped = true;
    clearTimeout(timer);
  };
  server.onclose = stop;
  return { server, stop };
}

/**
 * Runs a pipeline for a tool call. Without a progress token the API waits for
 * the run (execute?wait=true); with one, the run starts and is polled, and
 * each node that finishes is reported as progress.
 */
async function runPipeline(
  client: WhooshClient,
  tool: PipelineTool,
  args: Record<string, unknown>,
  waitSeconds: number,
  progress: ((done: number, message: string) => Promise<void>) | undefined,
  signal: AbortSignal,
): Promise<PipelineRun> {
  const body = { input: [{ json: args }] };
  if (!progress) return client.executePipeline(tool.pipelineId, body, { wait: true, timeoutSeconds: waitSeconds });
  let run = await client.executePipeline(tool.pipelineId, body, { wait: false });
  const deadline = Date.now() + waitSeconds * 1000;
  let reported = -1;
  while (!signal.aborted) {
    const done = Object.keys(run.nodes).length;
    if (done !== reported) {
      reported = done;
      await progress(done, run.lastNode ? `ran ${run.lastNode}` : 'started');
    }
    if (ENDED_RUN.has(run.status) || Date.now() > deadline) break;
    await new Promise((r) => setTimeout(r, 500));
    run = await client.pipelineRun(run.id);
  }
  return run;
}

/** A finished run answers with the last node's items; a failed one is a tool error; one still running, with where to follow it. */
function answer(run: PipelineRun, dashboardUrl: string): CallToolResult {
  const link = `${dashboardUrl.replace(/\/+$/, '')}/executions/${encodeURIComponent(run.workflowId)}`;
  if (run.status === 'success') {
    const output = run.lastNode ? (run.nodes[run.lastNode]?.[0] ?? []) : [];
    return { content: text(output), structuredContent: { executionId: run.id, status: run.status, output } };
  }
  if (run.status === 'error' || run.status === 'canceled') {
    const where = run.error?.node ? ` at node "${run.error.node}"` : '';
    return toolError(`The pipeline run ${run.id} ${run.status === 'canceled' ? 'was canceled' : `failed${where}: ${run.error?.message ?? 'no message'}`} (${link})`);
  }
  return { content: text(`The pipeline is still ${run.status}: execution ${run.id}. Follow it at ${link}`), structuredContent: { executionId: run.id, status: run.status, url: link } };
}
