/**
 * Runs WHOOSH's agents on Docker, through `dockerode`: one container per agent
 * on a plain engine, one replicated service per agent on a swarm manager.
 * Nothing else in WHOOSH speaks the Docker Engine API.
 *
 * Every operation is safe to repeat, because Temporal repeats activities: an
 * agent is known by its labels (team, role, task), so a second deploy finds the
 * first one's container instead of making another, and removing what is gone
 * is not an error. Two deploys racing past the label lookup both try to create
 * the same name; Docker lets one win and answers the other 409, which is
 * resolved to the winner. deploy does not reconcile: an agent found is returned
 * as it is, even if the spec has changed since (remove it, then deploy).
 *
 * The adapter does not retry: it says whether a failure is worth retrying
 * (DockerError.retryable) and leaves the retrying to the activity's policy.
 *
 * dockerode quirks absorbed here:
 * - createContainer sends its whole options object as the query string as well
 *   as the body, so the agent's Env (tokens included) would land in the daemon's
 *   request URL; `_query`/`_body` split them.
 * - a failed pull still answers 200: the error is a `{"error": ...}` line in the
 *   progress stream, which followProgress hands over as data, not as an error.
 * - starting a running container answers 304, which dockerode rejects with.
 * - docker-modem merges DOCKER_HOST, DOCKER_TLS_VERIFY, DOCKER_CERT_PATH and
 *   friends from the environment beneath the options given, so the options
 *   below spell out everything they mean rather than rely on defaults.
 * - it sends through Node's global agent, which keeps connections alive since
 *   Node 19: after a daemon restart the next calls go out on dead pooled
 *   sockets and fail with ECONNRESET. The adapter makes a few calls per
 *   deploy, so it opens a fresh connection for each instead.
 * - it formats every request's options with util.inspect (showHidden, no depth
 *   limit) for a debug line, even when debugging is off. With our agent among
 *   the options that walks every socket it holds and everything they reach:
 *   seconds of blocked event loop per call inside a busy worker. The agent
 *   gets a one-line inspection of its own.
 */
import http from 'node:http';
import { inspect } from 'node:util';
import Docker from 'dockerode';
import { DockerError, statusOf, toDockerError } from './errors';
import { agentResourceName, LABEL_AGENT, LABEL_ROLE, LABEL_TASK, LABEL_TEAM, labelFilter } from './naming';

export interface AgentContainerSpec {
  teamId: string;
  taskId: string;
  role: string;
  agentName: string;
  image: string;
  /** Arguments to the image's entrypoint (its CMD replaced), as `docker run IMAGE ...` takes them. */
  command?: string[];
  /** A network to attach to: NetworkMode for a container, an attachment for a service. */
  network?: string;
  /** The agent's context (names, team, task, issue URL, WHOOSH endpoint, ...). */
  env: Record<string, string>;
  limits: { nanoCpus: number; memoryBytes: number; pids: number };
}

export interface DeployedAgent {
  id: string;
  name: string;
  kind: 'container' | 'service';
  role: string;
  /** false: an existing one was found. */
  created: boolean;
}

export interface DockerDeployer {
  /** 'swarm' when this engine is an active swarm manager (services can be created here); else 'containers'. */
  mode(): Promise<'swarm' | 'containers'>;
  /**
   * Makes sure the agent runs: finds the container or service labelled with the
   * spec's team, role and task, or creates it (pulling a missing image first, in
   * containers mode) and starts it.
   */
  deploy(spec: AgentContainerSpec): Promise<DeployedAgent>;
  /** Removes the team's agents (only `role`'s, when given); what is already gone is skipped. Returns the names removed. */
  remove(teamId: string, role?: string): Promise<string[]>;
  list(teamId: string): Promise<DeployedAgent[]>;
}

export type DockerTarget = { host: string; port: number } | { socketPath: string };

export interface DockerDeployerOptions {
  /** Pins the Engine API version, e.g. '1.47' (paths become /v1.47/...). Default: the daemon's own. */
  readonly apiVersion?: string;
  /** A request idle this long is cut (and fails as retryable). Default 60 s; a pull in progress keeps sending, so it is not idle. */
  readonly timeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 60_000;
/** Docker's label on the containers a swarm service runs; those belong to the service, not to list/remove. */
const SWARM_SERVICE_LABEL = 'com.docker.swarm.service.id';

interface PullLine {
  status?: string;
  error?: string;
  errorDetail?: { message?: string };
}

export function createDockerDeployer(target: DockerTarget, options: DockerDeployerOptions = {}): DockerDeployer {
  const docker = new Docker(dockerOptions(target, options));

  async function call<T>(what: string, request: () => Promise<T>): Promise<T> {
    try {
      return await request();
    } catch (err) {
      throw toDockerError(what, err);
    }
  }

  async function mode(): Promise<'swarm' | 'containers'> {
    const info = (await call('info', () => docker.info())) as { Swarm?: { LocalNodeState?: unknown; ControlAvailable?: unknown } };
    return info.Swarm?.LocalNodeState === 'active' && info.Swarm.ControlAvailable === true ? 'swarm' : 'containers';
  }

  // ---- containers ------------------------------------------------------------

  async function findContainers(labels: Record<string, string>): Promise<Docker.ContainerInfo[]> {
    const found = await call('list containers', () => docker.listContainers({ all: true, filters: { label: labelFilter(labels) } }));
    return found.filter((c) => !(SWARM_SERVICE_LABEL in (c.Labels ?? {})));
  }

  const ensureImage = (image: string): Promise<void> => pullIfMissing(docker, image);

  async function start(id: string, name: string): Promise<void> {
    try {
      await docker.getContainer(id).start();
    } catch (err) {
      if (statusOf(err) === 304) return; // already running: a racing deploy started it
      throw toDockerError(`start container ${name}`, err);
    }
  }

  async function deployContainer(spec: AgentContainerSpec, name: string, labels: Record<string, string>): Promise<DeployedAgent> {
    const agent = (id: string, created: boolean): DeployedAgent => ({ id, name, kind: 'container', role: spec.role, created });
    const [existing] = await findContainers(identity(spec));
    if (existing) {
      if (existing.State !== 'running') await start(existing.Id, name);
      return { ...agent(existing.Id, false), name: containerName(existing.Names) ?? name };
    }

    await ensureImage(spec.image);
    const body: Docker.ContainerCreateOptions = {
      Image: spec.image,
      ...(spec.command ? { Cmd: spec.command } : {}),
      Env: envList(spec.env),
      Labels: labels,
      HostConfig: {
        NanoCpus: spec.limits.nanoCpus,
        Memory: spec.limits.memoryBytes,
        PidsLimit: spec.limits.pids,
        RestartPolicy: { Name: 'unless-stopped' },
        ...(spec.network ? { NetworkMode: spec.network } : {}),
      },
    };
    let id: string | undefined;
    try {
      id = (await docker.createContainer({ _query: { name }, _body: body } as Docker.ContainerCreateOptions)).id;
    } catch (err) {
      if (statusOf(err) !== 409) throw toDockerError(`create container ${name}`, err);
    }
    if (id !== undefined) {
      await start(id, name);
      return agent(id, true);
    }
    // 409: the name is taken, most likely by a deploy of the same agent that won the race.
    const rival = await inspectRival('container', name, () => docker.getContainer(name).inspect());
    checkOwner('container', name, rival.Config.Labels, spec);
    if (!rival.State.Running) await start(rival.Id, name);
    return agent(rival.Id, false);
  }

  // ---- services --------------------------------------------------------------

  async function findServices(labels: Record<string, string>): Promise<Docker.Service[]> {
    return call('list services', () => docker.listServices({ filters: { label: labelFilter(labels) } }));
  }

  async function deployService(spec: AgentContainerSpec, name: string, labels: Record<string, string>): Promise<DeployedAgent> {
    const agent = (id: string, created: boolean): DeployedAgent => ({ id, name, kind: 'service', role: spec.role, created });
    const [existing] = await findServices(identity(spec));
    if (existing) return { ...agent(existing.ID, false), name: existing.Spec?.Name ?? name };

    // No pull: each swarm node pulls the image itself when a task lands on it.
    const serviceSpec: Docker.CreateServiceOptions = {
      Name: name,
      Labels: labels,
      TaskTemplate: {
        ContainerSpec: {
          Image: spec.image,
          // Args, not Command: Command would replace the image's ENTRYPOINT, unlike Cmd on a container.
          ...(spec.command ? { Args: spec.command } : {}),
          Env: envList(spec.env),
          Labels: labels,
        },
        Resources: { Limits: { NanoCPUs: spec.limits.nanoCpus, MemoryBytes: spec.limits.memoryBytes, Pids: spec.limits.pids } },
        // The same policy as a container's unless-stopped: restart whenever the task ends.
        RestartPolicy: { Condition: 'any' },
        // On the task template: the service-level Networks field is deprecated since API 1.44.
        ...(spec.network ? { Networks: [{ Target: spec.network }] } : {}),
      },
      Mode: { Replicated: { Replicas: 1 } },
    };
    try {
      const service = await docker.createService(serviceSpec);
      return agent(service.id, true);
    } catch (err) {
      if (statusOf(err) !== 409) throw toDockerError(`create service ${name}`, err);
    }
    const rival = (await inspectRival('service', name, () => docker.getService(name).inspect())) as Docker.Service;
    checkOwner('service', name, rival.Spec?.Labels, spec);
    return agent(rival.ID, false);
  }

  // ---- the team's agents -----------------------------------------------------

  interface Found {
    agent: DeployedAgent;
    remove: () => Promise<unknown>;
  }

  async function teamAgents(teamId: string, role?: string): Promise<Found[]> {
    const labels = { [LABEL_TEAM]: teamId, ...(role === undefined ? {} : { [LABEL_ROLE]: role }) };
    const swarm = (await mode()) === 'swarm';
    const [containers, services] = await Promise.all([findContainers(labels), swarm ? findServices(labels) : Promise.resolve([])]);
    return [
      ...containers.map((c) => ({
        agent: { id: c.Id, name: containerName(c.Names) ?? c.Id, kind: 'container' as const, role: c.Labels[LABEL_ROLE] ?? '', created: false },
        remove: () => docker.getContainer(c.Id).remove({ force: true }),
      })),
      ...services.map((s) => ({
        agent: { id: s.ID, name: s.Spec?.Name ?? s.ID, kind: 'service' as const, role: s.Spec?.Labels?.[LABEL_ROLE] ?? '', created: false },
        remove: () => docker.getService(s.ID).remove(),
      })),
    ];
  }

  return {
    mode,

    async deploy(spec) {
      checkSpec(spec);
      const name = agentResourceName(spec.teamId, spec.role);
      const labels = { ...identity(spec), [LABEL_AGENT]: spec.agentName };
      return (await mode()) === 'swarm' ? deployService(spec, name, labels) : deployContainer(spec, name, labels);
    },

    async remove(teamId, role) {
      const found = await teamAgents(teamId, role);
      const outcomes = await Promise.allSettled(
        found.map(async ({ agent, remove }) => {
          try {
            await remove();
            return agent.name;
          } catch (err) {
            if (statusOf(err) === 404) return undefined; // gone already
            throw toDockerError(`remove ${agent.kind} ${agent.name}`, err);
          }
        }),
      );
      const failed = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected');
      if (failed) throw failed.reason;
      return outcomes.flatMap((o) => (o.status === 'fulfilled' && o.value !== undefined ? [o.value] : []));
    },

    async list(teamId) {
      return (await teamAgents(teamId)).map((f) => f.agent);
    },
  };
}

/** Pulls the image unless the daemon has it (a failed pull is a retryable DockerError). */
export async function pullIfMissing(docker: Docker, image: string): Promise<void> {
  const call = <T>(what: string, request: () => Promise<T>): Promise<T> => request().catch((err: unknown) => Promise.reject(toDockerError(what, err)));
  try {
    await docker.getImage(image).inspect();
    return;
  } catch (err) {
    if (statusOf(err) !== 404) throw toDockerError(`inspect image ${image}`, err);
  }
  const stream = await call(`pull ${image}`, () => docker.pull(image));
  const lines = await call(
    `pull ${image}`,
    () =>
      new Promise<PullLine[]>((resolve, reject) => {
        docker.modem.followProgress(stream, (err, output: PullLine[]) => (err ? reject(err) : resolve(output)));
      }),
  );
  const failed = lines.find((line) => line.error !== undefined || line.errorDetail !== undefined);
  // The daemon had already answered 200; registries fail mid-pull mostly for passing reasons (rate limits, resets).
  if (failed) throw new DockerError(`Docker pull ${image}: ${failed.errorDetail?.message ?? failed.error}`, undefined, true);
}

/** dockerode's options for a target (see the notes at the top). */
export function dockerOptions(target: DockerTarget, options: DockerDeployerOptions): Docker.DockerOptions {
  const timeout = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  if (!(Number.isInteger(timeout) && timeout > 0)) throw new RangeError(`timeoutMs must be a whole number > 0, got ${timeout}`);
  const { apiVersion } = options;
  if (apiVersion !== undefined && !/^\d+\.\d+$/.test(apiVersion)) throw new RangeError(`apiVersion must look like '1.47', got ${JSON.stringify(apiVersion)}`);
  // Explicit undefineds, so that DOCKER_* variables docker-modem reads cannot change the target (see above).
  const common = {
    protocol: 'http' as const,
    timeout,
    version: apiVersion === undefined ? undefined : `v${apiVersion}`,
    ca: undefined,
    cert: undefined,
    key: undefined,
    // docker-modem passes `agent` on to http.request; the dockerode typings omit it.
    agent: quietAgent(),
  };
  if ('socketPath' in target) {
    if (!target.socketPath) throw new RangeError('socketPath must not be empty');
    return { ...common, socketPath: target.socketPath, host: undefined, port: undefined };
  }
  if (!target.host) throw new RangeError('host must not be empty');
  if (!(Number.isInteger(target.port) && target.port > 0 && target.port < 65_536)) throw new RangeError(`port must be a whole number within 1..65535, got ${target.port}`);
  return { ...common, host: target.host, port: target.port, socketPath: undefined };
}

/** An agent without keep-alive whose util.inspect is one line (see the notes at the top). */
function quietAgent(): http.Agent {
  const agent = new http.Agent({ keepAlive: false });
  Object.defineProperty(agent, inspect.custom, { value: () => 'http.Agent { keepAlive: false }' });
  return agent;
}

/** The labels an agent is found by. */
function identity(spec: AgentContainerSpec): Record<string, string> {
  return { [LABEL_TEAM]: spec.teamId, [LABEL_ROLE]: spec.role, [LABEL_TASK]: spec.taskId };
}

/** What holds the name a create was refused for. Gone again by now means the race is over: deploying again will do. */
async function inspectRival<T>(kind: 'container' | 'service', name: string, inspect: () => Promise<T>): Promise<T> {
  try {
    return await inspect();
  } catch (err) {
    if (statusOf(err) === 404) throw new DockerError(`Docker create ${kind} ${name}: the name was taken, and is free again`, 409, true);
    throw toDockerError(`inspect ${kind} ${name}`, err);
  }
}

/** A name-conflicting container or service is only ours to take if it is this very agent. */
function checkOwner(kind: 'container' | 'service', name: string, labels: Record<string, string> | undefined, spec: AgentContainerSpec): void {
  const mine = identity(spec);
  if (Object.entries(mine).every(([key, value]) => labels?.[key] === value)) return;
  const theirs = Object.keys(mine)
    .map((key) => `${key}=${labels?.[key] ?? '(none)'}`)
    .join(', ');
  throw new DockerError(`Docker create ${kind} ${name}: the name is taken by another ${kind} (${theirs})`, 409, false);
}

function containerName(names: string[] | undefined): string | undefined {
  return names?.[0]?.replace(/^\//, '');
}

function envList(env: Record<string, string>): string[] {
  return Object.entries(env).map(([key, value]) => `${key}=${value}`);
}

function checkSpec(spec: AgentContainerSpec): void {
  for (const key of ['teamId', 'taskId', 'role', 'agentName', 'image'] as const) {
    if (typeof spec[key] !== 'string' || spec[key].trim() === '') throw new RangeError(`agent spec: ${key} must not be empty`);
  }
  for (const [key, value] of Object.entries(spec.limits)) {
    if (!(Number.isSafeInteger(value) && value > 0)) throw new RangeError(`agent spec: limits.${key} must be a whole number > 0, got ${value}`);
  }
  for (const [key, value] of Object.entries(spec.env)) {
    if (key === '' || key.includes('=') || typeof value !== 'string') throw new RangeError(`agent spec: env ${JSON.stringify(key)} is not a valid variable`);
  }
  if (spec.command && !spec.command.every((arg) => typeof arg === 'string')) throw new RangeError('agent spec: command must be a list of strings');
}
