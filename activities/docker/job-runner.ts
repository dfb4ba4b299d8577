/**
 * Runs one-off containers for pipelines (whoosh.docker): create and start,
 * wait for the exit, read the logs, remove. A job is known by its key label
 * (execution, node, run, item), so a retried activity finds the container the
 * first attempt made — running or exited — instead of starting another.
 */
import Docker from 'dockerode';
import type { DockerNodeJob, DockerNodeResult } from '../../domain/pipeline/types';
import { dockerOptions, pullIfMissing, type DockerDeployerOptions, type DockerTarget } from './docker-deployer';
import { toDockerError } from './errors';

export const LABEL_JOB = 'whoosh.pipeline.job';
export const LABEL_EXECUTION = 'whoosh.pipeline.execution';

export type JobSpec = DockerNodeJob;
/** reused: the container an earlier attempt started was found and waited for. */
export type JobResult = DockerNodeResult['results'][number];

/** Splits Docker's multiplexed log stream (8-byte headers: type 1 stdout, 2 stderr, then a big-endian length). */
export function demuxLogs(buf: Buffer): { stdout: string; stderr: string } {
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  for (let at = 0; at + 8 <= buf.length; ) {
    const size = buf.readUInt32BE(at + 4);
    const chunk = buf.subarray(at + 8, at + 8 + size);
    (buf[at] === 2 ? err : out).push(chunk);
    at += 8 + size;
  }
  return { stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') };
}

export function createJobRunner(target: DockerTarget, options: DockerDeployerOptions = {}) {
  const docker = new Docker(dockerOptions(target, options));
  const call = <T>(what: string, request: () => Promise<T>): Promise<T> => request().catch((err: unknown) => Promise.reject(toDockerError(what, err)));
  const byLabel = (label: string, value: string) => call('list containers', () => docker.listContainers({ all: true, filters: { label: [`${label}=${value}`] } }));

  return {
    async run(spec: JobSpec): Promise<JobResult> {
      const [existing] = await byLabel(LABEL_JOB, spec.key);
      let id = existing?.Id;
      if (!id) {
        await pullIfMissing(docker, spec.image);
        const body: Docker.ContainerCreateOptions = {
          Image: spec.image,
          ...(spec.command?.length ? { Cmd: spec.command } : {}),
          Env: Object.entries(spec.env).map(([k, v]) => `${k}=${v}`),
          Labels: { ...spec.labels, [LABEL_JOB]: spec.key, [LABEL_EXECUTION]: spec.executionId },
          HostConfig: { NanoCpus: spec.limits.nanoCpus, Memory: spec.limits.memoryBytes, PidsLimit: spec.limits.pids },
        };
        // Env only in the body (see docker-deployer.ts on dockerode's query string).
        id = (await call('create container', () => docker.createContainer({ _body: body } as Docker.ContainerCreateOptions))).id;
      }
      const container = docker.getContainer(id);
      if (!existing || existing.State === 'created') {
        await call('start container', () => container.start()).catch((err: { status?: number }) => (err.status === 304 ? undefined : Promise.reject(err)));
      }
      const waited = (await call('wait for container', () => container.wait())) as { StatusCode: number };
      const logs = (await call('read logs', () => container.logs({ stdout: true, stderr: true, follow: false }))) as unknown as Buffer;
      const { stdout, stderr } = demuxLogs(Buffer.isBuffer(logs) ? logs : Buffer.from(String(logs)));
      await call('remove container', () => container.remove({ force: true })).catch(() => undefined);
      return { containerId: id, exitCode: waited.StatusCode, stdout, stderr, reused: existing !== undefined };
    },

    /** Removes every container of an execution (a cancelled run); gone already is fine. */
    async removeExecution(executionId: string): Promise<number> {
      const found = await byLabel(LABEL_EXECUTION, executionId);
      for (const c of found) await call('remove container', () => docker.getContainer(c.Id).remove({ force: true })).catch(() => undefined);
      return found.length;
    },
  };
}

export type JobRunner = ReturnType<typeof createJobRunner>;
