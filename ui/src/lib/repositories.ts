/** Monitored repositories, their sync runs and the webhook delivery log (api/routes/repositories.ts). */
import { get, send, type Request } from './api';

export interface Repository {
  readonly id: number;
  readonly kind: 'gitea' | 'github';
  readonly baseUrl: string;
  readonly owner: string;
  readonly name: string;
  readonly hasToken: boolean;
  readonly monitor: boolean;
  readonly labels: readonly string[];
  readonly syncIntervalSeconds: number;
  readonly lastSyncedAt: string | null;
  readonly webhookUrl: string;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export interface SyncRun {
  readonly id: number;
  readonly mode: string;
  readonly since: string | null;
  readonly startedAt: string;
  readonly finishedAt: string | null;
  readonly issuesSeen: number;
  readonly workflowsStarted: number;
  readonly error: string | null;
}

export interface Delivery {
  readonly id: number;
  readonly forge: string;
  readonly deliveryId: string | null;
  readonly event: string;
  readonly action: string | null;
  readonly repositoryId: number | null;
  readonly repository: string;
  readonly issueNumber: number | null;
  readonly status: string;
  readonly workflowId: string | null;
  readonly outcome: string | null;
  readonly attempts: number;
  readonly lastError: string | null;
  readonly receivedAt: string;
  readonly processedAt: string | null;
}

export const DELIVERY_STATUSES = ['pending', 'started', 'existing', 'signalled', 'no-workflow', 'ignored', 'failed'] as const;

export const listRepositories = (token: string, request: Request = fetch) => get<{ repositories: Repository[] }>(token, '/api/v1/repositories', {}, request);

export const listSyncRuns = (token: string, id: number, limit = 10, request: Request = fetch) =>
  get<{ runs: SyncRun[] }>(token, `/api/v1/repositories/${id}/logs`, { limit }, request);

export const syncRepository = (token: string, id: number, request: Request = fetch) =>
  send<{ workflowId: string; runId: string }>(token, 'POST', `/api/v1/repositories/${id}/sync`, {}, request);

export const listDeliveries = (token: string, filters: { status?: string; repository?: number; before?: number; limit: number }, request: Request = fetch) =>
  get<{ deliveries: Delivery[]; rejected: Record<string, number>; nextBefore: number | null }>(token, '/api/v1/webhooks/deliveries', filters, request);
