/**
 * Workers for agent nodes. Each node has its own task queue (`llm:<id>`),
 * served by a worker whose activity slots equal the node's `parallel`: the
 * queue is the node's backlog. `NodeWorkers` keeps one such worker per
 * registered node in this process, following registry changes (Postgres
 * LISTEN/NOTIFY, plus a periodic sweep). The LISTEN connection outlives
 * Postgres restarts: when it breaks it is dropped, and a new one LISTENs again
 * after a backoff, followed by a sweep for what changed meanwhile.
 */
import { Worker, type NativeConnection } from '@temporalio/worker';
import type { Pool, PoolClient } from 'pg';
import { createLlmActivities, type NodeEndpoint } from '../activities/ollama/llm-activity';
import { AGENTS_CHANGED_CHANNEL, listNodes, type AgentNode } from '../activities/agents/agent-store';
import type { WhooshConfig } from '../infra/config';
import { guardedFetch } from '../infra/outbound-policy';
import type { Logger } from '../infra/logger';
import { taskQueueForNode } from '../domain/routing/route-call';

export interface NodeWorkerOptions {
  readonly connection: NativeConnection;
  readonly namespace: string;
  readonly pool: Pool;
  readonly llm: WhooshConfig['llm'];
  /** security.outbound_allow, which every connection to a node registered over the API is held to (none when absent). */
  readonly outboundAllow?: readonly string[];
  readonly node: NodeEndpoint & Pick<AgentNode, 'parallel' | 'source'>;
}

export async function createNodeWorker(opts: NodeWorkerOptions): Promise<Worker> {
  return Worker.create({
    connection: opts.connection,
    namespace: opts.namespace,
    taskQueue: taskQueueForNode(opts.node.id),
    activities: createLlmActivities({
      pool: opts.pool,
      node: { id: opts.node.id, endpoint: opts.node.endpoint },
      ...(opts.outboundAllow && opts.node.source !== 'config' ? { fetch: guardedFetch(opts.outboundAllow) } : {}),
      inlineOutputLimit: opts.llm.inline_output_limit,
      callTimeoutSeconds: opts.llm.call_timeout_seconds,
    }),
    maxConcurrentActivityTaskExecutions: opts.node.parallel,
    // Streams heartbeat on every chunk; the SDK throttles what it sends.
    defaultHeartbeatThrottleInterval: '1s',
  });
}

interface Running {
  readonly signature: string;
  readonly worker: Worker;
  readonly done: Promise<void>;
}

const signatureOf = (n: AgentNode): string => `${n.endpoint}|${n.parallel}|${n.source}`;

export class NodeWorkers {
  private readonly running = new Map<string, Running>();
  private listener?: PoolClient;
  private timer?: NodeJS.Timeout;
  private reconciling: Promise<void> = Promise.resolve();
  private stopped = false;
  private relisten?: NodeJS.Timeout;
  /** Takes this class's listeners off the LISTEN client, before it goes back to the pool. */
  private detach?: () => void;

  constructor(
    private readonly opts: Omit<NodeWorkerOptions, 'node'> & {
      readonly logger: Logger;
      readonly sweepMs?: number;
      /** Serve only some nodes (tests sharing one registry). */
      readonly filter?: (node: AgentNode) => boolean;
    },
  ) {}

  async start(): Promise<void> {
    await this.listen();
    this.timer = setInterval(() => void this.reconcile(), this.opts.sweepMs ?? 30_000);
    await this.reconcile();
  }

  /** Holds one client with LISTEN; throws when Postgres cannot be reached now. */
  private async listen(): Promise<void> {
    const client = await this.opts.pool.connect();
    let broken = false;
    const lost = (err: Error): void => {
      if (broken) return;
      broken = true;
      if (this.listener === client) this.listener = undefined;
      // Destroy, never return to the pool, a connection that failed.
      client.release(err);
      if (!this.stopped) {
        this.opts.logger.warn({ error: err.message }, 'agent registry LISTEN connection lost; listening again');
        this.listenAgain(250);
      }
    };
    const ended = (): void => lost(new Error('connection ended'));
    const notified = (): void => void this.reconcile();
    client.on('error', lost);
    client.on('end', ended);
    client.on('notification', notified);
    this.detach = () => {
      client.off('error', lost);
      client.off('end', ended);
      client.off('notification', notified);
    };
    try {
      await client.query(`LISTEN ${AGENTS_CHANGED_CHANNEL}`);
    } catch (err) {
      lost(err instanceof Error ? err : new Error(String(err)));
      throw err;
    }
    this.listener = client;
  }

  private listenAgain(delayMs: number): void {
    if (this.stopped || this.relisten) return;
    this.relisten = setTimeout(() => {
      this.relisten = undefined;
      if (this.stopped || this.listener) return;
      this.listen().then(
        () => {
          this.opts.logger.info('agent registry LISTEN restored');
          // Changes made while nobody listened.
          void this.reconcile();
        },
        // listen() scheduled nothing when it failed before its client existed.
        () => this.listenAgain(Math.min(delayMs * 2, 5000)),
      );
    }, delayMs);
    this.relisten.unref();
  }

  /** Node ids with a running worker. */
  nodeIds(): string[] {
    return [...this.running.keys()].sort();
  }

  reconcile(): Promise<void> {
    this.reconciling = this.reconciling.then(() => this.doReconcile()).catch((err: unknown) => {
      this.opts.logger.error({ err }, 'node worker reconcile failed');
    });
    return this.reconciling;
  }

  private async doReconcile(): Promise<void> {
    if (this.stopped) return;
    const all = await listNodes(this.opts.pool);
    const nodes = new Map(all.filter((n) => this.opts.filter?.(n) ?? true).map((n) => [n.id, n]));
    for (const [id, r] of this.running) {
      const node = nodes.get(id);
      if (!node || signatureOf(node) !== r.signature) await this.stopOne(id);
    }
    for (const node of nodes.values()) {
      if (this.running.has(node.id)) continue;
      const worker = await createNodeWorker({ ...this.opts, node });
      const done = worker.run().catch((err: unknown) => this.opts.logger.error({ err, nodeId: node.id }, 'node worker failed'));
      this.running.set(node.id, { signature: signatureOf(node), worker, done });
      this.opts.logger.info({ nodeId: node.id, taskQueue: taskQueueForNode(node.id), slots: node.parallel }, 'node worker started');
    }
  }

  private async stopOne(id: string): Promise<void> {
    const r = this.running.get(id);
    if (!r) return;
    this.running.delete(id);
    if (r.worker.getState() === 'RUNNING') r.worker.shutdown();
    await r.done;
    this.opts.logger.info({ nodeId: id }, 'node worker stopped');
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    if (this.relisten) clearTimeout(this.relisten);
    await this.reconciling;
    await Promise.all([...this.running.keys()].map((id) => this.stopOne(id)));
    const listener = this.listener;
    this.listener = undefined;
    if (listener) {
      await listener.query(`UNLISTEN ${AGENTS_CHANGED_CHANNEL}`).catch(() => undefined);
      this.detach?.();
      listener.release();
    }
  }
}
