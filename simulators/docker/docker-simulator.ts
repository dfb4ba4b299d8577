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
import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { HttpError, isObject, readBody, HttpSimulator, SimHttpServer, sleep, writeJson, type SimRequestRecord } from '../sim-http';

export type { SimRequestRecord } from '../sim-http';

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

export type SwarmState = boolean | 'worker';

export type SimContainerState = 'created' | 'running' | 'exited';

export interface SimContainer {
  readonly id: string;
  readonly name: string;
  readonly image: string;
  readonly cmd: string[] | undefined;
  /** As Docker keeps it: `KEY=value` strings, in the order sent. */
  readonly env: string[];
  readonly labels: Record<string, string>;
  /** HostConfig's resource limits, as sent (absent = unlimited). */
  readonly limits: { NanoCpus?: number; Memory?: number; PidsLimit?: number };
  readonly networkMode: string | undefined;
  readonly restartPolicy: string | undefined;
  readonly state: SimContainerState;
  readonly createdAt: string;
}

export interface SimService {
  readonly id: string;
  readonly name: string;
  readonly image: string;
  /** ContainerSpec.Command (replaces the image's entrypoint) and Args (its CMD). */
  readonly command: string[] | undefined;
  readonly args: string[] | undefined;
  readonly env: string[];
  /** The service's labels. */
  readonly labels: Record<string, string>;
  /** The labels of the containers its tasks run (ContainerSpec.Labels). */
  readonly containerLabels: Record<string, string>;
  /** TaskTemplate.Resources.Limits, as sent. */
  readonly limits: { NanoCPUs?: number; MemoryBytes?: number; Pids?: number };
  /** Network targets, from TaskTemplate.Networks (and the deprecated service-level Networks). */
  readonly networks: string[];
  readonly replicas: number | undefined;
  readonly restartCondition: string | undefined;
  readonly createdAt: string;
}

/** What the simulator reports as its engine. */
export const SIM_ENGINE_VERSION = '27.3.1';
export const SIM_API_VERSION = '1.47';
const MIN_API_VERSION = '1.24';
/** Docker refuses smaller memory limits (daemon/daemon_unix.go linuxMinMemory). */
const MIN_MEMORY_BYTES = 6 * 1024 * 1024;

const NOT_SWARM_MANAGER =
  'This node is not a swarm manager. Use "docker swarm init" or "docker swarm join" to connect this node to swarm and try again.';
const SWARM_WORKER =
  "This node is not a swarm manager. Worker nodes can't be used to view or modify cluster state. Please run this command on a manager node or promote the current node to a manager.";
/** swarmkit's rule for service names (manager/controlapi/common.go). */
const SERVICE_NAME = /^[a-zA-Z0-9](?:[-_]*[A-Za-z0-9]+)*$/;
/** moby's rule for container names (daemon/names). */
const CONTAINER_NAME = /^\/?[a-zA-Z0-9][a-zA-Z0-9_.-]+$/;

interface ContainerRec {
  id: string;
  name: string;
  image: string;
  cmd: string[] | undefined;
  env: string[];
  labels: Record<string, string>;
  hostConfig: Record<string, unknown>;
  state: SimContainerState;
  createdAt: string;
  startedAt: string | undefined;
  exitCode?: number;
  /** What the container printed (set by the program when it exits). */
  output?: { stdout: string; stderr: string };
}

/** What a started container does in the simulator: exit after `runMs` with this code and output. */
export interface SimProgramResult {
  exitCode: number;
  stdout?: string;
  stderr?: string;
  runMs?: number;
}

interface ServiceRec {
  id: string;
  spec: Record<string, unknown>;
  createdAt: string;
  version: number;
}

interface CreateFault {
  /** Creates still to succeed before the failing one. */
  remaining: number;
  status: number;
  message: string;
}

interface Answer {
  status: number;
  body?: unknown;
  /** Sends a stream instead of `body` (image pulls, waits, logs). */
  stream?: (res: ServerResponse) => Promise<void>;
  /** Of the stream; default application/json. */
  contentType?: string;
}

export class DockerSimulator extends HttpSimulator {
  /** Every request answered (or cut), oldest first. */
  readonly requests: SimRequestRecord[] = [];
  /** The address it listens on (127.0.0.1 unless told otherwise): the `host` to hand dockerode. */
  readonly host: string;
  private swarmState: SwarmState;
  private readonly pulled = new Set<string>();
  private readonly refusedPulls = new Map<string, string>();
  private readonly containerRecs = new Map<string, ContainerRec>();
  private readonly serviceRecs = new Map<string, ServiceRec>();
  private readonly failures: { status: number; message: string }[] = [];  private createFault: CreateFault | undefined;
  private readonly createHooks: (() => void)[] = [];
  private latencyMs = 0;
  private sequence = 0;
  private program: ((c: SimContainer) => SimProgramResult | undefined) | undefined;
  protected readonly server: SimHttpServer;
  /** One per request being answered; aborted when its client goes away or the simulator dies. */
  private readonly active = new Set<AbortController>();

  private constructor(options: DockerSimulatorOptions) {
    super();
    this.host = options.host ?? '127.0.0.1';
    this.swarmState = options.swarm ?? false;
    for (const image of options.images ?? []) this.pulled.add(normalizeImage(image));
    this.server = new SimHttpServer(this.host, (req, res) => this.handle(req, res));
  }

  static async start(opts: DockerSimulatorOptions = {}): Promise<DockerSimulator> {
    return new DockerSimulator(opts).listenOn(opts.port);
  }

  // ---- test helpers: state ---------------------------------------------------

  /** Joins (true), leaves (false) a swarm as its manager, or becomes a worker of one ('worker'). Services survive a leave, unseen. */
  swarm(state: SwarmState): void {
    this.swarmState = state;
  }

  containers(): SimContainer[] {
    return [...this.containerRecs.values()].map(simContainer);
  }

  services(): SimService[] {
    return [...this.serviceRecs.values()].map(simService);
  }

  /** The images pulled, normalised (`alpine` → `alpine:latest`). */
  images(): string[] {
    return [...this.pulled];
  }

  /** Puts a container there behind the client's back, as another client (or a person at `docker run`) would. */
  addContainer(spec: { name: string; image: string; labels?: Record<string, string>; env?: string[]; state?: SimContainerState }): SimContainer {
    const name = spec.name.replace(/^\//, '');
    if (this.findContainer(name)) throw new Error(`addContainer: the name ${name} is taken`);
    const rec = this.newContainer(name, spec.image, undefined, spec.env ?? [], spec.labels ?? {}, {});
    if (spec.state && spec.state !== 'created') this.setState(rec, spec.state);
    return simContainer(rec);
  }

  /** What started containers do from now on (undefined: they run until stopped, as agents do). */
  onRun(program: ((c: SimContainer) => SimProgramResult | undefined) | undefined): void {
    this.program = program;
  }

  /** Changes a container's state behind the client's back, e.g. 'exited' for an agent that crashed. */
  setContainerState(idOrName: string, state: SimContainerState): void {
    const rec = this.findContainer(idOrName);
    if (!rec) throw new Error(`setContainerState: no container ${idOrName}`);
    this.setState(rec, state);
  }

  // ---- test helpers: behaviour -----------------------------------------------

  /**
   * The (n+1)th create from now (container or service, counted together) answers
   * `status` (default 500); the ones before and after it succeed. With n = 2, the
   * third of four deployments fails.
   */
  failCreateAfter(n: number, status = 500, message = 'simulated failure: the daemon could not create it'): void {
    if (!(Number.isInteger(n) && n >= 0)) throw new RangeError(`failCreateAfter: n must be a whole number >= 0, got ${n}`);
    this.createFault = { remaining: n, status, message };
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
    this.createHooks.push(action);
  }

  /** Pulls of `image` stream some progress, then an error line, still under HTTP 200 (as a registry failing mid-pull does). */
  refusePull(image: string, message = 'simulated failure: registry connection reset'): void {
    this.refusedPulls.set(normalizeImage(image), message);
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
    this.createFault = undefined;
    this.createHooks.length = 0;
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
        res.writeHead(answer.status, this.headers(answer.contentType ?? 'application/json'));
        await answer.stream(res);
        res.end();
      } else if (typeof answer.body === 'string') {
        res.writeHead(answer.status, this.headers('text/plain; charset=utf-8')).end(answer.body);
      } else {
        writeJson(res, answer.status, answer.body, this.headers(), 'application/json');
      }
    } catch (err) {
      if (ac.signal.aborted || res.headersSent) {
        res.destroy();
        return;
      }
      status = err instanceof HttpError ? err.status : 500;
      writeJson(res, status, { message: err instanceof Error ? err.message : String(err) }, this.headers(), 'application/json');
    } finally {
      this.active.delete(ac);
      this.requests.push({ method, path: target, status });
    }
  }

  private headers(contentType?: string): Record<string, string> {
    return {
      ...(contentType ? { 'Content-Type': contentType } : {}),
      'Api-Version': SIM_API_VERSION,
      'Docker-Experimental': 'false',
      Ostype: 'linux',
      Server: `Docker/${SIM_ENGINE_VERSION} (linux)`,
    };
  }

  private route(method: string, target: string, raw: string): Answer {
    const url = new URL(target, 'http://docker');
    const versioned = /^\/v(\d+\.\d+)(\/.*)$/.exec(url.pathname);
    if (versioned?.[1]) checkApiVersion(versioned[1]);
    const path = versioned?.[2] ?? url.pathname;
    const q = url.searchParams;
    const verb = method === 'HEAD' ? 'GET' : method;
    let m: RegExpExecArray | null;

    if (verb === 'GET' && path === '/_ping') return { status: 200, body: 'OK' };
    if (verb === 'GET' && path === '/version') return { status: 200, body: this.versionJson() };
    if (verb === 'GET' && path === '/info') return { status: 200, body: this.infoJson() };

    if (verb === 'POST' && path === '/images/create') return this.pull(q);
    if (verb === 'GET' && (m = /^\/images\/(.+)\/json$/.exec(path))) return this.inspectImage(decodeURIComponent(m[1] ?? ''));

    if (verb === 'POST' && path === '/containers/create') return this.createContainer(q, parseJsonObject(raw));
    if (verb === 'GET' && path === '/containers/json') return this.listContainers(q);
    if ((m = /^\/containers\/([^/]+)(\/start|\/json|\/wait|\/logs)?$/.exec(path))) {
      const rec = this.containerOr404(decodeURIComponent(m[1] ?? ''));
      if (verb === 'POST' && m[2] === '/start') return this.startContainer(rec);
      if (verb === 'POST' && m[2] === '/wait') return this.waitContainer(rec);
      if (verb === 'GET' && m[2] === '/logs') return this.containerLogs(rec, q);
      if (verb === 'GET' && m[2] === '/json') return { status: 200, body: this.containerJson(rec) };
      if (verb === 'DELETE' && m[2] === undefined) return this.removeContainer(rec, q);
    }

    if (path === '/services' || path === '/services/create' || path.startsWith('/services/')) {
      this.requireManager();
      if (verb === 'POST' && path === '/services/create') return this.createService(parseJsonObject(raw));
      if (verb === 'GET' && path === '/services') return this.listServices(q);
      if ((m = /^\/services\/([^/]+)$/.exec(path))) {
        const rec = this.serviceOr404(decodeURIComponent(m[1] ?? ''));
        if (verb === 'GET') return { status: 200, body: serviceJson(rec) };
        if (verb === 'DELETE') {
          this.serviceRecs.delete(rec.id);
          return { status: 200 };
        }
      }
    }
    // moby's answer for a route it does not have.
    throw new HttpError(404, 'page not found');
  }

  // ---- images --------------------------------------------------------------------

  private pull(q: URLSearchParams): Answer {
    const from = q.get('fromImage');
    if (!from) throw new HttpError(400, 'fromImage is required');
    const tag = q.get('tag') ?? '';
    const ref = normalizeImage(tag === '' ? from : tag.startsWith('sha256:') ? `${from}@${tag}` : `${from}:${tag}`);
    const shownTag = tag || 'latest';
    const layer = createHash('sha256').update(ref).digest('hex').slice(0, 12);
    const refused = this.refusedPulls.get(ref);
    return {
      status: 200,
      stream: async (res) => {
        const line = (value: unknown): void => {
          if (!res.destroyed) res.write(`${JSON.stringify(value)}\r\n`);
        };
        line({ status: `Pulling from ${repositoryOf(ref)}`, id: shownTag });
        line({ status: 'Pulling fs layer', progressDetail: {}, id: layer });
        line({ status: 'Downloading', progressDetail: { current: 1024, total: 4096 }, progress: '[============>                                      ]  1.024kB/4.096kB', id: layer });
        await new Promise((resolve) => setImmediate(resolve));
        if (refused !== undefined) {
          line({ errorDetail: { message: refused }, error: refused });
          return;
        }
        line({ status: 'Download complete', progressDetail: {}, id: layer });
        line({ status: 'Pull complete', progressDetail: {}, id: layer });
        line({ status: `Digest: sha256:${createHash('sha256').update(`digest:${ref}`).digest('hex')}` });
        line({ status: `Status: Downloaded newer image for ${ref}` });
        this.pulled.add(ref);
      },
    };
  }

  private inspectImage(name: string): Answer {
    const ref = normalizeImage(name);
    if (!this.pulled.has(ref)) throw new HttpError(404, `No such image: ${name}`);
    return {
      status: 200,
      body: { Id: imageId(ref), RepoTags: [ref], RepoDigests: [], Created: '2025-01-01T00:00:00Z', Size: 4096, Os: 'linux', Architecture: 'amd64', Config: {} },
    };
  }

  // ---- containers ------------------------------------------------------------------

  private createContainer(q: URLSearchParams, body: Record<string, unknown>): Answer {
    const requested = q.get('name');
    if (requested !== null && requested !== '' && !CONTAINER_NAME.test(requested)) {
      throw new HttpError(400, `Invalid container name (${requested}), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed`);
    }
    this.beforeCreate();
    const image = body.Image;
    if (typeof image !== 'string' || image === '') throw new HttpError(400, 'Config cannot be empty in order to create a container');
    const hostConfig = isObject(body.HostConfig) ? body.HostConfig : {};
    if (typeof hostConfig.Memory === 'number' && hostConfig.Memory > 0 && hostConfig.Memory < MIN_MEMORY_BYTES) {
      throw new HttpError(400, 'Minimum memory limit allowed is 6MB');
    }
    const name = requested ? requested.replace(/^\//, '') : `sim_container_${this.sequence + 1}`;
    const taken = this.containerByName(name);
    if (taken) {
      throw new HttpError(
        409,
        `Conflict. The container name "/${name}" is already in use by container "${taken.id}". You have to remove (or rename) that container to be able to reuse that name.`,
      );
    }
    if (!this.pulled.has(normalizeImage(image))) throw new HttpError(404, `No such image: ${image}`);
    const rec = this.newContainer(name, image, stringList(body.Cmd), stringList(body.Env) ?? [], stringRecord(body.Labels), hostConfig);
    return { status: 201, body: { Id: rec.id, Warnings: [] } };
  }

  private startContainer(rec: ContainerRec): Answer {
    if (rec.state === 'running') return { status: 304 };
    this.setState(rec, 'running');
    const result = this.program?.(simContainer(rec));
    if (result) {
      const t = setTimeout(() => {
        if (!this.containerRecs.has(rec.id) || rec.state !== 'running') return;
        rec.exitCode = result.exitCode;
        rec.output = { stdout: result.stdout ?? '', stderr: result.stderr ?? '' };
        this.setState(rec, 'exited');
      }, result.runMs ?? 0);
      t.unref();
    }
    return { status: 204 };
  }

  /** POST /containers/{id}/wait: answers when the container has exited (or is removed: 137, as a kill). */
  private waitContainer(rec: ContainerRec): Answer {
    return {
      status: 200,
      stream: async (res) => {
        while (rec.state !== 'exited' && this.containerRecs.has(rec.id) && !res.destroyed) await new Promise((r) => setTimeout(r, 20));
        res.write(JSON.stringify({ StatusCode: this.containerRecs.has(rec.id) ? (rec.exitCode ?? 0) : 137, Error: null }));
      },
    };
  }

  /** GET /containers/{id}/logs: Docker's multiplexed stream (8-byte frame headers: 1 stdout, 2 stderr). */
  private containerLogs(rec: ContainerRec, q: URLSearchParams): Answer {
    const want = (k: string) => ['1', 'true'].includes(q.get(k) ?? '');
    const frames: Buffer[] = [];
    const frame = (type: number, text: string) => {
      if (!text) return;
      const data = Buffer.from(text);
      const header = Buffer.alloc(8);
      header.writeUInt8(type, 0);
      header.writeUInt32BE(data.length, 4);
      frames.push(header, data);
    };
    if (want('stdout')) frame(1, rec.output?.stdout ?? '');
    if (want('stderr')) frame(2, rec.output?.stderr ?? '');
    return { status: 200, contentType: 'application/vnd.docker.multiplexed-stream', stream: async (res) => void res.write(Buffer.concat(frames)) };
  }

  private removeContainer(rec: ContainerRec, q: URLSearchParams): Answer {
    const force = ['1', 'true'].includes(q.get('force') ?? '');
    if (rec.state === 'running' && !force) {
      throw new HttpError(409, `cannot remove container "/${rec.name}": container is running: stop the container before removing or force remove`);
    }
    this.containerRecs.delete(rec.id);
    return { status: 204 };
  }

  private listContainers(q: URLSearchParams): Answer {
    const all = ['1', 'true'].includes(q.get('all') ?? '');
    const filters = parseFilters(q.get('filters'), ['label', 'name', 'id', 'status']);
    const matches = [...this.containerRecs.values()].filter(
      (rec) =>
        (all || rec.state === 'running' || filters.has('status')) &&
        matchLabels(rec.labels, filters.get('label')) &&
        matchAny(filters.get('name'), (n) => safeRegExp(n).test(`/${rec.name}`)) &&
        matchAny(filters.get('id'), (id) => rec.id.startsWith(id)) &&
        matchAny(filters.get('status'), (s) => s === rec.state),
    );
    return { status: 200, body: matches.reverse().map((rec) => this.containerSummary(rec)) };
  }

  private containerSummary(rec: ContainerRec): Record<string, unknown> {
    return {
      Id: rec.id,
      Names: [`/${rec.name}`],
      Image: rec.image,
      ImageID: imageId(normalizeImage(rec.image)),
      Command: (rec.cmd ?? []).join(' '),
      Created: Math.floor(Date.parse(rec.createdAt) / 1000),
      Ports: [],
      Labels: { ...rec.labels },
      State: rec.state,
      Status: rec.state === 'running' ? 'Up Less than a second' : rec.state === 'created' ? 'Created' : 'Exited (0) Less than a second ago',
      HostConfig: { NetworkMode: typeof rec.hostConfig.NetworkMode === 'string' ? rec.hostConfig.NetworkMode : 'bridge' },
      NetworkSettings: { Networks: {} },
      Mounts: [],
    };
  }

  private containerJson(rec: ContainerRec): Record<string, unknown> {
    const running = rec.state === 'running';
    return {
      Id: rec.id,
      Created: rec.createdAt,
      Path: rec.cmd?.[0] ?? '',
      Args: rec.cmd?.slice(1) ?? [],
      State: {
        Status: rec.state,
        Running: running,
        Paused: false,
        Restarting: false,
        OOMKilled: false,
        Dead: false,
        Pid: running ? 4000 + this.sequence : 0,
        ExitCode: rec.exitCode ?? 0,
        Error: '',
        StartedAt: rec.startedAt ?? '0001-01-01T00:00:00Z',
        FinishedAt: '0001-01-01T00:00:00Z',
      },
      Image: imageId(normalizeImage(rec.image)),
      Name: `/${rec.name}`,
      RestartCount: 0,
      HostConfig: { NetworkMode: 'bridge', ...rec.hostConfig },
      Config: { Hostname: rec.id.slice(0, 12), Image: rec.image, Env: [...rec.env], Cmd: rec.cmd ?? null, Labels: { ...rec.labels } },
      NetworkSettings: { Networks: {} },
      Mounts: [],
    };
  }

  private newContainer(
    name: string,
    image: string,
    cmd: string[] | undefined,
    env: string[],
    labels: Record<string, string>,
    hostConfig: Record<string, unknown>,
  ): ContainerRec {
    const seq = ++this.sequence;
    const rec: ContainerRec = {
      id: createHash('sha256').update(`container:${seq}:${name}`).digest('hex'),
      name,
      image,
      cmd,
      env,
      labels,
      hostConfig,
      state: 'created',
      createdAt: new Date().toISOString(),
      startedAt: undefined,
    };
    this.containerRecs.set(rec.id, rec);
    return rec;
  }

  private setState(rec: ContainerRec, state: SimContainerState): void {
    rec.state = state;
    if (state === 'running') rec.startedAt = new Date().toISOString();
  }

  private containerByName(name: string): ContainerRec | undefined {
    return [...this.containerRecs.values()].find((rec) => rec.name === name);
  }

  /** Docker resolves a full ID, then a name, then a unique ID prefix. */
  private findContainer(idOrName: string): ContainerRec | undefined {
    const key = idOrName.replace(/^\//, '');
    const byId = this.containerRecs.get(key) ?? this.containerByName(key);
    if (byId) return byId;
    const prefixed = [...this.containerRecs.values()].filter((rec) => rec.id.startsWith(key));
    return prefixed.length === 1 ? prefixed[0] : undefined;
  }

  private containerOr404(idOrName: string): ContainerRec {
    const rec = this.findContainer(idOrName);
    if (!rec) throw new HttpError(404, `No such container: ${idOrName}`);
    return rec;
  }

  // ---- services --------------------------------------------------------------------

  private requireManager(): void {
    if (this.swarmState === 'worker') throw new HttpError(503, SWARM_WORKER);
    if (!this.swarmState) throw new HttpError(503, NOT_SWARM_MANAGER);
  }

  private createService(spec: Record<string, unknown>): Answer {
    const name = spec.Name;
    if (typeof name !== 'string' || name === '') throw new HttpError(400, 'rpc error: code = InvalidArgument desc = meta: name must be provided');
    if (!SERVICE_NAME.test(name)) throw new HttpError(400, 'rpc error: code = InvalidArgument desc = name must be valid as a DNS name component');
    if (name.length > 63) throw new HttpError(400, 'rpc error: code = InvalidArgument desc = name must be 63 characters or fewer');
    this.beforeCreate();
    const containerSpec = isObject(spec.TaskTemplate) && isObject(spec.TaskTemplate.ContainerSpec) ? spec.TaskTemplate.ContainerSpec : {};
    if (typeof containerSpec.Image !== 'string' || containerSpec.Image === '') {
      throw new HttpError(400, 'rpc error: code = InvalidArgument desc = ContainerSpec: image reference must be provided');
    }
    if ([...this.serviceRecs.values()].some((rec) => rec.spec.Name === name)) {
      throw new HttpError(409, `rpc error: code = AlreadyExists desc = name conflicts with an existing object: service ${name} already exists`);
    }
    const seq = ++this.sequence;
    const id = createHash('sha256').update(`service:${seq}:${name}`).digest('hex').slice(0, 25);
    this.serviceRecs.set(id, { id, spec: structuredClone(spec), createdAt: new Date().toISOString(), version: seq });
    return { status: 201, body: { ID: id } };
  }

  private listServices(q: URLSearchParams): Answer {
    const filters = parseFilters(q.get('filters'), ['label', 'name', 'id', 'mode']);
    const matches = [...this.serviceRecs.values()].filter((rec) => {
      const svc = simService(rec);
      const mode = isObject(rec.spec.Mode) && 'Global' in rec.spec.Mode ? 'global' : 'replicated';
      return (
        matchLabels(svc.labels, filters.get('label')) &&
        matchAny(filters.get('name'), (n) => svc.name.startsWith(n)) &&
        matchAny(filters.get('id'), (id) => rec.id.startsWith(id)) &&
        matchAny(filters.get('mode'), (m) => m === mode)
      );
    });
    return { status: 200, body: matches.map(serviceJson) };
  }

  /** Like swarmkit: a full ID, then a name, then a unique ID prefix. */
  private serviceOr404(idOrName: string): ServiceRec {
    const recs = [...this.serviceRecs.values()];
    const rec =
      this.serviceRecs.get(idOrName) ??
      recs.find((r) => r.spec.Name === idOrName) ??
      (() => {
        const prefixed = recs.filter((r) => r.id.startsWith(idOrName));
        return prefixed.length === 1 ? prefixed[0] : undefined;
      })();
    if (!rec) throw new HttpError(404, `service ${idOrName} not found`);
    return rec;
  }

  // ---- shared --------------------------------------------------------------------

  /** Staged races first, then the planned failure. */
  private beforeCreate(): void {
    for (const hook of this.createHooks.splice(0)) hook();
    const fault = this.createFault;
    if (!fault) return;
    if (fault.remaining > 0) {
      fault.remaining--;
      return;
    }
    this.createFault = undefined;
    throw new HttpError(fault.status, fault.message);
  }

  private versionJson(): Record<string, unknown> {
    return {
      Platform: { Name: 'WHOOSH Docker simulator' },
      Components: [{ Name: 'Engine', Version: SIM_ENGINE_VERSION, Details: { ApiVersion: SIM_API_VERSION, MinAPIVersion: MIN_API_VERSION } }],
      Version: SIM_ENGINE_VERSION,
      ApiVersion: SIM_API_VERSION,
      MinAPIVersion: MIN_API_VERSION,
      GitCommit: 'simulat',
      GoVersion: 'go1.22.7',
      Os: 'linux',
      Arch: 'amd64',
      KernelVersion: '6.8.0',
      BuildTime: '2025-01-01T00:00:00.000000000+00:00',
    };
  }

  private infoJson(): Record<string, unknown> {
    const recs = [...this.containerRecs.values()];
    const running = recs.filter((rec) => rec.state === 'running').length;
    const member = this.swarmState !== false;
    const nodeId = member ? 'simnode0000000000000000001' : '';
    return {
      ID: 'SIM0:DOCK:ERSI:MULA:TOR0:0000:0000:0000:0000:0000:0000:0001',
      Containers: recs.length,
      ContainersRunning: running,
      ContainersPaused: 0,
      ContainersStopped: recs.length - running,
      Images: this.pulled.size,
      Driver: 'overlay2',
      Name: 'docker-sim',
      ServerVersion: SIM_ENGINE_VERSION,
      OperatingSystem: 'WHOOSH Docker simulator',
      OSType: 'linux',
      Architecture: 'x86_64',
      NCPU: 8,
      MemTotal: 16 * 1024 ** 3,
      Swarm: {
        NodeID: nodeId,
        NodeAddr: member ? this.host : '',
        LocalNodeState: member ? 'active' : 'inactive',
        ControlAvailable: this.swarmState === true,
        Error: '',
        RemoteManagers: member ? [{ NodeID: nodeId, Addr: `${this.host}:2377` }] : null,
        ...(member ? { Nodes: 1, Managers: 1 } : {}),
        ...(this.swarmState === true ? { Cluster: { ID: 'simcluster000000000000001' } } : {}),
      },
    };
  }
}

function checkApiVersion(version: string): void {
  if (compareVersions(version, SIM_API_VERSION) > 0) {
    throw new HttpError(400, `client version ${version} is too new. Maximum supported API version is ${SIM_API_VERSION}`);
  }
  if (compareVersions(version, MIN_API_VERSION) < 0) {
    throw new HttpError(400, `client version ${version} is too old. Minimum supported API version is ${MIN_API_VERSION}, please upgrade your client to a newer version`);
  }
}

function compareVersions(a: string, b: string): number {
  const [aMajor = 0, aMinor = 0] = a.split('.').map(Number);
  const [bMajor = 0, bMinor = 0] = b.split('.').map(Number);
  return aMajor - bMajor || aMinor - bMinor;
}

/** `alpine` → `alpine:latest`, `docker.io/library/alpine:3` → `alpine:3`; digests stay. */
function normalizeImage(ref: string): string {
  const short = ref.replace(/^docker\.io\/(library\/)?/, '').replace(/^index\.docker\.io\/(library\/)?/, '');
  if (short.includes('@')) return short;
  const lastSegment = short.split('/').pop() ?? short;
  return lastSegment.includes(':') ? short : `${short}:latest`;
}

function repositoryOf(ref: string): string {
  const name = ref.split('@')[0] ?? ref;
  const colon = name.lastIndexOf(':');
  const repo = colon > name.lastIndexOf('/') ? name.slice(0, colon) : name;
  return repo.includes('/') ? repo : `library/${repo}`;
}

function imageId(ref: string): string {
  return `sha256:${createHash('sha256').update(`image:${ref}`).digest('hex')}`;
}

/**
 * Docker's `filters` query parameter: JSON of `{"label": ["k=v", ...]}`, or the
 * older `{"label": {"k=v": true}}` that dockerode and old clients still send.
 */
function parseFilters(raw: string | null, known: string[]): Map<string, string[]> {
  const filters = new Map<string, string[]>();
  if (raw === null || raw === '') return filters;
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch (err) {
    throw new HttpError(400, `invalid filter: ${(err as Error).message}`);
  }
  if (!isObject(value)) throw new HttpError(400, 'invalid filter: expected a JSON object');
  for (const [key, values] of Object.entries(value)) {
    if (!known.includes(key)) throw new HttpError(400, `invalid filter '${key}'`);
    if (Array.isArray(values) && values.every((v) => typeof v === 'string')) filters.set(key, values);
    else if (isObject(values)) filters.set(key, Object.keys(values).filter((k) => values[k] === true));
    else throw new HttpError(400, `invalid filter '${key}': expected a list of strings`);
  }
  return filters;
}

/** Every wanted label must be there: `key` by presence, `key=value` by value. */
function matchLabels(labels: Record<string, string>, wanted: string[] | undefined): boolean {
  return (wanted ?? []).every((filter) => {
    const eq = filter.indexOf('=');
    if (eq < 0) return filter in labels;
    return labels[filter.slice(0, eq)] === filter.slice(eq + 1);
  });
}

/** Values of one filter key are alternatives: any may match. */
function matchAny(values: string[] | undefined, test: (value: string) => boolean): boolean {
  return values === undefined || values.length === 0 || values.some(test);
}

function safeRegExp(source: string): RegExp {
  try {
    return new RegExp(source);
  } catch {
    throw new HttpError(500, `error parsing regexp: ${source}`);
  }
}

function simContainer(rec: ContainerRec): SimContainer {
  const hc = rec.hostConfig;
  const restart = isObject(hc.RestartPolicy) && typeof hc.RestartPolicy.Name === 'string' ? hc.RestartPolicy.Name : undefined;
  return {
    id: rec.id,
    name: rec.name,
    image: rec.image,
    cmd: rec.cmd ? [...rec.cmd] : undefined,
    env: [...rec.env],
    labels: { ...rec.labels },
    limits: {
      ...(typeof hc.NanoCpus === 'number' ? { NanoCpus: hc.NanoCpus } : {}),
      ...(typeof hc.Memory === 'number' ? { Memory: hc.Memory } : {}),
      ...(typeof hc.PidsLimit === 'number' ? { PidsLimit: hc.PidsLimit } : {}),
    },
    networkMode: typeof hc.NetworkMode === 'string' ? hc.NetworkMode : undefined,
    restartPolicy: restart,
    state: rec.state,
    createdAt: rec.createdAt,
  };
}

function simService(rec: ServiceRec): SimService {
  const spec = rec.spec;
  const task = isObject(spec.TaskTemplate) ? spec.TaskTemplate : {};
  const cs = isObject(task.ContainerSpec) ? task.ContainerSpec : {};
  const limits = isObject(task.Resources) && isObject(task.Resources.Limits) ? task.Resources.Limits : {};
  const networks = [...(Array.isArray(task.Networks) ? task.Networks : []), ...(Array.isArray(spec.Networks) ? spec.Networks : [])];
  const replicated = isObject(spec.Mode) && isObject(spec.Mode.Replicated) ? spec.Mode.Replicated : undefined;
  const restart = isObject(task.RestartPolicy) && typeof task.RestartPolicy.Condition === 'string' ? task.RestartPolicy.Condition : undefined;
  return {
    id: rec.id,
    name: typeof spec.Name === 'string' ? spec.Name : '',
    image: typeof cs.Image === 'string' ? cs.Image : '',
    command: stringList(cs.Command),
    args: stringList(cs.Args),
    env: stringList(cs.Env) ?? [],
    labels: stringRecord(spec.Labels),
    containerLabels: stringRecord(cs.Labels),
    limits: {
      ...(typeof limits.NanoCPUs === 'number' ? { NanoCPUs: limits.NanoCPUs } : {}),
      ...(typeof limits.MemoryBytes === 'number' ? { MemoryBytes: limits.MemoryBytes } : {}),
      ...(typeof limits.Pids === 'number' ? { Pids: limits.Pids } : {}),
    },
    networks: networks.flatMap((n: unknown) => (isObject(n) && typeof n.Target === 'string' ? [n.Target] : [])),
    replicas: replicated && typeof replicated.Replicas === 'number' ? replicated.Replicas : undefined,
    restartCondition: restart,
    createdAt: rec.createdAt,
  };
}

function serviceJson(rec: ServiceRec): Record<string, unknown> {
  return {
    ID: rec.id,
    Version: { Index: rec.version },
    CreatedAt: rec.createdAt,
    UpdatedAt: rec.createdAt,
    Spec: structuredClone(rec.spec),
    Endpoint: { Spec: { Mode: 'vip' } },
  };
}

function stringList(value: unknown): string[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return [value];
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) throw new HttpError(400, 'expected a list of strings');
  return [...value] as string[];
}

function stringRecord(value: unknown): Record<string, string> {
  if (!isObject(value)) return {};
  return Object.fromEntries(Object.entries(value).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
}

function parseJsonObject(raw: string): Record<string, unknown> {
  if (raw.trim() === '') return {};
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch (err) {
    throw new HttpError(400, `invalid JSON: ${(err as Error).message}`);
  }
  if (!isObject(value)) throw new HttpError(400, 'invalid JSON: expected an object');
  return value;
}
