/**
 * The answers about monitored repositories, their sync runs and webhook
 * deliveries (api/routes/repositories.ts), as zod schemas that validate and
 * document them, and as the types the dashboard reads them with.
 */
import { z } from 'zod';

export const repoView = z.object({
  id: z.number(),
  kind: z.enum(['gitea', 'github']),
  baseUrl: z.string(),
  owner: z.string(),
  name: z.string(),
  hasToken: z.boolean(),
  monitor: z.boolean(),
  labels: z.array(z.string()),
  syncIntervalSeconds: z.number(),
  lastSyncedAt: z.string().nullable(),
  webhookUrl: z.string(),
  webhookSecret: z.string().optional().describe('Shown once, when created, for the forge’s webhook settings'),
  createdAt: z.string(),
  updatedAt: z.string(),
});

export const syncRunView = z.object({
  id: z.number(),
  mode: z.string(),
  since: z.string().nullable(),
  startedAt: z.string(),
  finishedAt: z.string().nullable(),
  issuesSeen: z.number(),
  workflowsStarted: z.number(),
  error: z.string().nullable(),
});

export const deliveryView = z.object({
  id: z.number(),
  forge: z.string(),
  deliveryId: z.string().nullable(),
  event: z.string(),
  action: z.string().nullable(),
  repositoryId: z.number().nullable(),
  repository: z.string(),
  issueNumber: z.number().nullable(),
  status: z.string(),
  workflowId: z.string().nullable(),
  outcome: z.string().nullable(),
  attempts: z.number(),
  lastError: z.string().nullable(),
  receivedAt: z.string(),
  processedAt: z.string().nullable(),
});

export type Repository = z.infer<typeof repoView>;
export type SyncRun = z.infer<typeof syncRunView>;
export type Delivery = z.infer<typeof deliveryView>;
