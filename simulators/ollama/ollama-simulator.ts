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
import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { HttpError, isObject, readBody, HttpSimulator, SimHttpServer, sleep, writeJson } from '../sim-http';
import { defaultReply, defaultToolCalls, promptTokenCount, tokenize, type SimMessage, type SimRequest, type SimTool, type SimToolCall } from './reply';

export type { SimMessage, SimRequest, SimTool, SimToolCall } from './reply';

export interface SimulatedModel {
  name: string;
  sizeBytes?: number;
  family?: string;
  parameterSize?: string;
  quantization?: string;
}

export interface OllamaSimulatorOptions {
  /** 0 = any free port (default). Fixed for the simulator's life: restart() reuses it. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Installed models; default ['llama3.1:8b']. A name without a tag means `:latest`, as in Ollama. */
  models?: (string | SimulatedModel)[];
  /** Streaming speed of generated tokens; default 200. */
  tokensPerSecond?: number;
  /** Delay before the first byte of every response; default 0. */
  latencyMs?: number;
  /** 0..1 probability that a chat/generate request answers 503 busy; default 0. */
  failureRate?: number;
  /** When set, chat/generate requests beyond this many in flight answer 503 busy. */
  maxConcurrent?: number;
  /** What /api/version reports; default '0.6.0'. */
  version?: string;
  /** Text of the reply; default: JSON matching `format`, else a sentence echoing the last user turn. */
  respond?: (req: SimRequest) => string;
  /** Tool calls for a request that offers `tools` (undefined: answer in words); default: defaultToolCalls. */
  toolCalls?: (req: SimRequest) => SimToolCall[] | undefined;
  /** Seed of the randomness behind failureRate, for reproducible runs. */
  seed?: number;
}

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

const DEFAULT_MODEL = 'llama3.1:8b';
const DEFAULT_KEEP_ALIVE_MS = 5 * 60_000;
/** How many token chunks a faulty stream sends before it breaks. */
const FAULT_AFTER_CHUNKS = 2;
/** Prompt processing runs this many times faster than generation, as on a real GPU. */
const PROMPT_SPEEDUP = 10;
const COLD_LOAD_NS = 1_500_000;
const WARM_LOAD_NS = 150_000;
const CONTEXT_LENGTH = 4096;

interface Settings {
  host: string;
  models: ModelEntry[];
  tokensPerSecond: number;
  latencyMs: number;
  failureRate: number;
  maxConcurrent: number | undefined;
  version: string;
  respond: (req: SimRequest) => string;
  toolCalls: (req: SimRequest) => SimToolCall[] | undefined;
}

interface ModelEntry {
  name: string;
  size: number;
  digest: string;
  family: string;
  parameterSize: string;
  quantization: string;
  modifiedAt: string;
}

/** One request being served; aborted when its client goes away or the simulator dies. */
interface RequestContext {
  readonly ac: AbortController;
}

type StreamFault = { kind: 'error'; message: string } | { kind: 'truncate' };

interface GenerationRequest extends SimRequest {
  stream: boolean;
  keepAliveMs: number;
}

export class OllamaSimulator extends HttpSimulator {
  private options: OllamaSimulatorOptions;
  private settings: Settings;
  private random: () => number;
  protected readonly server: SimHttpServer;
  private readonly active = new Set<RequestContext>();
  private readonly loaded = new Map<string, number>(); // model name → expiry (epoch ms)
  private hung = false;
  private hungAfterChunks = 1;
  private stopping = false;
  private readonly hangWaiters = new Set<() => void>();
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

  /**
   * While on, responses stop sending bytes: a streaming chat/generate sends its
   * headers and first `afterChunks` chunks (one unless told), everything else
   * sends nothing. hang(false) lets them go on.
   */
  hang(on = true, { afterChunks = 1 }: { afterChunks?: number } = {}): void {
    this.hung = on;
    this.hungAfterChunks = Math.max(1, afterChunks);
    if (on) return;
    for (const wake of this.hangWaiters) wake();
    this.hangWaiters.clear();
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
    this.stopping = true;
    for (const wake of this.hangWaiters) wake();
    this.hangWaiters.clear();
    await this.server.stop();
    this.stopping = false;
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
        await this.whileHung(ctx);
        res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8' }).end('Ollama is running');
        return;
      case 'GET /api/version':
        return this.sendJson(ctx, res, 200, { version: this.settings.version });
      case 'GET /api/tags':
        return this.sendJson(ctx, res, 200, { models: this.settings.models.map((m) => this.describe(m)) });
      case 'GET /api/ps':
        return this.sendJson(ctx, res, 200, { models: this.runningModels() });
      case 'POST /api/show':
        return this.show(ctx, res, body);
      case 'POST /api/chat':
        return this.generation(ctx, res, 'chat', body, startedNs);
      case 'POST /api/generate':
        return this.generation(ctx, res, 'generate', body, startedNs);
      default:
        // Gin's answer for an unknown route: plain text, not JSON.
        await this.whileHung(ctx);
        res.writeHead(404, { 'Content-Type': 'text/plain' }).end('404 page not found');
    }
  }

  private async show(ctx: RequestContext, res: ServerResponse, raw: string): Promise<void> {
    const body = parseJsonObject(raw);
    const name = typeof body.model === 'string' && body.model ? body.model : body.name;
    if (typeof name !== 'string' || !name) throw new HttpError(400, 'model is required');
    const model = this.findModel(name);
    if (!model) throw new HttpError(404, `model '${name}' not found`);
    await this.sendJson(ctx, res, 200, {
      license: '',
      modelfile: `# Modelfile generated by the WHOOSH Ollama simulator\nFROM ${model.name}\n`,
      parameters: 'stop "<|eot_id|>"',
      template: '{{ .Prompt }}',
      details: this.details(model),
      model_info: {
        'general.architecture': model.family,
        'general.basename': model.name.split(':')[0],
        'general.parameter_count': parameterCount(model.parameterSize),
        [`${model.family}.context_length`]: CONTEXT_LENGTH,
      },
      capabilities: ['completion'],
      modified_at: model.modifiedAt,
    });
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
        await this.sendJson(ctx, res, 200, { ...this.chunkHead(request, ''), done_reason: doneReason, done: true });
        return;
      }
      await this.generate(ctx, res, request, model, cold, startedNs);
      if (request.keepAliveMs === 0) this.loaded.delete(model.name);
    } finally {
      this.counters.inFlight--;
    }
  }

  private async generate(
    ctx: RequestContext,
    res: ServerResponse,
    request: GenerationRequest,
    model: ModelEntry,
    cold: boolean,
    startedNs: bigint,
  ): Promise<void> {
    const { signal } = ctx.ac;
    const tokensPerSecond = this.settings.tokensPerSecond;
    const simRequest: SimRequest = {
      endpoint: request.endpoint,
      model: request.model,
      messages: request.messages,
      prompt: request.prompt,
      format: request.format,
      options: request.options,
      ...(request.tools ? { tools: request.tools } : {}),
    };
    // Ollama answers a tool call with empty content and message.tool_calls, in one chunk when streaming.
    const toolCalls = request.tools?.length ? this.settings.toolCalls(simRequest) : undefined;
    const text = toolCalls ? '' : this.settings.respond(simRequest);
    let tokens = tokenize(text);
    let doneReason = 'stop';
    const limit = request.options?.num_predict;
    if (typeof limit === 'number' && limit >= 0 && tokens.length > limit) {
      tokens = tokens.slice(0, limit);
      doneReason = 'length';
    }
    const promptCount = Math.max(1, promptTokenCount(request));
    const tokenMs = 1000 / tokensPerSecond;
    const final = (): Record<string, unknown> => ({
      done_reason: doneReason,
      done: true,
      ...(request.endpoint === 'generate' ? { context: syntheticContext(promptCount + tokens.length) } : {}),
      ...metrics(startedNs, promptCount, tokens.length, tokensPerSecond, cold),
    });

    if (!request.stream) {
      await sleep(tokens.length * tokenMs, signal);
      await this.sendJson(ctx, res, 200, { ...this.chunkHead(request, tokens.join(''), toolCalls), ...final() });
      return;
    }

    const fault = this.streamFaults.shift();
    res.writeHead(200, { 'Content-Type': 'application/x-ndjson' });
    res.flushHeaders();
    if (toolCalls) res.write(ndjson({ ...this.chunkHead(request, '', toolCalls), done: false }));
    for (let i = 0; i < tokens.length; i++) {
      if (fault && i === FAULT_AFTER_CHUNKS) break;
      await sleep(tokenMs, signal);
      if (i >= this.hungAfterChunks) await this.whileHung(ctx);
      res.write(ndjson({ ...this.chunkHead(request, tokens[i] ?? ''), done: false }));
    }
    if (fault?.kind === 'truncate') {
      res.end();
      return;
    }
    if (fault?.kind === 'error') {
      // What Ollama does when the runner fails mid-answer: status 200 is long sent, so an error line.
      res.end(ndjson({ error: fault.message }));
      return;
    }
    await this.whileHung(ctx);
    res.end(ndjson({ ...this.chunkHead(request, ''), ...final() }));
  }

  /** The fields every chat/generate chunk starts with, carrying `content` as the new text. */
  private chunkHead(request: GenerationRequest, content: string, toolCalls?: SimToolCall[]): Record<string, unknown> {
    const head = { model: request.model, created_at: new Date().toISOString() };
    return request.endpoint === 'chat' ? { ...head, message: { role: 'assistant', content, ...(toolCalls ? { tool_calls: toolCalls } : {}) } } : { ...head, response: content };
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

  private runningModels(): Record<string, unknown>[] {
    const now = Date.now();
    const running: Record<string, unknown>[] = [];
    for (const model of this.settings.models) {
      const expiry = this.loaded.get(model.name);
      if (expiry === undefined || expiry <= now) continue;
      const expiresAt = new Date(Math.min(expiry, now + 100 * 365 * 24 * 3_600_000)).toISOString();
      running.push({ ...this.describe(model), expires_at: expiresAt, size_vram: model.size, context_length: CONTEXT_LENGTH });
    }
    return running;
  }

  private describe(model: ModelEntry): Record<string, unknown> {
    return {
      name: model.name,
      model: model.name,
      modified_at: model.modifiedAt,
      size: model.size,
      digest: model.digest,
      details: this.details(model),
    };
  }

  private details(model: ModelEntry): Record<string, unknown> {
    return {
      parent_model: '',
      format: 'gguf',
      family: model.family,
      families: [model.family],
      parameter_size: model.parameterSize,
      quantization_level: model.quantization,
    };
  }

  /** Resolves at once unless hung; then waits for hang(false), or fails when stopping. */
  private async whileHung(ctx: RequestContext): Promise<void> {
    const { signal } = ctx.ac;
    while (this.hung) {
      if (this.stopping) {
        ctx.ac.abort();
        throw new Error('simulator stopping');
      }
      await new Promise<void>((resolve, reject) => {
        const onAbort = (): void => {
          this.hangWaiters.delete(wake);
          reject(new Error('request aborted'));
        };
        const wake = (): void => {
          signal.removeEventListener('abort', onAbort);
          resolve();
        };
        if (signal.aborted) return onAbort();
        this.hangWaiters.add(wake);
        signal.addEventListener('abort', onAbort, { once: true });
      });
    }
    signal.throwIfAborted();
  }

  private async sendJson(ctx: RequestContext, res: ServerResponse, status: number, body: unknown): Promise<void> {
    await this.whileHung(ctx);
    writeJson(res, status, body);
  }
}

function resolveSettings(options: OllamaSimulatorOptions): Settings {
  const tokensPerSecond = options.tokensPerSecond ?? 200;
  const latencyMs = options.latencyMs ?? 0;
  const failureRate = options.failureRate ?? 0;
  const { maxConcurrent } = options;
  if (!(tokensPerSecond > 0)) throw new RangeError(`tokensPerSecond must be > 0, got ${tokensPerSecond}`);
  if (!(latencyMs >= 0)) throw new RangeError(`latencyMs must be >= 0, got ${latencyMs}`);
  if (!(failureRate >= 0 && failureRate <= 1)) throw new RangeError(`failureRate must be within 0..1, got ${failureRate}`);
  if (maxConcurrent !== undefined && !(Number.isInteger(maxConcurrent) && maxConcurrent >= 0)) {
    throw new RangeError(`maxConcurrent must be a whole number >= 0, got ${maxConcurrent}`);
  }
  const models = (options.models ?? [DEFAULT_MODEL]).map(modelEntry);
  return {
    host: options.host ?? '127.0.0.1',
    models,
    tokensPerSecond,
    latencyMs,
    failureRate,
    maxConcurrent,
    version: options.version ?? '0.6.0',
    respond: options.respond ?? defaultReply,
    toolCalls: options.toolCalls ?? defaultToolCalls,
  };
}

function modelEntry(spec: string | SimulatedModel): ModelEntry {
  const model = typeof spec === 'string' ? { name: spec } : spec;
  if (!model.name) throw new RangeError('every simulated model needs a name');
  const name = normalizeModelName(model.name);
  const base = name.slice(0, name.lastIndexOf(':'));
  const tag = name.slice(name.lastIndexOf(':') + 1);
  const parameterSize = model.parameterSize ?? /(\d+(?:\.\d+)?)b\b/i.exec(tag)?.[1]?.concat('B') ?? '8.0B';
  return {
    name,
    parameterSize,
    // A Q4 quantised model weighs a little over half a byte per parameter.
    size: model.sizeBytes ?? Math.round(parameterCount(parameterSize) * 0.6),
    digest: createHash('sha256').update(name).digest('hex'),
    family: model.family ?? /^[a-z]+/i.exec(base.split('/').pop() ?? '')?.[0]?.toLowerCase() ?? 'llama',
    quantization: model.quantization ?? 'Q4_K_M',
    modifiedAt: new Date(Date.UTC(2025, 0, 1)).toISOString(),
  };
}

/** `llama3.1` and `llama3.1:latest` are the same model in Ollama. */
function normalizeModelName(name: string): string {
  const lastSegment = name.split('/').pop() ?? name;
  return lastSegment.includes(':') ? name : `${name}:latest`;
}

function parameterCount(parameterSize: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*([KMB]?)/i.exec(parameterSize);
  if (!match) return 8e9;
  const scale = { K: 1e3, M: 1e6, B: 1e9 }[(match[2] ?? '').toUpperCase()] ?? 1;
  return Math.round(Number(match[1]) * scale);
}

function parseJsonObject(raw: string): Record<string, unknown> {
  if (raw.trim() === '') throw new HttpError(400, 'missing request body');
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch (err) {
    throw new HttpError(400, `invalid JSON: ${(err as Error).message}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new HttpError(400, 'invalid request body: expected a JSON object');
  }
  return value as Record<string, unknown>;
}

function parseGenerationRequest(endpoint: 'chat' | 'generate', body: Record<string, unknown>): GenerationRequest {
  const { model, stream, format, options, messages, prompt } = body;
  if (typeof model !== 'string' || model === '') throw new HttpError(400, 'model is required');
  if (stream !== undefined && stream !== null && typeof stream !== 'boolean') throw new HttpError(400, 'stream must be a boolean');
  if (format !== undefined && format !== null && format !== '' && format !== 'json' && !isObject(format)) {
    throw new HttpError(400, 'invalid format: expected "json" or a valid JSON schema');
  }
  if (options !== undefined && options !== null && !isObject(options)) throw new HttpError(400, 'options must be an object');
  const request: GenerationRequest = {
    endpoint,
    model,
    stream: stream !== false,
    keepAliveMs: parseKeepAlive(body.keep_alive),
    format: format === '' || format === null ? undefined : format,
    options: isObject(options) ? options : undefined,
  };
  if (endpoint === 'chat') {
    if (messages !== undefined && messages !== null && !Array.isArray(messages)) throw new HttpError(400, 'messages must be an array');
    request.messages = ((messages ?? []) as unknown[]).map(parseMessage);
    if (body.tools !== undefined && body.tools !== null) request.tools = parseTools(body.tools);
  } else {
    if (prompt !== undefined && prompt !== null && typeof prompt !== 'string') throw new HttpError(400, 'prompt must be a string');
    request.prompt = prompt ?? undefined;
  }
  return request;
}

function parseMessage(raw: unknown): SimMessage {
  if (!isObject(raw) || typeof raw.role !== 'string') throw new HttpError(400, 'every message needs a role');
  if (raw.content !== undefined && typeof raw.content !== 'string') throw new HttpError(400, 'message content must be a string');
  const message: SimMessage = { role: raw.role, content: raw.content ?? '' };
  if (raw.tool_calls !== undefined) {
    if (!Array.isArray(raw.tool_calls) || !raw.tool_calls.every((c) => isObject(c) && isObject(c.function) && typeof c.function.name === 'string')) {
      throw new HttpError(400, 'tool_calls must be a list of { function: { name, arguments } }');
    }
    message.tool_calls = raw.tool_calls as SimToolCall[];
  }
  if (typeof raw.tool_name === 'string') message.tool_name = raw.tool_name;
  return message;
}

/** `tools` as Ollama takes them: [{ type: 'function', function: { name, description?, parameters? } }]. */
function parseTools(raw: unknown): SimTool[] {
  if (!Array.isArray(raw)) throw new HttpError(400, 'tools must be an array');
  return raw.map((t) => {
    if (!isObject(t) || !isObject(t.function) || typeof t.function.name !== 'string' || t.function.name === '') throw new HttpError(400, 'every tool needs function.name');
    return { type: 'function', function: { name: t.function.name, ...(typeof t.function.description === 'string' ? { description: t.function.description } : {}), ...(t.function.parameters !== undefined ? { parameters: t.function.parameters } : {}) } };
  });
}

/** keep_alive as Ollama reads it: seconds as a number, or a Go duration such as "5m" or "1h30m"; negative = forever. */
function parseKeepAlive(value: unknown): number {
  if (value === undefined || value === null) return DEFAULT_KEEP_ALIVE_MS;
  if (typeof value === 'number') return value * 1000;
  if (typeof value === 'string') {
    if (/^-?\d+(\.\d+)?$/.test(value)) return Number(value) * 1000;
    const unitMs: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
    const match = /^(-?)((?:\d+(?:\.\d+)?(?:ns|us|µs|ms|s|m|h))+)$/.exec(value);
    if (match?.[2]) {
      let ms = 0;
      for (const part of match[2].matchAll(/(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/g)) ms += Number(part[1]) * (unitMs[part[2] ?? 's'] ?? 0);
      return match[1] ? -ms : ms;
    }
  }
  throw new HttpError(400, `time: invalid duration ${JSON.stringify(value)}`);
}

function metrics(startedNs: bigint, promptCount: number, evalCount: number, tokensPerSecond: number, cold: boolean): Record<string, number> {
  const loadNs = cold ? COLD_LOAD_NS : WARM_LOAD_NS;
  const promptNs = Math.round((promptCount * 1e9) / (tokensPerSecond * PROMPT_SPEEDUP));
  const evalNs = Math.round((evalCount * 1e9) / tokensPerSecond);
  const elapsedNs = Number(process.hrtime.bigint() - startedNs);
  return {
    total_duration: Math.max(elapsedNs, loadNs + promptNs + evalNs),
    load_duration: loadNs,
    prompt_eval_count: promptCount,
    prompt_eval_duration: promptNs,
    eval_count: evalCount,
    eval_duration: evalNs,
  };
}

/** Stand-in for the token ids /api/generate returns as `context` (deprecated in Ollama, still sent). */
function syntheticContext(length: number): number[] {
  return Array.from({ length }, (_, i) => 1000 + i);
}

function ndjson(value: unknown): string {
  return `${JSON.stringify(value)}\n`;
}

/** Small seeded PRNG (mulberry32): the same seed gives the same busy answers. */
function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
