/** The agent registry, alerts and load history (api/routes/agents.ts, api/routes/stats.ts). */
import { get, send, type Request } from './api';

import type { AgentNode, Alert } from '../../../domain/wire/agents';

export type { AgentNode, Alert } from '../../../domain/wire/agents';
import type { LoadHistory } from '../../../domain/wire/executions';

export type { LoadHistory } from '../../../domain/wire/executions';


/** The body of POST/PUT /api/v1/agents, in whoosh.yaml's shape. */
export interface AgentInput {
  readonly id?: string;
  readonly name?: string;
  readonly endpoint: string;
  readonly models: string[];
  readonly specialization?: string;
  readonly capabilities: string[];
  readonly parallel: number;
  readonly hardware?: { gpu_type?: string; vram_gb?: number; cpu_cores?: number };
  readonly performance_targets?: { min_tokens_per_second?: number; max_response_time_ms?: number };
}

/** Whether `names` has `model`, Ollama's way: `x` and `x:latest` are one model (as the health check counts them). */
export function hasModel(names: readonly string[], model: string): boolean {
  const plain = (m: string): string => (m.endsWith(':latest') ? m.slice(0, -':latest'.length) : m);
  return names.some((n) => plain(n) === plain(model));
}

export const listAgents = (token: string, request: Request = fetch) => get<{ agents: AgentNode[] }>(token, '/api/v1/agents', {}, request);

export const listAlerts = (token: string, status: 'open' | 'resolved' | 'all' = 'open', limit = 50, request: Request = fetch) =>
  get<{ alerts: Alert[] }>(token, '/api/v1/alerts', { status, limit }, request);

export const getAgentLoad = (token: string, minutes = 60, bucketSeconds = 60, request: Request = fetch) =>
  get<LoadHistory>(token, '/api/v1/stats/agent-load', { minutes, bucketSeconds }, request);

export const createAgent = (token: string, body: AgentInput, request: Request = fetch) => send<AgentNode>(token, 'POST', '/api/v1/agents', body, request);

export const updateAgent = (token: string, id: string, body: AgentInput, request: Request = fetch) =>
  send<AgentNode>(token, 'PUT', `/api/v1/agents/${encodeURIComponent(id)}`, body, request);

export const deleteAgent = (token: string, id: string, request: Request = fetch) => send<undefined>(token, 'DELETE', `/api/v1/agents/${encodeURIComponent(id)}`, undefined, request);

/** The add/edit form's fields as its inputs hold them: text, or a number (null when empty) from a number input. */
export interface NodeForm {
  id: string;
  name: string;
  endpoint: string;
  models: string;
  specialization: string;
  capabilities: string;
  parallel: string | number | null;
  gpuType: string;
  vramGb: string | number | null;
  cpuCores: string | number | null;
  minTokensPerSecond: string | number | null;
  maxResponseTimeMs: string | number | null;
}

export const emptyNodeForm = (): NodeForm => ({
  id: '',
  name: '',
  endpoint: 'http://',
  models: '',
  specialization: '',
  capabilities: '',
  parallel: '1',
  gpuType: '',
  vramGb: '',
  cpuCores: '',
  minTokensPerSecond: '',
  maxResponseTimeMs: '',
});

export const nodeFormOf = (n: AgentNode): NodeForm => ({
  id: n.id,
  name: n.name === n.id ? '' : n.name,
  endpoint: n.endpoint,
  models: n.models.join(', '),
  specialization: n.specialization ?? '',
  capabilities: n.capabilities.join(', '),
  parallel: String(n.parallel),
  gpuType: n.hardware.gpu_type ?? '',
  vramGb: n.hardware.vram_gb?.toString() ?? '',
  cpuCores: n.hardware.cpu_cores?.toString() ?? '',
  minTokensPerSecond: n.performance_targets.min_tokens_per_second?.toString() ?? '',
  maxResponseTimeMs: n.performance_targets.max_response_time_ms?.toString() ?? '',
});

/** Inputs of type number bind numbers (or null when empty), text inputs strings. */
type Typed = string | number | null | undefined;
const text = (v: Typed): string => (v == null ? '' : String(v).trim());
const list = (s: Typed): string[] =>
  text(s)
    .split(/[,\n]/)
    .map((x) => x.trim())
    .filter(Boolean);
/** Empty stays undefined; anything else goes to the API as a number (or as the text, for the API to refuse by name). */
const num = (s: Typed): number | undefined => (text(s) === '' ? undefined : Number(text(s)));
const defined = <T extends object>(o: T): T | undefined => {
  const kept = Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && v !== '')) as T;
  return Object.keys(kept).length > 0 ? kept : undefined;
};

/** The API validates; this only shapes what was typed. Field errors come back named as in whoosh.yaml. */
export function nodeInput(f: NodeForm, withId: boolean): AgentInput {
  const hardware = defined({ gpu_type: text(f.gpuType) || undefined, vram_gb: num(f.vramGb), cpu_cores: num(f.cpuCores) });
  const targets = defined({ min_tokens_per_second: num(f.minTokensPerSecond), max_response_time_ms: num(f.maxResponseTimeMs) });
  return {
    ...(withId ? { id: text(f.id) } : {}),
    ...(text(f.name) ? { name: text(f.name) } : {}),
    endpoint: text(f.endpoint),
    models: list(f.models),
    ...(text(f.specialization) ? { specialization: text(f.specialization) } : {}),
    capabilities: list(f.capabilities),
    parallel: num(f.parallel) ?? 1,
    ...(hardware ? { hardware } : {}),
    ...(targets ? { performance_targets: targets } : {}),
  };
}

/** API issue paths ('body.hardware.vram_gb') → the form field they belong to. */
export function fieldOfIssue(path: string): keyof NodeForm | undefined {
  const p = path.replace(/^body\.?/, '');
  const map: Record<string, keyof NodeForm> = {
    id: 'id',
    name: 'name',
    endpoint: 'endpoint',
    models: 'models',
    model: 'models',
    '': 'models',
    specialization: 'specialization',
    capabilities: 'capabilities',
    parallel: 'parallel',
    'hardware.gpu_type': 'gpuType',
    'hardware.vram_gb': 'vramGb',
    'hardware.cpu_cores': 'cpuCores',
    'performance_targets.min_tokens_per_second': 'minTokensPerSecond',
    'performance_targets.max_response_time_ms': 'maxResponseTimeMs',
  };
  return map[p] ?? map[p.split('.')[0] ?? ''];
}
