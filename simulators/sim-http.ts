/**
 * The HTTP plumbing the simulators share, so that each of them is only its
 * product's API. `SimHttpServer` listens on a port and keeps it across
 * restarts, and tracks its connections and the requests in progress so that it
 * can stop gently (answers in progress finish) or die like a crashed process
 * (connections cut mid-answer). `ScriptedApi` is the request loop of the forge
 * simulators: a delay before every answer, failures ordered up in advance, one
 * record per request, and errors turned into the API's error answers. Only
 * node:http, so nothing has to be installed.
 */
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** Serves one request. Must not reject: every failure becomes an answer or a cut connection. */
export type RequestHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

/** Thrown while answering a request: it becomes an error answer with this status. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    /** Fields the API adds to the error body besides the message. */
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

export class SimHttpServer {
  private server: http.Server | undefined;
  private listeningPort = 0;
  private readonly sockets = new Set<Socket>();
  private readonly handlers = new Set<Promise<void>>();

  constructor(
    private readonly host: string,
    private readonly handle: RequestHandler,
  ) {}

  get port(): number {
    return this.listeningPort;
  }

  get url(): string {
    const { host } = this;
    return `http://${host.includes(':') ? `[${host}]` : host}:${this.listeningPort}`;
  }

  get listening(): boolean {
    return this.server !== undefined;
  }

  /** Listens on `port` (0: any free one); by default on the port it had, as a process coming back would. */
  async listen(port = this.listeningPort): Promise<void> {
    const server = http.createServer((req, res) => {
      const handled = this.handle(req, res);
      this.handlers.add(handled);
      void handled.finally(() => this.handlers.delete(handled));
    });
    server.on('connection', (socket: Socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, this.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.listeningPort = (server.address() as AddressInfo).port;
    this.server = server;
  }

  /** Stops listening, lets the answers in progress finish, then closes the idle connections. */
  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    const closed = closeServer(server);
    await Promise.allSettled([...this.handlers]);
    server.closeAllConnections();
    await closed;
  }

  /** Dies like a crashed process: every open connection is cut mid-answer and the port closes. */
  async kill(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
    await Promise.allSettled([...this.handlers]);
    await closeServer(server);
  }
}

/** What every simulator is: a product's API on an HTTP server of its own. */
export abstract class HttpSimulator {
  protected abstract readonly server: SimHttpServer;

  get port(): number {
    return this.server.port;
  }

  /** Where its API answers. */
  get url(): string {
    return this.server.url;
  }

  /** Listens on `port` (undefined or 0: any free one) and gives the simulator back: the end of each `start()`. */
  protected async listenOn(port: number | undefined): Promise<this> {
    await this.server.listen(port ?? 0);
    return this;
  }
}

/** One API request a simulator answered. */
export interface SimRequestRecord {
  readonly method: string;
  /** Path and query, as requested. */
  readonly path: string;
  readonly status: number;
  /** The login the token belongs to, if it was a valid one. */
  readonly user?: string;
}

export interface ApiAnswer {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
  /** Runs once the answer is written: the webhooks the change fires. */
  after?: () => void;
}

export const ok = (body: unknown): ApiAnswer => ({ status: 200, body });

/** What a ScriptedApi leaves to the simulator: its API's routes, wording and headers. */
export interface ApiDialect<F> {
  /** The answer to a request that needs no token, or undefined. */
  open?(method: string, url: URL): ApiAnswer | undefined;
  /** The login behind the request's token; throws an HttpError (401) without a valid one. */
  authenticate(req: IncomingMessage, url: URL): string;
  /** `accept`: the request's Accept header (GitHub answers media types by it). */
  route(method: string, url: URL, body: string, user: string, accept?: string): ApiAnswer;
  /** The answer to a failure ordered up with failNext. */
  failure(failure: { status: number } & F): ApiAnswer;
  /** The body of the answer to a thrown error. */
  errorBody(status: number, message: string, err: unknown): unknown;
  send(res: ServerResponse, status: number, body: unknown, headers?: Record<string, string>): void;
}

/**
 * A token-authenticated JSON API served request by request, with the knobs
 * tests turn: latency, failures ordered up, and the record of every request.
 * `F` is what a failure may say besides its status.
 */
export class ScriptedApi<F extends object> {
  /** Every request answered, oldest first. */
  readonly requests: SimRequestRecord[] = [];
  private readonly failures: ({ status: number } & F)[] = [];
  private latencyMs = 0;
  private outage: { until: number; failure: { status: number } & F } | undefined;
  private lostAnswers: { until: number; failure: { status: number } & F } | undefined;

  constructor(private readonly dialect: ApiDialect<F>) {}

  /** The next `n` requests answer `status`, whatever they ask. */
  failNext(n: number, status: number, opts: F): void {
    for (let i = 0; i < n; i++) this.failures.push({ status, ...opts });
  }

  /** Every request answered in the next `ms` answers `status`, whatever it asks (after those ordered up with failNext). */
  failFor(ms: number, status: number, opts: F): void {
    if (!(ms >= 0)) throw new RangeError(`failFor: ms must be >= 0, got ${ms}`);
    this.outage = { until: Date.now() + ms, failure: { status, ...opts } };
  }

  /**
   * For the next `ms`, every write (any method but GET) is carried out but answered `status`: a proxy
   * in front of the forge timing out (502/504) after the forge acted, so the caller cannot tell that it did.
   */
  loseAnswersFor(ms: number, status: number, opts: F): void {
    if (!(ms >= 0)) throw new RangeError(`loseAnswersFor: ms must be >= 0, got ${ms}`);
    this.lostAnswers = { until: Date.now() + ms, failure: { status, ...opts } };
  }

  /** Delay before every answer from now on. */
  latency(ms: number): void {
    if (!(ms >= 0)) throw new RangeError(`latency must be >= 0, got ${ms}`);
    this.latencyMs = ms;
  }

  /** Never rejects: every failure becomes an answer. `baseUrl` resolves the request's path. */
  async handle(req: IncomingMessage, res: ServerResponse, baseUrl: string): Promise<void> {
    const { dialect } = this;
    const method = req.method ?? 'GET';
    const rawPath = req.url ?? '/';
    let user: string | undefined;
    let status = 500;
    try {
      const body = await readBody(req);
      if (this.latencyMs > 0) await sleep(this.latencyMs);
      let answer: ApiAnswer;
      const failure = this.failures.shift() ?? (this.outage && Date.now() < this.outage.until ? this.outage.failure : undefined);
      if (failure) {
        answer = dialect.failure(failure);
      } else {
        const url = new URL(rawPath, baseUrl);
        const open = dialect.open?.(method, url);
        if (open) {
          answer = open;
        } else {
          user = dialect.authenticate(req, url);
          answer = dialect.route(method, url, body, user, req.headers.accept);
        }
      }
      const acted = answer;
      if (!failure && method !== 'GET' && this.lostAnswers && Date.now() < this.lostAnswers.until) answer = dialect.failure(this.lostAnswers.failure);
      status = answer.status;
      dialect.send(res, answer.status, answer.body, answer.headers);
      acted.after?.();
    } catch (err) {
      status = err instanceof HttpError ? err.status : 500;
      const message = err instanceof Error ? err.message : String(err);
      if (!res.headersSent) dialect.send(res, status, dialect.errorBody(status, message, err));
      else res.destroy();
    } finally {
      this.requests.push({ method, path: rawPath, status, ...(user ? { user } : {}) });
    }
  }
}

/** Writes a JSON answer; a 204, or no body, is sent without one. */
export function writeJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
  contentType = 'application/json; charset=utf-8',
): void {
  if (status === 204 || body === undefined) {
    res.writeHead(status, headers).end();
    return;
  }
  res.writeHead(status, { 'Content-Type': contentType, ...headers }).end(JSON.stringify(body));
}

export async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** Waits `ms`; rejects at once when `signal` aborts (the client went away, or the simulator died). */
export async function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  signal?.throwIfAborted();
  if (ms <= 0) return;
  await new Promise<void>((resolve, reject) => {
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(new Error('request aborted'));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** A whole-number query parameter, or undefined when it is missing or not one. */
export function intParam(value: string | null): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  const n = Number(value);
  return Number.isInteger(n) ? n : undefined;
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

async function closeServer(server: http.Server): Promise<void> {
  await new Promise<void>((resolve) => server.close(() => resolve()));
}
