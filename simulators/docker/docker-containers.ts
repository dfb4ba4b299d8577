/**
 * The container routes as moby answers them: create (name rules, memory
 * floor, name conflicts, unknown images), start, wait, logs (the multiplexed
 * stream), remove, list with filters, and inspect. A started container runs
 * nothing: it is marked running and, if the test gave a program, exits when
 * that says.
 */
import { createHash } from 'node:crypto';
import { HttpError, isObject } from '../sim-http';
import { imageId, normalizeImage } from './docker-images';
import { boolParam, matchAny, matchLabels, parseFilters, safeRegExp, stringList, stringRecord } from './docker-params';
import type { Answer, ContainerRec, EngineState, SimContainer, SimContainerState } from './docker-state';

/** Docker refuses smaller memory limits (daemon/daemon_unix.go linuxMinMemory). */
const MIN_MEMORY_BYTES = 6 * 1024 * 1024;
/** moby's rule for container names (daemon/names). */
const CONTAINER_NAME = /^\/?[a-zA-Z0-9][a-zA-Z0-9_.-]+$/;

/** POST /containers/create?name=… */
export function createContainer(engine: EngineState, q: URLSearchParams, body: Record<string, unknown>): Answer {
  const requested = q.get('name');
  if (requested !== null && requested !== '' && !CONTAINER_NAME.test(requested)) {
    throw new HttpError(400, `Invalid container name (${requested}), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed`);
  }
  engine.beforeCreate();
  const image = body.Image;
  if (typeof image !== 'string' || image === '') throw new HttpError(400, 'Config cannot be empty in order to create a container');
  const hostConfig = isObject(body.HostConfig) ? body.HostConfig : {};
  if (typeof hostConfig.Memory === 'number' && hostConfig.Memory > 0 && hostConfig.Memory < MIN_MEMORY_BYTES) {
    throw new HttpError(400, 'Minimum memory limit allowed is 6MB');
  }
  const name = requested ? requested.replace(/^\//, '') : `sim_container_${engine.sequence + 1}`;
  const taken = containerByName(engine, name);
  if (taken) {
    throw new HttpError(
      409,
      `Conflict. The container name "/${name}" is already in use by container "${taken.id}". You have to remove (or rename) that container to be able to reuse that name.`,
    );
  }
  if (!engine.pulled.has(normalizeImage(image))) throw new HttpError(404, `No such image: ${image}`);
  const rec = newContainer(engine, name, image, stringList(body.Cmd), stringList(body.Env) ?? [], stringRecord(body.Labels), hostConfig);
  return { status: 201, body: { Id: rec.id, Warnings: [] } };
}

/** POST /containers/{id}/start: runs the test's program, if any. */
export function startContainer(engine: EngineState, rec: ContainerRec): Answer {
  if (rec.state === 'running') return { status: 304 };
  setContainerState(rec, 'running');
  const result = engine.program?.(simContainer(rec));
  if (result) {
    const t = setTimeout(() => {
      if (!engine.containers.has(rec.id) || rec.state !== 'running') return;
      rec.exitCode = result.exitCode;
      rec.output = { stdout: result.stdout ?? '', stderr: result.stderr ?? '' };
      setContainerState(rec, 'exited');
    }, result.runMs ?? 0);
    t.unref();
  }
  return { status: 204 };
}

/** POST /containers/{id}/wait: answers when the container has exited (or is removed: 137, as a kill). */
export function waitContainer(engine: EngineState, rec: ContainerRec): Answer {
  return {
    status: 200,
    stream: async (res) => {
      while (rec.state !== 'exited' && engine.containers.has(rec.id) && !res.destroyed) await new Promise((r) => setTimeout(r, 20));
      res.write(JSON.stringify({ StatusCode: engine.containers.has(rec.id) ? (rec.exitCode ?? 0) : 137, Error: null }));
    },
  };
}

/** GET /containers/{id}/logs: Docker's multiplexed stream (8-byte frame headers: 1 stdout, 2 stderr). */
export function containerLogs(rec: ContainerRec, q: URLSearchParams): Answer {
  const frames: Buffer[] = [];
  const frame = (type: number, text: string) => {
    if (!text) return;
    const data = Buffer.from(text);
    const header = Buffer.alloc(8);
    header.writeUInt8(type, 0);
    header.writeUInt32BE(data.length, 4);
    frames.push(header, data);
  };
  if (boolParam(q, 'stdout')) frame(1, rec.output?.stdout ?? '');
  if (boolParam(q, 'stderr')) frame(2, rec.output?.stderr ?? '');
  return { status: 200, contentType: 'application/vnd.docker.multiplexed-stream', stream: async (res) => void res.write(Buffer.concat(frames)) };
}

/** DELETE /containers/{id}?force=… */
export function removeContainer(engine: EngineState, rec: ContainerRec, q: URLSearchParams): Answer {
  if (rec.state === 'running' && !boolParam(q, 'force')) {
    throw new HttpError(409, `cannot remove container "/${rec.name}": container is running: stop the container before removing or force remove`);
  }
  engine.containers.delete(rec.id);
  return { status: 204 };
}

/** GET /containers/json?all=…&filters=…: newest first. */
export function listContainers(engine: EngineState, q: URLSearchParams): Answer {
  const all = boolParam(q, 'all');
  const filters = parseFilters(q.get('filters'), ['label', 'name', 'id', 'status']);
  const matches = [...engine.containers.values()].filter(
    (rec) =>
      (all || rec.state === 'running' || filters.has('status')) &&
      matchLabels(rec.labels, filters.get('label')) &&
      matchAny(filters.get('name'), (n) => safeRegExp(n).test(`/${rec.name}`)) &&
      matchAny(filters.get('id'), (id) => rec.id.startsWith(id)) &&
      matchAny(filters.get('status'), (s) => s === rec.state),
  );
  return { status: 200, body: matches.reverse().map(containerSummary) };
}

/** GET /containers/{id}/json */
export function inspectContainer(engine: EngineState, rec: ContainerRec): Answer {
  const running = rec.state === 'running';
  return {
    status: 200,
    body: {
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
        Pid: running ? 4000 + engine.sequence : 0,
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
    },
  };
}

export function newContainer(
  engine: EngineState,
  name: string,
  image: string,
  cmd: string[] | undefined,
  env: string[],
  labels: Record<string, string>,
  hostConfig: Record<string, unknown>,
): ContainerRec {
  const seq = ++engine.sequence;
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
  engine.containers.set(rec.id, rec);
  return rec;
}

export function setContainerState(rec: ContainerRec, state: SimContainerState): void {
  rec.state = state;
  if (state === 'running') rec.startedAt = new Date().toISOString();
}

/** Docker resolves a full ID, then a name, then a unique ID prefix. */
export function findContainer(engine: EngineState, idOrName: string): ContainerRec | undefined {
  const key = idOrName.replace(/^\//, '');
  const byId = engine.containers.get(key) ?? containerByName(engine, key);
  if (byId) return byId;
  const prefixed = [...engine.containers.values()].filter((rec) => rec.id.startsWith(key));
  return prefixed.length === 1 ? prefixed[0] : undefined;
}

export function containerOr404(engine: EngineState, idOrName: string): ContainerRec {
  const rec = findContainer(engine, idOrName);
  if (!rec) throw new HttpError(404, `No such container: ${idOrName}`);
  return rec;
}

export function simContainer(rec: ContainerRec): SimContainer {
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

function containerByName(engine: EngineState, name: string): ContainerRec | undefined {
  return [...engine.containers.values()].find((rec) => rec.name === name);
}

function containerSummary(rec: ContainerRec): Record<string, unknown> {
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
