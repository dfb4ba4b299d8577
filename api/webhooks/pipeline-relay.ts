/**
 * The outbox relay of webhook-triggered pipeline runs: starts each stored
 * request's run (pinned to the version it was received for) with the
 * execution id stored with it, so a start repeated after a lost answer or a
 * crash is the same run. While Temporal is away the request waits and is
 * tried again with backoff; a request whose pipeline is gone fails for good.
 */
import { claimDueRequests, failRequest, markRequestStarted, retryRequest, type StoredRequest } from '../../activities/pipeline/pipeline-requests';
import { PipelineNotFoundError, PipelineNotRunnableError, startStoredPipeline } from '../../activities/pipeline/start-pipeline';
import { backoffSeconds, OutboxRelay, type RelayBaseOptions } from './outbox-relay';

export interface PipelineRelayOptions extends RelayBaseOptions {  /** Relay only these pipelines' requests (tests that share the outbox); a production relay takes all. */
  readonly pipelineIds?: () => readonly string[];
}

const LEASE_SECONDS = 30;

export class PipelineRequestRelay {
  private readonly outbox: OutboxRelay<StoredRequest>;

  constructor(private readonly opts: PipelineRelayOptions) {
    this.outbox = new OutboxRelay<StoredRequest>({
      what: 'pipeline webhook',
      logger: opts.logger,
      ...(opts.pollMs !== undefined ? { pollMs: opts.pollMs } : {}),
      claim: (limit) => claimDueRequests(opts.pool, limit, LEASE_SECONDS, opts.pipelineIds?.()),
      carry: (r) => this.relay(r),
    });
  }

  start(): void {
    this.outbox.start();
  }

  kick(): void {
    this.outbox.kick();
  }

  private async relay(r: StoredRequest): Promise<void> {
    const { pool, client, taskQueue } = this.opts;
    try {
      await client.withDeadline(Date.now() + (this.opts.callTimeoutMs ?? 5000), () =>
        startStoredPipeline(
          { pool, client, taskQueue },
          { pipelineId: r.pipelineId, version: r.version, startNode: r.node, input: r.input, mode: 'webhook', trigger: 'webhook', executionId: r.executionId },
        ),
      );
      await markRequestStarted(pool, r.id);
    } catch (err) {
      const message = err instanceof Error ? err.message.split('\n')[0]! : String(err);
      if (err instanceof PipelineNotFoundError || err instanceof PipelineNotRunnableError) {
        await failRequest(pool, r.id, message);
        return;
      }
      const delay = backoffSeconds(r.attempts);
      this.opts.logger.warn({ request: r.id, attempt: r.attempts, retryInSeconds: delay, error: message }, 'Temporal did not take the pipeline run; will retry');
      await retryRequest(pool, r.id, message, delay);
    }
  }

  async stop(): Promise<void> {
    await this.outbox.stop();
  }
}
