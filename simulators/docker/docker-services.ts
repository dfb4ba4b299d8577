/**
 * The swarm service routes as swarmkit's control API answers them: only a
 * manager serves them, names follow the DNS-label rule and must be unique, a
 * service is found by ID, then name, then unique ID prefix.
 */
import { createHash } from 'node:crypto';
import { HttpError, isObject } from '../sim-http';
import { matchAny, matchLabels, parseFilters, stringList, stringRecord } from './docker-params';
import type { Answer, EngineState, ServiceRec, SimService } from './docker-state';

const NOT_SWARM_MANAGER =
  'This node is not a swarm manager. Use "docker swarm init" or "docker swarm join" to connect this node to swarm and try again.';
const SWARM_WORKER =
  "This node is not a swarm manager. Worker nodes can't be used to view or modify cluster state. Please run this command on a manager node or promote the current node to a manager.";
/** swarmkit's rule for service names (manager/controlapi/common.go). */
const SERVICE_NAME = /^[a-zA-Z0-9](?:[-_]*[A-Za-z0-9]+)*$/;

export function requireManager(engine: EngineState): void {
  if (engine.swarm === 'worker') throw new HttpError(503, SWARM_WORKER);
  if (!engine.swarm) throw new HttpError(503, NOT_SWARM_MANAGER);
}

/** POST /services/create */
export function createService(engine: EngineState, spec: Record<string, unknown>): Answer {
  const name = spec.Name;
  if (typeof name !== 'string' || name === '') throw new HttpError(400, 'rpc error: code = InvalidArgument desc = meta: name must be provided');
  if (!SERVICE_NAME.test(name)) throw new HttpError(400, 'rpc error: code = InvalidArgument desc = name must be valid as a DNS name component');
  if (name.length > 63) throw new HttpError(400, 'rpc error: code = InvalidArgument desc = name must be 63 characters or fewer');
  engine.beforeCreate();
  const containerSpec = isObject(spec.TaskTemplate) && isObject(spec.TaskTemplate.ContainerSpec) ? spec.TaskTemplate.ContainerSpec : {};
  if (typeof containerSpec.Image !== 'string' || containerSpec.Image === '') {
    throw new HttpError(400, 'rpc error: code = InvalidArgument desc = ContainerSpec: image reference must be provided');
  }
  if ([...engine.services.values()].some((rec) => rec.spec.Name === name)) {
    throw new HttpError(409, `rpc error: code = AlreadyExists desc = name conflicts with an existing object: service ${name} already exists`);
  }
  const seq = ++engine.sequence;
  const id = createHash('sha256').update(`service:${seq}:${name}`).digest('hex').slice(0, 25);
  engine.services.set(id, { id, spec: structuredClone(spec), createdAt: new Date().toISOString(), version: seq });
  return { status: 201, body: { ID: id } };
}

/** GET /services?filters=… */
export function listServices(engine: EngineState, q: URLSearchParams): Answer {
  const filters = parseFilters(q.get('filters'), ['label', 'name', 'id', 'mode']);
  const matches = [...engine.services.values()].filter((rec) => {
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
export function serviceOr404(engine: EngineState, idOrName: string): ServiceRec {
  const recs = [...engine.services.values()];
  const rec =
    engine.services.get(idOrName) ??
    recs.find((r) => r.spec.Name === idOrName) ??
    (() => {
      const prefixed = recs.filter((r) => r.id.startsWith(idOrName));
      return prefixed.length === 1 ? prefixed[0] : undefined;
    })();
  if (!rec) throw new HttpError(404, `service ${idOrName} not found`);
  return rec;
}

export function serviceJson(rec: ServiceRec): Record<string, unknown> {
  return {
    ID: rec.id,
    Version: { Index: rec.version },
    CreatedAt: rec.createdAt,
    UpdatedAt: rec.createdAt,
    Spec: structuredClone(rec.spec),
    Endpoint: { Spec: { Mode: 'vip' } },
  };
}

export function simService(rec: ServiceRec): SimService {
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
