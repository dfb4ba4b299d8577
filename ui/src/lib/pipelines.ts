/**
 * The stored-pipelines API as the dashboard calls it (contract in
 * /api/v1/pipelines…): list, load, save (a new version), activate, import,
 * export, templates, run and follow executions, and the editor's reads (node
 * types, an execution on the canvas, expression previews, credentials).
 */
import { get, send, type QueryParams, type Request } from './api';
import type { RunOverlay } from './pipeline/canvas-model';
import type { N8nWorkflow, NodeTypeEntry } from './pipeline/types';

export type RunStatus = 'success' | 'error' | 'waiting' | 'running' | 'canceled';
export type Trigger = 'webhook' | 'schedule' | 'manual' | 'executeWorkflow' | 'forge';

export interface Problem {
  readonly node: string | null;
  readonly message: string;
}

export interface PipelineSummary {
  readonly id: string;
  readonly name: string;
  readonly tags: string[];
  readonly active: boolean;
  readonly version: number;
  readonly activeVersion: number | null;
  readonly trigger: Trigger | null;
  readonly notes: string | null;
  readonly problems: Problem[];
  readonly updatedAt: string;
  readonly updatedBy: string;
  readonly lastExecution: { readonly id: string; readonly status: RunStatus; readonly startedAt: string } | null;
}

export interface PipelineDetail extends PipelineSummary {
  readonly document: N8nWorkflow;
}

export interface Saved {
  readonly id: string;
  readonly version: number;
  readonly problems: Problem[];
}

export interface ExecutionView {
  readonly id: string;
  readonly workflowId: string;
  readonly status: RunStatus;
  readonly startedAt: string;
  readonly stoppedAt: string | null;
  readonly lastNode: string | null;
  readonly error: { readonly node: string; readonly message: string; readonly description?: string } | null;
  readonly temporalUiUrl?: string;
  readonly pipelineId?: string | null;
  readonly version?: number | null;
}

export interface CanvasView extends RunOverlay {
  readonly executionId: string;
  readonly status: RunStatus;
}

export interface NodeRunView {
  readonly runIndex: number;
  readonly status: RunStatus;
  readonly startTime: string;
  readonly executionTimeMs: number;
  readonly source: ({ previousNode: string; previousNodeOutput?: number; previousNodeRun?: number } | null)[];
  readonly outputs: { json: unknown; pairedItem?: unknown; error?: unknown }[][];
  readonly error: { message: string; description?: string } | null;
  readonly console: string[];
}

export type PreviewResult =
  | { readonly ok: true; readonly value: unknown; readonly itemIndex: number; readonly itemCount: number; readonly executionId: string | null }
  | { readonly ok: false; readonly error: { message: string; description?: string }; readonly itemIndex: number; readonly itemCount: number; readonly executionId: string | null };

export interface Credential {
  readonly id: string;
  readonly name: string;
  readonly type: string;
}

const P = '/api/v1/pipelines';
const id = (pipelineId: string) => `${P}/${encodeURIComponent(pipelineId)}`;

export const listPipelines = (token: string, params: QueryParams = {}, request?: Request) => get<{ items: PipelineSummary[]; nextCursor: string | null }>(token, P, params, request);
export const getPipeline = (token: string, pipelineId: string, request?: Request) => get<PipelineDetail>(token, id(pipelineId), {}, request);
export const importPipeline = (token: string, doc: unknown, request?: Request) => send<Saved>(token, 'POST', P, doc, request);
export const savePipeline = (token: string, pipelineId: string, doc: N8nWorkflow, request?: Request) => send<Saved>(token, 'PUT', id(pipelineId), doc, request);
export const deletePipeline = (token: string, pipelineId: string, request?: Request) => send<void>(token, 'DELETE', id(pipelineId), undefined, request);
export const setActive = (token: string, pipelineId: string, active: boolean, request?: Request) =>
  send<PipelineSummary>(token, 'POST', `${id(pipelineId)}/${active ? 'activate' : 'deactivate'}`, {}, request);
export const exportPipeline = (token: string, pipelineId: string, request?: Request) => get<N8nWorkflow>(token, `${id(pipelineId)}/export`, {}, request);
export const getVersion = (token: string, pipelineId: string, version: number, request?: Request) =>
  get<{ version: number; document: N8nWorkflow }>(token, `${id(pipelineId)}/versions/${version}`, {}, request);
export const fromTemplate = (token: string, template: 'web_development' | 'infrastructure', request?: Request) => send<Saved>(token, 'POST', `${P}/from-template`, { template }, request);

export const executePipeline = (token: string, pipelineId: string, body: { destinationNode?: string; version?: number; input?: { json: unknown }[] } = {}, request?: Request) =>
  send<ExecutionView>(token, 'POST', `${id(pipelineId)}/execute`, body, request);
export const decideApproval = (token: string, executionId: string, body: { decision: 'approve' | 'reject'; comment?: string; node?: string }, request?: Request) =>
  send<{ executionId: string; node: string; decision: 'approve' | 'reject'; by: string }>(token, 'POST', `${P}/executions/${encodeURIComponent(executionId)}/approve`, body, request);
export const getExecution = (token: string, executionId: string, request?: Request) => get<ExecutionView>(token, `${P}/executions/${encodeURIComponent(executionId)}`, {}, request);
export const getCanvas = (token: string, executionId: string, request?: Request) => get<CanvasView>(token, `${P}/executions/${encodeURIComponent(executionId)}/canvas`, {}, request);
export const getNodeRuns = (token: string, executionId: string, node: string, request?: Request) =>
  get<{ runs: NodeRunView[] }>(token, `${P}/executions/${encodeURIComponent(executionId)}/nodes/${encodeURIComponent(node)}`, {}, request);
export const retryExecution = (token: string, executionId: string, from: 'start' | 'failedNode', request?: Request) =>
  send<ExecutionView>(token, 'POST', `${P}/executions/${encodeURIComponent(executionId)}/retry`, { from }, request);
export const listExecutions = (token: string, pipelineId: string, request?: Request) =>
  get<{ items: (ExecutionView & { version?: number })[]; nextCursor: string | null }>(token, `${id(pipelineId)}/executions`, {}, request);

export const getNodeTypes = (token: string, request?: Request) => get<{ items: NodeTypeEntry[] }>(token, `${P}/node-types`, {}, request);
export const previewExpression = (token: string, body: { expression: string; nodeName: string; document: N8nWorkflow; executionId?: string; itemIndex?: number }, request?: Request) =>
  send<PreviewResult>(token, 'POST', `${P}/expression-preview`, body, request);
export const listCredentials = (token: string, request?: Request) => get<{ items: Credential[] }>(token, '/api/v1/credentials', {}, request);
