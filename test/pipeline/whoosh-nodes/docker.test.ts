/**
 * whoosh.docker on the real stack, against the Docker simulator through
 * dockerode: a container per item with its env, labels and limits, waited
 * for with logs and exit code and then removed; a retried run finds the
 * container by its label; a cancelled run removes its container.
 */
import { randomUUID } from 'node:crypto';
import Docker from 'dockerode';
import { createJobRunner, LABEL_EXECUTION, LABEL_JOB } from '../../../activities/docker/job-runner';
import type { N8nNode } from '../../../domain/pipeline/types';
import { DockerSimulator, type SimContainer } from '../../../simulators/docker';
import { eventually } from '../../helpers/eventually';
import { chain, manualTrigger, startPipelineStage, type PipelineStage } from '../durable/pipeline-stage';

let s: PipelineStage;
let sim: DockerSimulator;
const started: SimContainer[] = [];

beforeAll(async () => {
  sim = await DockerSimulator.start();
  s = await startPipelineStage({ config: { docker: { host: `tcp://127.0.0.1:${sim.port}` } } });
});
afterAll(async () => {
  await s.close();
  await sim.stop();
});
beforeEach(() => {
  started.length = 0;
  sim.onRun((c) => {
    started.push(c);
    const name = c.env.find((e) => e.startsWith('NAME='))?.slice(5) ?? '?';
    if (c.cmd?.includes('sleep')) return { exitCode: 0, runMs: 600_000 };
    return { exitCode: c.cmd?.includes('--fail') ? 3 : 0, stdout: `hello ${name}\n`, stderr: c.cmd?.includes('--fail') ? 'it broke\n' : '', runMs: 50 };
  });
});

const dockerNode = (parameters: Record<string, unknown>): N8nNode => ({ name: 'Run', type: 'whoosh.docker', typeVersion: 1, position: [400, 0], parameters });

test('one container per item: env, labels and limits as given; exit code and logs come back; nothing is left', async () => {
  const doc = chain([
    manualTrigger(),
    dockerNode({
      image: 'alpine:3.20',
      command: '={{ $json.fail ? "sh -c \'exit 3\' --fail" : "echo hi" }}',
      env: { values: [{ name: 'NAME', value: '={{ $json.name }}' }] },
      labels: { values: [{ name: 'team', value: 'ops' }] },
      limits: { cpus: 0.5, memoryMb: 64, pids: 50 },
    }),
  ]);
  const { body } = await s.run(doc, { input: [{ json: { name: 'ann' } }, { json: { name: 'bob', fail: true } }] });
  expect(body.status).toBe('success');
  expect(body.nodes.Run[0]).toEqual([
    { exitCode: 0, stdout: 'hello ann\n', stderr: '', containerId: expect.any(String) },
    { exitCode: 3, stdout: 'hello bob\n', stderr: 'it broke\n', containerId: expect.any(String) },
  ]);
  expect(started.map((c) => c.cmd)).toEqual([['echo', 'hi'], ['sh', '-c', 'exit 3', '--fail']]);
  for (const c of started) {
    expect(c).toMatchObject({ image: 'alpine:3.20', limits: { NanoCpus: 500_000_000, Memory: 64 * 1024 * 1024, PidsLimit: 50 }, labels: { team: 'ops', [LABEL_EXECUTION]: body.id } });
    expect(c.labels[LABEL_JOB]).toMatch(new RegExp(`^${body.id}:Run:0:[01]$`));
  }
  expect(sim.containers()).toEqual([]);
});

test('a retried activity finds the container the first attempt started and waits for it', async () => {
  const key = `exec-${randomUUID()}:Run:0:0`;
  // The first attempt created and started the container, then its worker died.
  const docker = new Docker({ host: '127.0.0.1', port: sim.port, protocol: 'http' });
  const first = await docker.createContainer({ Image: 'alpine:3.20', Cmd: ['echo'], Env: ['NAME=first'], Labels: { [LABEL_JOB]: key, [LABEL_EXECUTION]: 'x' } });
  await first.start();
  const runner = createJobRunner({ host: '127.0.0.1', port: sim.port });
  const result = await runner.run({ key, executionId: 'x', image: 'alpine:3.20', command: ['echo'], env: { NAME: 'second' }, labels: {}, limits: {} });
  expect(result).toEqual({ containerId: first.id, exitCode: 0, stdout: 'hello first\n', stderr: '', reused: true });
  expect(started).toHaveLength(1);
  expect(sim.containers()).toEqual([]);
});

test('a cancelled run removes its running container', async () => {
  const { body } = await s.run(chain([manualTrigger(), dockerNode({ image: 'alpine:3.20', command: 'sleep 600' })]), { wait: false });
  await eventually(async () => (sim.containers().some((c) => c.labels[LABEL_EXECUTION] === body.id && c.state === 'running') ? true : undefined), 'the container to run');
  await s.h.client.workflow.getHandle(body.workflowId).cancel();
  await eventually(async () => (sim.containers().some((c) => c.labels[LABEL_EXECUTION] === body.id) ? undefined : true), 'the container to be removed');
  const view = await eventually(async () => {
    const v = (await (await s.call(`/api/v1/pipelines/executions/${body.id}`)).json()) as { status: string };
    return v.status === 'canceled' ? v : undefined;
  }, 'the run to be cancelled');
  expect(view.status).toBe('canceled');
});
