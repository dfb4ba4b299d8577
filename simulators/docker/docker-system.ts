/** The daemon's system routes (version, info) and the API versions it accepts on `/v1.NN/...` paths. */
import { HttpError } from '../sim-http';
import type { EngineState } from './docker-state';

/** What the simulator reports as its engine. */
export const SIM_ENGINE_VERSION = '27.3.1';
export const SIM_API_VERSION = '1.47';
const MIN_API_VERSION = '1.24';

/** Refuses a versioned path's API version outside MIN_API_VERSION..SIM_API_VERSION, in the daemon's words. */
export function checkApiVersion(version: string): void {
  if (compareVersions(version, SIM_API_VERSION) > 0) {
    throw new HttpError(400, `client version ${version} is too new. Maximum supported API version is ${SIM_API_VERSION}`);
  }
  if (compareVersions(version, MIN_API_VERSION) < 0) {
    throw new HttpError(400, `client version ${version} is too old. Minimum supported API version is ${MIN_API_VERSION}, please upgrade your client to a newer version`);
  }
}

/** GET /version */
export function versionJson(): Record<string, unknown> {
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

/** GET /info: the counts, and the swarm membership as this node sees it. */
export function infoJson(engine: EngineState): Record<string, unknown> {
  const recs = [...engine.containers.values()];
  const running = recs.filter((rec) => rec.state === 'running').length;
  const member = engine.swarm !== false;
  const nodeId = member ? 'simnode0000000000000000001' : '';
  return {
    ID: 'SIM0:DOCK:ERSI:MULA:TOR0:0000:0000:0000:0000:0000:0000:0001',
    Containers: recs.length,
    ContainersRunning: running,
    ContainersPaused: 0,
    ContainersStopped: recs.length - running,
    Images: engine.pulled.size,
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
      NodeAddr: member ? engine.host : '',
      LocalNodeState: member ? 'active' : 'inactive',
      ControlAvailable: engine.swarm === true,
      Error: '',
      RemoteManagers: member ? [{ NodeID: nodeId, Addr: `${engine.host}:2377` }] : null,
      ...(member ? { Nodes: 1, Managers: 1 } : {}),
      ...(engine.swarm === true ? { Cluster: { ID: 'simcluster000000000000001' } } : {}),
    },
  };
}

function compareVersions(a: string, b: string): number {
  const [aMajor = 0, aMinor = 0] = a.split('.').map(Number);
  const [bMajor = 0, bMinor = 0] = b.split('.').map(Number);
  return aMajor - bMajor || aMinor - bMinor;
}
