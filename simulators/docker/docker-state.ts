/**
 * What the simulated Docker daemon holds: its swarm role, the images pulled,
 * its containers and services, and the faults and races a test has staged for
 * the next create. The route modules (images, containers, services, system)
 * read and change it; the simulator owns it.
 */
import type { ServerResponse } from 'node:http';
import { HttpError } from '../sim-http';
import { normalizeImage } from './docker-images';

/** Whether this engine is a swarm manager (true), a swarm worker ('worker') or no swarm member (false). */
export type SwarmState = boolean | 'worker';

export type SimContainerState = 'created' | 'running' | 'exited';

/** What a started container does in the simulator: exit after `runMs` with this code and output. */
export interface SimProgramResult {
  exitCode: number;
  stdout?: string;
  stderr?: string;
  runMs?: number;
}

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

export interface ContainerRec {
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

export interface ServiceRec {
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

/** How a route answers. */
export interface Answer {
  status: number;
  body?: unknown;
  /** Sends a stream instead of `body` (image pulls, waits, logs). */
  stream?: (res: ServerResponse) => Promise<void>;
  /** Of the stream; default application/json. */
  contentType?: string;
}

export class EngineState {
  swarm: SwarmState;
  /** Normalised references (`alpine` → `alpine:latest`). */
  readonly pulled = new Set<string>();
  /** Image → the error its pulls end with. */
  readonly refusedPulls = new Map<string, string>();
  readonly containers = new Map<string, ContainerRec>();
  readonly services = new Map<string, ServiceRec>();
  /** Creates so far, containers and services counted together: ids, default names and pids come from it. */
  sequence = 0;
  /** What started containers do (undefined: they run until stopped). */
  program: ((c: SimContainer) => SimProgramResult | undefined) | undefined;
  createFault: CreateFault | undefined;
  readonly createHooks: (() => void)[] = [];

  constructor(
    /** The address the daemon listens on (it reports it as its swarm node address). */
    readonly host: string,
    swarm: SwarmState,
    images: string[],
  ) {
    this.swarm = swarm;
    for (const image of images) this.pulled.add(normalizeImage(image));
  }

  /** Staged races first, then the planned failure. */
  beforeCreate(): void {
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
}
