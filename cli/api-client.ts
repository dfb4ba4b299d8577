/**
 * The typed REST client the `whoosh` CLI and the MCP server share. Answers are
 * typed from the wire schemas the routes validate with (domain/wire); the few
 * answers that have no shared schema yet (workflows, self-check, stored
 * pipelines per /work/contract-pipelines.md) are typed here. Bodies are
 * returned as the server sent them, so `--json` prints exactly that.
 *
 * Failures come in two kinds a caller maps differently: `ApiError` (the API
 * answered with an error) and `UnreachableError` (no answer at all).
 */
import type { z } from 'zod';
import type { alertView, nodeView } from '../domain/wire/agents';
import type { ackView, artifactView, councilDetailView, councilRowView } from '../domain/wire/councils';
import type { repoView } from '../domain/wire/repositories';
import type { classificationView, memberView, teamDetailView, teamRowView } from '../domain/wire/teams';

export type AgentNode = z.infer<typeof nodeView>;
export type Alert = z.infer<typeof alertView>;
export type TeamRow = z.infer<typeof teamRowView>;
export type TeamDetail = z.infer<typeof teamDetailView>;
export type CouncilRow = z.infer<typeof councilRowView>;
export type CouncilDetail = z.infer<typeof councilDetailView>;
export type Artifact = z.infer<typeof artifactView>;
export type DecisionAck = z.infer<typeof ackView>;
export type Repository = z.infer<typeof repoView>;

export interface Health {
  status: 'ok';
  version: string;
  uptimeSeconds: number;
}
export interface Readiness {
  status: 'ready' | 'unavailable';
  down: string[];
  checks: Record<string, { ok: boolean; latencyMs: number; error?: string }>;
}
export interface Execution {
  workflowId: string;
  runId: string;
  type: string;
  status: string;
  startTime: string | null;
  closeTime: string | null;
  historyLength: number;
  kind: string | null;
  repository: string | null;
  issue: number | null;
  statusDetail: string | null;
  temporalUiUrl?: string;
}
export interface TimelineItem {
  id: string;
  kind: string;
  title: string;
  status: string;
  start: string | null;
  end: string | null;
  durationMs: number | null;
  failure?: { message: string };
}
export interface History {
  workflowId: string;
  runId: string;
  type: string;
  status: string;
  timeline: { items: TimelineItem[]; eventCount: number; start: string | null; end: string | null; durationMs: number | null };
  temporalUiUrl?: string;
}
export interface KindCounts {
  kind: string | null;
  total: number;
  byStatus: Record<string, number>;
}
export interface SelfCheck {
  workflowId: string;
  runId: string;
  status: string;
  result?: { ok: boolean; verified: string[]; postgresVersion: string };
  failure?: string;
}
export interface Problem {
  node: string | null;
  message: string;
}
export interface PipelineSummary {
  id: string;
  name: string;
  tags: string[];
  active: boolean;
  version: number;
  activeVersion: number | null;
  trigger: 'webhook' | 'schedule' | 'manual' | 'executeWorkflow' | 'forge' | null;
  notes: string | null;
  problems: Problem[];
  updatedAt: string;
  updatedBy: string;
  lastExecution: { id: string; status: string; startedAt: string } | null;
}
/** An n8n workflow document, as stored; read by field where needed. */
export interface PipelineDocument {
  name?: string;
  nodes: { name: string; type: string; typeVersion?: number; parameters?: Record<string, unknown>; notes?: string; disabled?: boolean }[];
  [key: string]: unknown;
}
export type PipelineDetail = PipelineSummary & { document: PipelineDocument };
export interface PipelineRun {
  id: string;
  workflowId: string;
  status: 'success' | 'error' | 'waiting' | 'running' | 'canceled' | 'new';
  startedAt: string;
  stoppedAt: string | null;
  lastNode: string | null;
  error: { node: string; message: string; description?: string } | null;
  nodes: Record<string, unknown[][]>;
  pipelineId?: string;
  version?: number;
  temporalUiUrl?: string;
}
export interface Saved {
  id: string;
  version: number;
  problems: Problem[];
}

/** The API answered, with an error status. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly issues: { path?: string; node?: string | null; message: string }[] = [],
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** The API did not answer (refused, reset, DNS, timeout). */
export class UnreachableError extends Error {
  constructor(readonly url: string, cause: unknown) {
    super(`cannot reach WHOOSH at ${url}: ${cause instanceof Error ? ((cause.cause as Error | undefined)?.message ?? cause.message) : String(cause)}`);
    this.name = 'UnreachableError';
  }
}

type Query = Record<string, string | number | boolean | undefined>;

export interface ClientOptions {
  readonly baseUrl: string;
  readonly token?: string;
  readonly fetch?: typeof fetch;
}

export class WhooshClient {
  readonly baseUrl: string;
  private readonly token?: string;
  private readonly fetchFn: typeof fetch;

  constructor(opts: ClientOptions) {
    this.baseUrl = opts.baseUrl.replace(/\/+$/, '');
    this.token = opts.token;
    this.fetchFn = opts.fetch ?? fetch;
  }

  url(path: string, query: Query = {}): string {
    const u = new URL(this.baseUrl + path);
    for (const [k, v] of Object.entries(query)) if (v !== undefined) u.searchParams.set(k, String(v));
    return u.toString();
  }

  /** Raw response; used for streams (SSE). Authorization is added when a token is known. */
  async raw(method: string, path: string, init: { query?: Query; body?: unknown; signal?: AbortSignal; accept?: string } = {}): Promise<Response> {
    const headers: Record<string, string> = { accept: init.accept ?? 'application/json' };
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    if (init.body !== undefined) headers['content-type'] = 'application/json';
    const url = this.url(path, init.query);
    try {
      return await this.fetchFn(url, { method, headers, body: init.body === undefined ? undefined : JSON.stringify(init.body), signal: init.signal });
    } catch (err) {
      if (init.signal?.aborted) throw err;
      throw new UnreachableError(this.baseUrl, err);
    }
  }

  async request<T>(method: string, path: string, init: { query?: Query; body?: unknown } = {}): Promise<T> {
    const res = await this.raw(method, path, init);
    const text = await res.text();
    let body: unknown;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      body = text;
    }
    if (!res.ok) {
      const err = (body as { error?: { message?: string; issues?: ApiError['issues'] } } | undefined)?.error;
      throw new ApiError(res.status, err?.message ?? `${method} ${path} answered ${res.status}`, err?.issues ?? []);
    }
    return body as T;
  }

  private get = <T>(path: string, query?: Query) => this.request<T>('GET', path, { query });
  private post = <T>(path: string, body: unknown = {}, query?: Query) => this.request<T>('POST', path, { body, query });

  // System
  health = () => this.get<Health>('/health');
  ready = () => this.request<Readiness>('GET', '/health/ready').catch((e: unknown) => (e instanceof ApiError && e.status === 503 ? ({ status: 'unavailable', down: ['?'], checks: {} } as Readiness) : Promise.reject(e)));
  me = () => this.get<{ name: string; role: 'admin' | 'operator' | 'viewer'; via: string }>('/api/v1/me');
  selfCheck = (waitSeconds = 30) => this.post<SelfCheck>('/api/v1/system/self-check', { waitSeconds });
  executionCounts = (hours = 24) => this.get<{ closedSince: string; kinds: KindCounts[]; total: KindCounts }>('/api/v1/stats/executions', { hours });

  // Agents
  agents = () => this.get<{ agents: AgentNode[] }>('/api/v1/agents').then((r) => r.agents);
  agent = (id: string) => this.get<AgentNode>(`/api/v1/agents/${enc(id)}`);
  addAgent = (body: Record<string, unknown>) => this.post<AgentNode>('/api/v1/agents', body);
  removeAgent = (id: string) => this.request<void>('DELETE', `/api/v1/agents/${enc(id)}`);
  alerts = (status: 'open' | 'resolved' = 'open') => this.get<{ alerts: Alert[] }>('/api/v1/alerts', { status }).then((r) => r.alerts);

  // Teams
  teams = (q: Query = {}) => this.get<{ teams: TeamRow[]; nextCursor?: string }>('/api/v1/teams', q);
  team = (id: string) => this.get<TeamDetail>(`/api/v1/teams/${enc(id)}`);
  cancelTeam = (id: string, reason?: string) => this.post<{ id: string; workflowId: string; status: string }>(`/api/v1/teams/${enc(id)}/cancel`, reason ? { reason } : {});
  reformTeam = (id: string, body: { roleId: string; agentId?: string; reason?: string }) => this.post<z.infer<typeof memberView>>(`/api/v1/teams/${enc(id)}/reform`, body);
  analyze = (body: { title: string; body?: string; labels?: string[] }) =>
    this.post<{ classification: z.infer<typeof classificationView>; members: unknown[]; unfilled: unknown[]; scoring: unknown[] }>('/api/v1/teams/analyze', body);

  // Councils
  councils = (q: Query = {}) => this.get<{ councils: CouncilRow[]; nextCursor?: string }>('/api/v1/councils', q);
  council = (id: string) => this.get<CouncilDetail>(`/api/v1/councils/${enc(id)}`);
  artifacts = (id: string, round?: number) => this.get<{ artifacts: Artifact[] }>(`/api/v1/councils/${enc(id)}/artifacts`, { round }).then((r) => r.artifacts);
  artifact = (id: string, artifactId: string) => this.get<Artifact>(`/api/v1/councils/${enc(id)}/artifacts/${enc(artifactId)}`);
  approveCouncil = (id: string) => this.post<DecisionAck>(`/api/v1/councils/${enc(id)}/approve`);
  reviseCouncil = (id: string, feedback: string) => this.post<DecisionAck>(`/api/v1/councils/${enc(id)}/revise`, { feedback });

  // Workflow executions
  executions = (q: Query = {}) => this.get<{ executions: Execution[]; nextPageToken: string | null }>('/api/v1/workflows', q);
  history = (workflowId: string) => this.get<History>(`/api/v1/workflows/${enc(workflowId)}/history`);

  // Repositories
  repositories = () => this.get<{ repositories: Repository[] }>('/api/v1/repositories').then((r) => r.repositories);
  addRepository = (body: Record<string, unknown>) => this.post<Repository>('/api/v1/repositories', body);
  syncRepository = (id: number) => this.post<{ workflowId: string; runId: string }>(`/api/v1/repositories/${id}/sync`);

  // Stored pipelines
  pipelines = (q: Query = {}) => this.get<{ items: PipelineSummary[]; nextCursor: string | null }>('/api/v1/pipelines', q);
  /** Every page of the list. */
  async allPipelines(q: Query = {}): Promise<PipelineSummary[]> {
    const all: PipelineSummary[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.pipelines({ ...q, ...(cursor ? { cursor } : {}) });
      all.push(...page.items);
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    return all;
  }
  pipeline = (id: string) => this.get<PipelineDetail>(`/api/v1/pipelines/${enc(id)}`);
  pipelineVersion = (id: string, version: number) => this.get<{ version: number; document: PipelineDocument }>(`/api/v1/pipelines/${enc(id)}/versions/${version}`);
  importPipelines = (doc: unknown) => this.post<Saved | { items: Saved[] }>('/api/v1/pipelines', doc);
  exportPipeline = (id: string) => this.get<PipelineDocument>(`/api/v1/pipelines/${enc(id)}/export`);
  activatePipeline = (id: string) => this.post<PipelineSummary>(`/api/v1/pipelines/${enc(id)}/activate`);
  deactivatePipeline = (id: string) => this.post<PipelineSummary>(`/api/v1/pipelines/${enc(id)}/deactivate`);
  executePipeline = (id: string, body: { input?: { json: unknown }[] }, opts: { wait: boolean; timeoutSeconds?: number }) =>
    this.post<PipelineRun>(`/api/v1/pipelines/${enc(id)}/execute`, body, { wait: opts.wait, timeoutSeconds: opts.timeoutSeconds });
  pipelineRun = (executionId: string) => this.get<PipelineRun>(`/api/v1/pipelines/executions/${enc(executionId)}`);
}

const enc = encodeURIComponent;

/** Pipeline run statuses that will not change again. */
export const ENDED_RUN = new Set(['success', 'error', 'canceled']);
