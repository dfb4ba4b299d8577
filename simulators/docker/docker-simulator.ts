/**
 * A Docker engine in a box, for tests: it answers the part of the Engine API
 * WHOOSH's Docker adapter uses through the real `dockerode` (ping, version,
 * info, image inspect and pull, containers, and swarm services), on versioned
 * (`/v1.47/...`) and unversioned paths, and keeps its containers, services and
 * images in memory. It can be a plain engine, a swarm manager or a swarm
 * worker, and can be told to fail: one create out of many, the next few
 * requests, a pull mid-stream, a daemon that dies and comes back on its port.
 * Only node:http (through the simulators' shared sim-http), so nothing has to
 * be installed to run it.
 *
 * Status codes and error texts follow the Docker daemon (moby's API server and
 * swarmkit's control API), so code written against the simulator sees what it
 * would see in production. Containers do not run anything: starting one only
 * marks it running.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { HttpError, readBody, HttpSimulator, SimHttpServer, sleep, writeJson, type SimRequestRecord } from '../sim-http';
import {
  containerLogs,
  containerOr404,
  createContainer,
  findContainer,
  inspectContainer,
  listContainers,
  newContainer,
  removeContainer,
  setContainerState,
  simContainer,
  startContainer,
  waitContainer,
} from './docker-containers';
import { inspectImage, normalizeImage, pullImage } from './docker-images';
import { parseJsonObject } from './docker-params';
import { createService, listServices, requireManager, serviceJson, serviceOr404, simService } from './docker-services';
import { EngineState, type Answer, type SimContainer, type SimContainerState, type SimProgramResult, type SimService, type SwarmState } from './docker-state';
import { checkApiVersion, infoJson, SIM_API_VERSION, SIM_ENGINE_VERSION, versionJson } from './docker-system';

export type { SimRequestRecord } from '../sim-http';
export type { SimContainer, SimContainerState, SimProgramResult, SimService, SwarmState } from './docker-state';
export { SIM_API_VERSION, SIM_ENGINE_VERSION } from './docker-system';

export interface DockerSimulatorOptions {
  /** 0 = any free port (default). Fixed for the simulator's life: restart() reuses it. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Whether this engine is a swarm manager (true), a swarm worker ('worker') or no swarm member (false, the default). */
  swarm?: SwarmState;
  /** Images already pulled, e.g. ['alpine:3.20', 'ghcr.io/acme/agent']; a reference without a tag means `:latest`. */
  images?: string[];
}

export class DockerSimulator extends HttpSimulator {
  /** Every request answered (or cut), oldest first. */
  readonly requests: SimRequestRecord[] = [];
  /** The address it listens on (127.0.0.1 unless told otherwise): the `host` to hand dockerode. */
  readonly host: string;
  private readonly engine: EngineState;
  private readonly failures: { status: number; message: string }[] = [];
  private latencyMs = 0;
  protected readonly server: SimHttpServer;
  /** One per request being answered; aborted when its client goes away or the simulator dies. */
  private readonly active = new Set<AbortController>();

  private constructor(options: DockerSimulatorOptions) {
    super();
    this.host = options.host ?? '127.0.0.1';
    this.engine = new EngineState(this.host, options.swarm ?? false, options.images ?? []);
    this.server = new SimHttpServer(this.host, (req, res) => this.handle(req, res));
  }

  static async start(opts: DockerSimulatorOptions = {}): Promise<DockerSimulator> {
    return new DockerSimulator(opts).listenOn(opts.port);
  }

  // ---- test helpers: state ---------------------------------------------------

  /** Joins (true), leaves (false) a swarm as its manager, or becomes a worker of one ('worker'). Services survive a leave, unseen. */
  swarm(state: SwarmState): void {
    this.engine.swarm = state;
  }

  containers(): SimContainer[] {
    return [...this.engine.containers.values()].map(simContainer);
  }

  services(): SimService[] {
    return [...this.engine.services.values()].map(simService);
  }

  /** The images pulled, normalised (`alpine` → `alpine:latest`). */
  images(): string[] {
    return [...this.engine.pulled];
  }

  /** Puts a container there behind the client's back, as another client (or a person at `docker run`) would. */
  addContainer(spec: { name: string; image: string; labels?: Record<string, string>; env?: string[]; state?: SimContainerState }): SimContainer {
    const name = spec.name.replace(/^\//, '');
    if (findContainer(this.engine, name)) throw new Error(`addContainer: the name ${name} is taken`);
    const rec = newContainer(this.engine, name, spec.image, undefined, spec.env ?? [], spec.labels ?? {}, {});
    if (spec.state && spec.state !== 'created') setContainerState(rec, spec.state);
    return simContainer(rec);
  }

  /** What started containers do from now on (undefined: they run until stopped, as agents do). */
  onRun(program: ((c: SimContainer) => SimProgramResult | undefined) | undefined): void {
    this.engine.program = program;
  }

  /** Changes a container's state behind the client's back, e.g. 'exited' for an agent that crashed. */
  setContainerState(idOrName: string, state: SimContainerState): void {
    const rec = findContainer(this.engine, idOrName);
    if (!rec) throw new Error(`setContainerState: no container ${idOrName}`);
    setContainerState(rec, state);
  }

  // ---- test helpers: behaviour -----------------------------------------------

  /**
   * The (n+1)th create from now (container or service, counted together) answers
   * `status` (default 500); the ones before and after it succeed. With n = 2, the
   * third of four deployments fails.
   */
  failCreateAfter(n: number, status = 500, message = 'simulated failure: the daemon could not create it'): void {
    if (!(Number.isInteger(n) && n >= 0)) throw new RangeError(`failCreateAfter: n must be a whole number >= 0, got ${n}`);
    this.engine.createFault = { remaining: n, status, message };
  }

  /** The next `n` requests, whatever they ask, answer `status` with Docker's error body. */
  failNext(n: number, status: number, message = `simulated failure (HTTP ${status})`): void {
    for (let i = 0; i < n; i++) this.failures.push({ status, message });
  }

  /** Delay before every answer from now on. */
  latency(ms: number): void {
    if (!(ms >= 0)) throw new RangeError(`latency must be >= 0, got ${ms}`);
    this.latencyMs = ms;
  }

  /** Runs `action` once, just before the next create (container or service) is looked at: the place to stage a race. */
  beforeNextCreate(action: () => void): void {
    this.engine.createHooks.push(action);
  }

  /** Pulls of `image` stream some progress, then an error line, still under HTTP 200 (as a registry failing mid-pull does). */
  refusePull(image: string, message = 'simulated failure: registry connection reset'): void {
    this.engine.refusedPulls.set(normalizeImage(image), message);
  }

  // ---- lifecycle ---------------------------------------------------------------

  /** Dies like a crashed daemon: every open connection is cut and the port closes. State is kept for restart(). */
  async kill(): Promise<void> {
    if (!this.server.listening) return;
    for (const ac of this.active) ac.abort();
    await this.server.kill();
  }

  /** Comes back on the same port with its containers, services and images, as a restarted daemon does; pending faults are gone. */
  async restart(): Promise<void> {
    if (this.server.listening) await this.stop();
    this.failures.length = 0;
    this.engine.createFault = undefined;
    this.engine.createHooks.length = 0;
    await this.server.listen();
  }

  /** Stops listening, lets the answers in progress finish, then closes. */
  async stop(): Promise<void> {
    await this.server.stop();
  }

  // ---- HTTP --------------------------------------------------------------------

  /** Never rejects: every failure becomes an answer or a cut connection. */
  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = req.method ?? 'GET';
    const target = req.url ?? '/';
    const ac = new AbortController();
    this.active.add(ac);
    res.on('close', () => ac.abort());
    let status = 500;
    try {
      const body = await readBody(req);
      await sleep(this.latencyMs, ac.signal);
      const failure = this.failures.shift();
      const answer: Answer =
        failure !== undefined ? { status: failure.status, body: { message: failure.message } } : this.route(method, target, body);
      status = answer.status;
      if (answer.stream) {
        res.writeHead(answer.status, headers(answer.contentType ?? 'application/json'));
        await answer.stream(res);
        res.end();
      } else if (typeof answer.body === 'string') {
        res.writeHead(answer.status, headers('text/plain; charset=utf-8')).end(answer.body);
      } else {
        writeJson(res, answer.status, answer.body, headers(), 'application/json');
      }
    } catch (err) {
      if (ac.signal.aborted || res.headersSent) {
        res.destroy();
        return;
      }
      status = err instanceof HttpError ? err.status : 500;
      writeJson(res, status, { message: err instanceof Error ? err.message : String(err) }, headers(), 'application/json');
    } finally {
      this.active.delete(ac);
      this.requests.push({ method, path: target, status });
    }
  }

  private route(method: string, target: string, raw: string): Answer {
    const { engine } = this;
    const url = new URL(target, 'http://docker');
    const versioned = /^\/v(\d+\.\d+)(\/.*)$/.exec(url.pathname);
    if (versioned?.[1]) checkApiVersion(versioned[1]);
    const path = versioned?.[2] ?? url.pathname;
    const q = url.searchParams;
    const verb = method === 'HEAD' ? 'GET' : method;
    let m: RegExpExecArray | null;

    if (verb === 'GET' && path === '/_ping') return { status: 200, body: 'OK' };
    if (verb === 'GET' && path === '/version') return { status: 200, body: versionJson() };
    if (verb === 'GET' && path === '/info') return { status: 200, body: infoJson(engine) };

    if (verb === 'POST' && path === '/images/create') return pullImage(engine, q);
    if (verb === 'GET' && (m = /^\/images\/(.+)\/json$/.exec(path))) return inspectImage(engine, decodeURIComponent(m[1] ?? ''));

    if (verb === 'POST' && path === '/containers/create') return createContainer(engine, q, parseJsonObject(raw));
    if (verb === 'GET' && path === '/containers/json') return listContainers(engine, q);
    if ((m = /^\/containers\/([^/]+)(\/start|\/json|\/wait|\/logs)?$/.exec(path))) {
      const rec = containerOr404(engine, decodeURIComponent(m[1] ?? ''));
      if (verb === 'POST' && m[2] === '/start') return startContainer(engine, rec);
      if (verb === 'POST' && m[2] === '/wait') return waitContainer(engine, rec);
      if (verb === 'GET' && m[2] === '/logs') return containerLogs(rec, q);
      if (verb === 'GET' && m[2] === '/json') return inspectContainer(engine, rec);
      if (verb === 'DELETE' && m[2] === undefined) return removeContainer(engine, rec, q);
    }

    if (path === '/services' || path === '/services/create' || path.startsWith('/services/')) {
      requireManager(engine);
      if (verb === 'POST' && path === '/services/create') return createService(engine, parseJsonObject(raw));
      if (verb === 'GET' && path === '/services') return listServices(engine, q);
      if ((m = /^\/services\/([^/]+)$/.exec(path))) {
        const rec = serviceOr404(engine, decodeURIComponent(m[1] ?? ''));
        if (verb === 'GET') return { status: 200, body: serviceJson(rec) };
        if (verb === 'DELETE') {
          engine.services.delete(rec.id);
          return { status: 200 };
        }
      }
    }
    // moby's answer for a route it does not have.
    throw new HttpError(404, 'page not found');
  }
}

/** The headers every daemon answer carries. */
function headers(contentType?: string): Record<string, string> {
  return {
    ...(contentType ? { 'Content-Type': contentType } : {}),
    'Api-Version': SIM_API_VERSION,
    'Docker-Experimental': 'false',
    Ostype: 'linux',
    Server: `Docker/${SIM_ENGINE_VERSION} (linux)`,
  };
}
