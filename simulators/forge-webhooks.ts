/**
 * Webhook delivery shared by the Gitea and GitHub simulators: real HTTP POSTs
 * of the exact bytes that were signed, sent one at a time in the order the
 * changes happened (as Gitea's per-repository queue does), each recorded with
 * the receiver's answer. While deliveries are switched off, events are still
 * recorded, as failed attempts that were never sent (Gitea records a skipped
 * task the same way), and can be redelivered later like any failed one.
 * `WebhookReceiver` is the other end, for tests: it records what arrives.
 * Only node:http, so nothing has to be installed to run it.
 */
import { createHmac, randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import https from 'node:https';

/** A registered webhook target. */
export interface SimHook {
  readonly id: number;
  readonly url: string;
  /** '' = deliveries are not signed. */
  readonly secret: string;
  readonly events: readonly string[];
  readonly active: boolean;
  /** Gitea's `authorization_header`: sent verbatim as `Authorization`. */
  readonly authorizationHeader?: string;
}

/** One delivery attempt and what the receiver answered. */
export interface SimDelivery {
  /** X-Gitea-Event / X-GitHub-Event, e.g. 'issues'. */
  readonly event: string;
  /** The `action` field of the body, when it has one. */
  readonly action: string | undefined;
  readonly deliveryId: string;
  readonly hookId: number;
  readonly url: string;
  /** The receiver's status code, or 'error' when there was no answer (refused, timed out, deliveries off). */
  readonly status: number | 'error';
  readonly error?: string;
  /** Every header sent, lower-cased names. */
  readonly headers: Readonly<Record<string, string>>;
  /** The raw body, exactly the bytes that were signed. */
  readonly body: string;
  readonly responseBody?: string;
  /** Whether this attempt re-sent an earlier delivery. */
  readonly redelivery: boolean;
}

/** What a simulator hands over to have one event delivered to one hook. */
export interface OutgoingEvent {
  readonly hook: SimHook;
  readonly event: string;
  readonly body: string;
  /** The forge's headers for this body and delivery id (signature included). */
  readonly headers: (deliveryId: string) => Record<string, string>;
}

export interface DispatcherOptions {
  /** A receiver that has not answered by then is recorded as 'error'. */
  readonly timeoutMs: number;
}

export const hmacSha256Hex = (secret: string, body: string): string => createHmac('sha256', secret).update(body).digest('hex');
export const hmacSha1Hex = (secret: string, body: string): string => createHmac('sha1', secret).update(body).digest('hex');

export class WebhookDispatcher {
  readonly deliveries: SimDelivery[] = [];
  private enabled = true;
  private tail: Promise<void> = Promise.resolve();
  private readonly sent = new Map<string, OutgoingEvent>();

  constructor(private readonly options: DispatcherOptions) {}

  setEnabled(enabled: boolean): void {
    this.enabled = enabled;
  }

  /** Queues one event per hook; returns at once. */
  enqueue(event: OutgoingEvent): void {
    const deliveryId = randomUUID();
    this.sent.set(deliveryId, event);
    if (!this.enabled) {
      this.deliveries.push(this.record(event, deliveryId, { status: 'error', error: 'webhook deliveries are switched off' }, false));
      return;
    }
    void this.chain(() => this.attempt(event, deliveryId, false));
  }

  /**
   * Sends an earlier delivery's body again to the same hook. With
   * `newDeliveryId` it is a new delivery (Gitea's "replay"); without, it keeps
   * its id (GitHub's "redeliver"). Resolves with the receiver's status; rejects
   * when the receiver could not be reached (the attempt is recorded either way).
   */
  async redeliver(deliveryId: string, opts: { newDeliveryId?: boolean } = {}): Promise<number> {
    const event = this.sent.get(deliveryId);
    if (!event) throw new Error(`no delivery ${deliveryId}`);
    const id = opts.newDeliveryId ? randomUUID() : deliveryId;
    if (id !== deliveryId) this.sent.set(id, event);
    let result: SimDelivery | undefined;
    await this.chain(async () => {
      result = await this.attempt(event, id, true);
    });
    if (!result || result.status === 'error') throw new Error(`redelivery of ${deliveryId} failed: ${result?.error ?? 'not sent'}`);
    return result.status;
  }

  /** Resolves once every delivery queued so far has been answered (or has failed). */
  async settled(): Promise<void> {
    let tail: Promise<void>;
    do {
      tail = this.tail;
      await tail;
    } while (tail !== this.tail);
  }

  private chain(task: () => Promise<unknown>): Promise<void> {
    const next = this.tail.then(task).then(
      () => undefined,
      () => undefined,
    );
    this.tail = next;
    return next;
  }

  private async attempt(event: OutgoingEvent, deliveryId: string, redelivery: boolean): Promise<SimDelivery> {
    const outcome = this.enabled || redelivery ? await post(event.hook.url, event.headers(deliveryId), event.body, this.options.timeoutMs) : { status: 'error' as const, error: 'webhook deliveries are switched off' };
    const delivery = this.record(event, deliveryId, outcome, redelivery);
    this.deliveries.push(delivery);
    return delivery;
  }

  private record(event: OutgoingEvent, deliveryId: string, outcome: PostOutcome, redelivery: boolean): SimDelivery {
    const headers = Object.fromEntries(Object.entries(event.headers(deliveryId)).map(([k, v]) => [k.toLowerCase(), v]));
    return {
      event: event.event,
      action: actionOf(event.body),
      deliveryId,
      hookId: event.hook.id,
      url: event.hook.url,
      headers,
      body: event.body,
      redelivery,
      ...outcome,
    };
  }
}

type PostOutcome = { status: number; responseBody: string } | { status: 'error'; error: string };

/** One POST with a fresh connection (no keep-alive), so nothing lingers after a test. */
async function post(url: string, headers: Record<string, string>, body: string, timeoutMs: number): Promise<PostOutcome> {
  const target = new URL(url);
  const transport = target.protocol === 'https:' ? https : http;
  return new Promise<PostOutcome>((resolve) => {
    const req = transport.request(
      target,
      { method: 'POST', headers: { ...headers, 'Content-Length': String(Buffer.byteLength(body)) }, agent: false, timeout: timeoutMs },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, responseBody: Buffer.concat(chunks).toString('utf8').slice(0, 10_000) }));
        res.on('error', (err) => resolve({ status: 'error', error: err.message }));
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', (err) => resolve({ status: 'error', error: err.message }));
    req.end(body);
  });
}

function actionOf(body: string): string | undefined {
  try {
    const action = (JSON.parse(body) as { action?: unknown }).action;
    return typeof action === 'string' ? action : undefined;
  } catch {
    return undefined;
  }
}

/** One POST a WebhookReceiver got: the raw body, byte for byte, and its headers (lower-cased names). */
export interface ReceivedWebhook {
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/** A tiny HTTP server that records every webhook it gets and answers `status` (default 200). */
export class WebhookReceiver {
  readonly received: ReceivedWebhook[] = [];
  status = 200;

  private constructor(
    private readonly server: http.Server,
    readonly url: string,
  ) {}

  static async start(): Promise<WebhookReceiver> {
    const server = http.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const receiver = new WebhookReceiver(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`);
    server.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => receiver.record(req, res));
    return receiver;
  }

  private record(req: http.IncomingMessage, res: http.ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(',') : (v ?? '')]));
      this.received.push({ path: req.url ?? '/', headers, body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(this.status, { 'Content-Type': 'text/plain' }).end('ok');
    });
  }

  async stop(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections();
    await closed;
  }
}
