/**
 * The pipeline stage with triggers: the API with a pipeline webhook relay
 * (taking only the requests of pipelines this file created) and a credential
 * resolver over a map the test fills, plus builders of trigger nodes.
 */
import type { ApiContext } from '../../../api/context';
import { PipelineRequestRelay } from '../../../api/webhooks/pipeline-relay';
import type { ResolveCredential } from '../../../activities/pipeline/credentials';

import type { N8nNode } from '../../../domain/pipeline/types';
import { readJson, serveApi, type RunningApi } from '../../helpers/api-server';
import { silentLogger } from '../../helpers/harness';
import { startPipelineStage, type PipelineStage } from '../durable/pipeline-stage';

export interface TriggerStage extends PipelineStage {
  readonly hooks: RunningApi;
  /** Credentials by id, with their type: what the credential store would hold. */
  readonly credentials: Map<string, { type: string; data: Record<string, unknown> }>;
  /** Imports a document; its requests are relayed by this file's relay. */
  create(doc: unknown): Promise<string>;
  post(path: string, body?: unknown): Promise<Response>;
}

export async function startTriggerStage(): Promise<TriggerStage> {
  const s = await startPipelineStage();
  const mine: string[] = [];
  const credentials = new Map<string, { type: string; data: Record<string, unknown> }>();
  const relay = new PipelineRequestRelay({ pool: s.h.pool, client: s.h.client, taskQueue: s.h.taskQueue, logger: silentLogger, pollMs: 100, pipelineIds: () => mine });
  relay.start();
  const resolveCredential: ResolveCredential = async (ref) => {
    const c = ref.id ? credentials.get(ref.id) : undefined;
    return c?.type === ref.type ? c.data : undefined;
  };
  const ctx: ApiContext = { config: s.h.config, temporal: s.h.client, pool: s.h.pool, logger: silentLogger, version: 'test', pipelineRelay: relay, resolveCredential };
  const hooks = await serveApi(ctx);
  const post = (path: string, body?: unknown) => s.call(path, { method: 'POST', ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
  return {
    ...s,
    hooks,
    credentials,
    post,
    async create(doc) {
      const { id } = await readJson(await post('/api/v1/pipelines', doc));
      mine.push(id);
      return id;
    },
    async close() {
      await relay.stop();
      await hooks.close();
      await s.close();
    },
  };
}

let n = 0;
export const webhookNode = (path: string, parameters: Record<string, unknown> = {}, extra: Partial<N8nNode> = {}): N8nNode => ({
  name: 'Hook',
  type: 'n8n-nodes-base.webhook',
  typeVersion: 2,
  position: [(n += 200), 0],
  parameters: { httpMethod: 'POST', path, options: {}, ...parameters },
  ...extra,
});

export const respondNode = (body: string, code: number): N8nNode => ({
  name: 'Respond',
  type: 'n8n-nodes-base.respondToWebhook',
  typeVersion: 1.1,
  position: [(n += 200), 0],
  parameters: { respondWith: 'json', responseBody: body, options: { responseCode: code } },
});

export const scheduleNode = (seconds: number): N8nNode => ({
  name: 'Every',
  type: 'n8n-nodes-base.scheduleTrigger',
  typeVersion: 1.2,
  position: [(n += 200), 0],
  parameters: { rule: { interval: [{ field: 'seconds', secondsInterval: seconds }] } },
});
