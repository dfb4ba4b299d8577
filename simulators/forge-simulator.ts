/**
 * What the Gitea and GitHub simulators share besides HTTP: scripted failures
 * and latency, a clock that can be frozen, the requests they answered, and
 * webhook deliveries that can be paused, awaited and sent again. Each
 * simulator adds its forge's API, payloads and headers.
 */
import type { SimDelivery, WebhookDispatcher } from './forge-webhooks';
import { HttpSimulator, type ScriptedApi, type SimRequestRecord } from './sim-http';

export abstract class ForgeSimulator<F extends { retryAfter?: number }> extends HttpSimulator {
  protected abstract readonly dispatcher: WebhookDispatcher;
  protected abstract readonly api: ScriptedApi<F>;
  protected frozenAt: number | undefined;

  /** Every API request answered, oldest first. */
  get requests(): SimRequestRecord[] {
    return this.api.requests;
  }

  /** Every delivery attempt, oldest first, with the receiver's answer. */
  get deliveries(): readonly SimDelivery[] {
    return this.dispatcher.deliveries;
  }

  /** Stops (false) or resumes (true) webhook deliveries. Events meanwhile are recorded as failed, never sent, and can be redelivered. */
  webhooks(enabled: boolean): void {
    this.dispatcher.setEnabled(enabled);
  }

  /** The next `n` API requests answer `status` (with `Retry-After: retryAfter` seconds when given), whatever they ask. */
  failNext(n: number, status: number, opts: F = {} as F): void {
    this.api.failNext(n, status, opts);
  }

  /** For the next `ms`, every API request answers `status` (with `Retry-After` when given): a forge down for a while. */
  failFor(ms: number, status: number, opts: F = {} as F): void {
    this.api.failFor(ms, status, opts);
  }

  /** For the next `ms`, every API write is carried out but answered `status`: the forge acted, the caller cannot tell. */
  loseAnswersFor(ms: number, status: number, opts: F = {} as F): void {
    this.api.loseAnswersFor(ms, status, opts);
  }

  /** Delay before every API answer from now on. */
  latency(ms: number): void {
    this.api.latency(ms);
  }

  /** Freezes the simulator's clock at `time` (null: real time again). Times are whole seconds, as both forges keep them. */
  setClock(time: Date | string | null): void {
    this.frozenAt = time === null ? undefined : new Date(time).getTime();
    if (this.frozenAt !== undefined && !Number.isFinite(this.frozenAt)) throw new RangeError(`setClock: not a time: ${String(time)}`);
  }

  /** Moves a frozen clock on (freezing it at the current time first if it runs). */
  advanceClock(ms: number): void {
    this.frozenAt = (this.frozenAt ?? Date.now()) + ms;
  }

  /** Resolves once every webhook delivery queued so far has been answered (or has failed). */
  settled(): Promise<void> {
    return this.dispatcher.settled();
  }

  /**
   * Sends an earlier delivery again: by default with the same delivery id (GitHub's "Redeliver");
   * `newDeliveryId: true` gives it a new one (Gitea's "replay").
   */
  redeliver(deliveryId: string, opts: { newDeliveryId?: boolean } = {}): Promise<number> {
    return this.dispatcher.redeliver(deliveryId, opts);
  }

  /** Stops listening; waits for the answers in progress and the deliveries queued. */
  async stop(): Promise<void> {
    if (!this.server.listening) return;
    await this.server.stop();
    await this.dispatcher.settled();
  }

  /** Now, in whole seconds (both forges keep whole seconds). */
  protected now(): number {
    return Math.floor((this.frozenAt ?? Date.now()) / 1000) * 1000;
  }
}
