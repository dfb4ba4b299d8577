/**
 * An Ollama server in a box, for tests and the demo mode: it speaks the REST
 * API the real `ollama` npm client uses (chat, generate, tags, ps, show,
 * version), streams NDJSON at a configurable token rate, and can be told to
 * misbehave the ways a real GPU box does — busy, hung, a stream that breaks off
 * or ends in an error line, a process that dies mid-answer and comes back on
 * the same port. Only node:http, so nothing has to be installed to run it.
 *
 * Status codes and error texts follow Ollama's server (server/routes.go), so
 * code written against the simulator sees what it would see in production.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { HttpError, readBody, HttpSimulator, SimHttpServer, sleep, writeJson } from '../sim-http';
import { chunkHead, generate, type StreamFault } from './ollama-generation';
import { Hang, type RequestContext } from './ollama-hang';
import { describeModel, normalizeModelName, runningModels, showModel, type ModelEntry } from './ollama-models';
import { parseGenerationRequest, parseJsonObject } from './ollama-requests';
import { mulberry32, resolveSettings, type OllamaSimulatorOptions, type Settings } from './ollama-settings';

export type { SimMessage, SimRequest, SimTool, SimToolCall } from './reply';
export type { SimulatedModel } from './ollama-models';
export type { OllamaSimulatorOptions } from './ollama-settings';

export interface SimulatorStats {
  /** Every HTTP request, whatever its path or outcome. */
  requests: number;
  /** Requests to /api/chat and /api/generate, including the ones answered with an error. */
  chat: number;
  generate: number;
  /** Chat/generate requests accepted and not yet finished. */
  inFlight: number;
  maxInFlight: number;
  /** Requests by URL path, e.g. { '/api/chat': 3, '/api/tags': 1 }. */
  byEndpoint: Record<string, number>;
}

/** Ollama's own text for a full queue (server/sched.go ErrMaxQueue). */
export const BUSY_MESSAGE = 'server busy, please try again.  maximum pending requests exceeded';

export class OllamaSimulator extends HttpSimulator {
  private options: OllamaSimulatorOptions;
  private settings: Settings;
  private random: () => number;
  protected readonly server: SimHttpServer;
  private readonly active = new Set<RequestContext>();
  private readonly loaded = new Map<string, number>(); // model name → expiry (epoch ms)
  private readonly hangs = new Hang();
  private readonly streamFaults: StreamFault[] = [];
  private readonly inFlightWaiters = new Set<() => void>();
  private readonly counters: SimulatorStats = { requests: 0, chat: 0, generate: 0, inFlight: 0, maxInFlight: 0, byEndpoint: {} };

  private constructor(options: OllamaSimulatorOptions) {
    super();
    this.options = { ...options };
    this.settings = resolveSettings(this.options);
    this.random = mulberry32(options.seed ?? Math.floor(Math.random() * 2 ** 32));
    this.server = new SimHttpServer(this.settings.host, (req, res) => this.handle(req, res));
  }

  static async start(opts: OllamaSimulatorOptions = {}): Promise<OllamaSimulator> {
    return new OllamaSimulator(opts).listenOn(opts.port);
  }

  get stats(): SimulatorStats {
    return { ...this.counters, byEndpoint: { ...this.counters.byEndpoint } };
  }

  /** Changes behaviour from the next request on. `port` and `host` stay as they were. */
  configure(patch: Partial<OllamaSimulatorOptions>): void {
    const options = { ...this.options, ...patch, port: this.options.port, host: this.options.host };
    this.settings = resolveSettings(options);
    this.options = options;
    if (patch.seed !== undefined) this.random = mulberry32(patch.seed);
  }

  // ---- fault controls ------------------------------------------------------------

  /**
   * While on, responses stop sending bytes: a streaming chat/generate sends its
   * headers and first `afterChunks` chunks (one unless told), everything else
   * sends nothing. hang(false) lets them go on.
   */
  hang(on = true, { afterChunks = 1 }: { afterChunks?: number } = {}): void {
    this.hangs.set(on, afterChunks);
  }

  /** The next streaming chat/generate sends a few chunks, then `{"error": message}`, and ends. */
  failNextStreamWith(message: string): void {
    this.streamFaults.push({ kind: 'error', message });
  }

  /** The next streaming chat/generate sends a few chunks and ends cleanly without its done line. */
  truncateNextStream(): void {
    this.streamFaults.push({ kind: 'truncate' });
  }

  /** Dies like a crashed process: every open connection is cut mid-response and the port closes. */
  async kill(): Promise<void> {
    if (!this.server.listening) return;
    for (const ctx of this.active) ctx.ac.abort();
    await this.server.kill();
  }

  /**
   * Stops listening, lets the responses in progress finish, then closes. Hung
   * responses would never finish, so they are cut instead.
   */
  async stop(): Promise<void> {
    if (!this.server.listening) return;
    this.hangs.setStopping(true);
    await this.server.stop();
    this.hangs.setStopping(false);
  }

  /**
   * Listens again on the same port, like the process coming back: no model is
   * loaded and pending faults and hangs are gone; stats carry on.
   */
  async restart(): Promise<void> {
    if (this.server.listening) await this.stop();
    this.loaded.clear();
    this.streamFaults.length = 0;
    this.hang(false);
    await this.server.listen();
  }

  /** Resolves once `n` chat/generate requests are in flight. */
  async waitForInFlight(n: number, timeoutMs = 5_000): Promise<void> {
    if (this.counters.inFlight >= n) return;
    await new Promise<void>((resolve, reject) => {
      const check = (): void => {
        if (this.counters.inFlight < n) return;
        clearTimeout(timer);
        this.inFlightWaiters.delete(check);
        resolve();
      };
      const timer = setTimeout(() => {
        this.inFlightWaiters.delete(check);
        reject(new Error(`waitForInFlight(${n}): only ${this.counters.inFlight} in flight after ${timeoutMs} ms`));
      }, timeoutMs);
      this.inFlightWaiters.add(check);
    });
  }

  // ---- HTTP --------------------------------------------------------------------

  /** Never rejects: every failure becomes a response or a cut connection. */
  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const startedNs = process.hrtime.bigint();
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const method = req.method === 'HEAD' ? 'GET' : req.method;
    this.counters.requests++;
    this.counters.byEndpoint[path] = (this.counters.byEndpoint[path] ?? 0) + 1;
    if (method === 'POST' && path === '/api/chat') this.counters.chat++;
    if (method === 'POST' && path === '/api/generate') this.counters.generate++;

    const ctx: RequestContext = { ac: new AbortController() };
    this.active.add(ctx);
    res.on('close', () => ctx.ac.abort());
    try {
      const body = await readBody(req);
      await sleep(this.settings.latencyMs, ctx.ac.signal);
      await this.route(ctx, res, `${method} ${path}`, body, startedNs);
    } catch (err) {
      if (ctx.ac.signal.aborted || res.headersSent) {
        res.destroy();
        return;
      }
      const status = err instanceof HttpError ? err.status : 500;
      try {
        await this.sendJson(ctx, res, status, { error: err instanceof Error ? err.message : String(err) });
      } catch {
        res.destroy();
      }
    } finally {
      this.active.delete(ctx);
    }
  }

  private async route(ctx: RequestContext, res: ServerResponse, route: string, body: string, startedNs: bigint): Promise<void> {
    switch (route) {
      case 'GET /':
        await this.hangs.whileHung(ctx);
        res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8' }).end('Ollama is running');
        return;
      case 'GET /api/version':
        return this.sendJson(ctx, res, 200, { version: this.settings.version });
      case 'GET /api/tags':
        return this.sendJson(ctx, res, 200, { models: this.settings.models.map(describeModel) });
      case 'GET /api/ps':
        return this.sendJson(ctx, res, 200, { models: runningModels(this.settings.models, this.loaded) });
      case 'POST /api/show':
        return this.show(ctx, res, body);
      case 'POST /api/chat':
        return this.generation(ctx, res, 'chat', body, startedNs);
      case 'POST /api/generate':
        return this.generation(ctx, res, 'generate', body, startedNs);
      default:
        // Gin's answer for an unknown route: plain text, not JSON.
        await this.hangs.whileHung(ctx);
        res.writeHead(404, { 'Content-Type': 'text/plain' }).end('404 page not found');
    }
  }

  private async show(ctx: RequestContext, res: ServerResponse, raw: string): Promise<void> {
    const body = parseJsonObject(raw);
    const name = typeof body.model === 'string' && body.model ? body.model : body.name;
    if (typeof name !== 'string' || !name) throw new HttpError(400, 'model is required');
    const model = this.findModel(name);
    if (!model) throw new HttpError(404, `model '${name}' not found`);
    await this.sendJson(ctx, res, 200, showModel(model));
  }

  private async generation(
    ctx: RequestContext,
    res: ServerResponse,
    endpoint: 'chat' | 'generate',
    raw: string,
    startedNs: bigint,
  ): Promise<void> {
    const request = parseGenerationRequest(endpoint, parseJsonObject(raw));
    const model = this.findModel(request.model);
    if (!model) throw new HttpError(404, `model "${request.model}" not found, try pulling it first`);
    if (this.isBusy()) throw new HttpError(503, BUSY_MESSAGE);

    this.counters.inFlight++;
    this.counters.maxInFlight = Math.max(this.counters.maxInFlight, this.counters.inFlight);
    for (const check of [...this.inFlightWaiters]) check();
    try {
      const cold = !this.isLoaded(model.name);
      this.load(model.name, request.keepAliveMs);
      const isEmpty = endpoint === 'chat' ? (request.messages ?? []).length === 0 : !request.prompt;
      if (isEmpty) {
        // Ollama's way to load (or, with keep_alive 0, unload) a model without generating.
        if (request.keepAliveMs === 0) this.loaded.delete(model.name);
        const doneReason = request.keepAliveMs === 0 ? 'unload' : 'load';
        await this.sendJson(ctx, res, 200, { ...chunkHead(request, ''), done_reason: doneReason, done: true });
        return;
      }
      const io = {
        ctx,
        res,
        settings: this.settings,
        nextStreamFault: () => this.streamFaults.shift(),
        whileHung: () => this.hangs.whileHung(ctx),
        hangsAfterChunks: () => this.hangs.afterChunks,
        sendJson: (status: number, body: unknown) => this.sendJson(ctx, res, status, body),
      };
      await generate(io, request, cold, startedNs);
      if (request.keepAliveMs === 0) this.loaded.delete(model.name);
    } finally {
      this.counters.inFlight--;
    }
  }

  private isBusy(): boolean {
    const { maxConcurrent, failureRate } = this.settings;
    if (maxConcurrent !== undefined && this.counters.inFlight >= maxConcurrent) return true;
    return failureRate > 0 && this.random() < failureRate;
  }

  private findModel(name: string): ModelEntry | undefined {
    const wanted = normalizeModelName(name);
    return this.settings.models.find((m) => m.name === wanted);
  }

  private isLoaded(name: string): boolean {
    const expiry = this.loaded.get(name);
    return expiry !== undefined && expiry > Date.now();
  }

  private load(name: string, keepAliveMs: number): void {
    this.loaded.set(name, keepAliveMs < 0 ? Number.MAX_SAFE_INTEGER : Date.now() + keepAliveMs);
  }

  private async sendJson(ctx: RequestContext, res: ServerResponse, status: number, body: unknown): Promise<void> {
    await this.hangs.whileHung(ctx);
    writeJson(res, status, body);
  }
}
