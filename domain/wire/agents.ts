/**
 * The agent registry's answers (api/routes/agents.ts), as zod schemas that
 * validate and document them, and as the types the dashboard reads them with.
 */
import { z } from 'zod';

export const nodeView = z.object({
  id: z.string(),
  name: z.string(),
  endpoint: z.string(),
  models: z.array(z.string()),
  specialization: z.string().nullable(),
  capabilities: z.array(z.string()),
  parallel: z.number(),
  hardware: z.object({ gpu_type: z.string().optional(), vram_gb: z.number().optional(), cpu_cores: z.number().optional() }),
  performance_targets: z.object({ min_tokens_per_second: z.number().optional(), max_response_time_ms: z.number().optional() }),
  source: z.enum(['config', 'api']),
  status: z.enum(['up', 'degraded', 'down', 'unknown']),
  version: z.string().nullable(),
  modelsInstalled: z.array(z.string()),
  modelsLoaded: z.array(z.string()),
  reason: z.string().nullable(),
  lastError: z.string().nullable(),
  lastSeen: z.string().nullable(),
  checkedAt: z.string().nullable(),
  stats: z.object({
    inFlight: z.number(),
    queued: z.number(),
    utilization: z.number(),
    tokensPerSecond: z.number().nullable(),
    latencyP50Ms: z.number().nullable(),
    latencyP95Ms: z.number().nullable(),
    callsInWindow: z.number(),
    failuresInWindow: z.number(),
    windowSeconds: z.number(),
  }),
});

export const alertView = z.object({
  id: z.number(),
  nodeId: z.string().nullable(),
  kind: z.string(),
  severity: z.enum(['warning', 'critical']),
  message: z.string(),
  raisedAt: z.string(),
  updatedAt: z.string(),
  resolvedAt: z.string().nullable(),
});

export type AgentNode = z.infer<typeof nodeView>;
export type Alert = z.infer<typeof alertView>;
