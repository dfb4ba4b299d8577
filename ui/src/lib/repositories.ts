/** Monitored repositories, their sync runs and the webhook delivery log (api/routes/repositories.ts). */
import { get, send, type Request } from './api';

import type { Delivery, Repository, SyncRun } from '../../../domain/wire/repositories';

export type { Delivery, Repository, SyncRun } from '../../../domain/wire/repositories';
export { DELIVERY_STATUSES } from '../../../domain/statuses';

export const listRepositories = (token: string, request: Request = fetch) => get<{ repositories: Repository[] }>(token, '/api/v1/repositories', {}, request);

export const listSyncRuns = (token: string, id: number, limit = 10, request: Request = fetch) =>
  get<{ runs: SyncRun[] }>(token, `/api/v1/repositories/${id}/logs`, { limit }, request);

export const syncRepository = (token: string, id: number, request: Request = fetch) =>
  send<{ workflowId: string; runId: string }>(token, 'POST', `/api/v1/repositories/${id}/sync`, {}, request);

export const listDeliveries = (token: string, filters: { status?: string; repository?: number; before?: number; limit: number }, request: Request = fetch) =>
  get<{ deliveries: Delivery[]; rejected: Record<string, number>; nextBefore: number | null }>(token, '/api/v1/webhooks/deliveries', filters, request);
