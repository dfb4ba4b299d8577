/**
 * The Docker deployer, driving the real `dockerode` against the Docker
 * simulator: what lands on the engine when WHOOSH deploys an agent, that doing
 * it twice (or twice at once) still gives one agent, and how failures reach
 * the caller.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { agentResourceName, createDockerDeployer, DockerError, type AgentContainerSpec, type DockerDeployer } from '../../activities/docker';
import { DockerSimulator } from '../../simulators/docker';

const IMAGE = 'ghcr.io/acme/whoosh-agent:1.4';
const LIMITS = { nanoCpus: 1_500_000_000, memoryBytes: 512 * 1024 * 1024, pids: 256 };

let sim: DockerSimulator;
let docker: DockerDeployer;
let teamCount = 0;

beforeAll(async () => {
  sim = await DockerSimulator.start();
  docker = createDockerDeployer({ host: sim.host, port: sim.port });
});

afterEach(() => {
  sim.swarm(false);
  sim.latency(0);
});

afterAll(async () => {
  await sim.stop();
});

/** A fresh team per test, so tests never see each other's agents. */
function freshTeam(): string {
  return `team-${++teamCount}`;
}

function agentSpec(teamId: string, overrides: Partial<AgentContainerSpec> = {}): AgentContainerSpec {
  return {
    teamId,
    taskId: 'task-42',
    role: 'developer',
    agentName: 'Ada',
    image: IMAGE,
    command: ['run', '--once'],
    env: { WHOOSH_AGENT: 'Ada', WHOOSH_TEAM: teamId, WHOOSH_ISSUE_URL: 'http://gitea.lan/acme/app/issues/7', WHOOSH_TOKEN: 's3cret-token' },
    limits: LIMITS,
    ...overrides,
  };
}

function labelsOf(spec: AgentContainerSpec): Record<string, string> {
  return { 'whoosh.team': spec.teamId, 'whoosh.role': spec.role, 'whoosh.task': spec.taskId, 'whoosh.agent': spec.agentName };
}

function containersOf(teamId: string): ReturnType<DockerSimulator['containers']> {
  return sim.containers().filter((c) => c.labels['whoosh.team'] === teamId);
}

async function dockerErrorOf(promise: Promise<unknown>): Promise<DockerError> {
  try {
    await promise;
  } catch (err) {
    expect(err).toBeInstanceOf(DockerError);
    return err as DockerError;
  }
  throw new Error('expected a DockerError');
}

/** The requests the simulator answered while `fn` ran. */
async function requestsDuring(fn: () => Promise<unknown>): Promise<{ method: string; path: string; status: number }[]> {
  const before = sim.requests.length;
  await fn();
  return sim.requests.slice(before);
}

/** A Unix socket in front of the simulator's TCP port, as /var/run/docker.sock is in front of dockerd. Resolves to its closer. */
async function unixSocketRelay(socketPath: string, host: string, port: number): Promise<() => Promise<void>> {
  const open = new Set<net.Socket>();
  const relay = net.createServer((client) => {
    const upstream = net.connect(port, host);
    const cut = (): void => {
      client.destroy();
      upstream.destroy();
    };
    for (const socket of [client, upstream]) {
      open.add(socket);
      socket.on('error', cut).on('close', () => {
        open.delete(socket);
        cut();
      });
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => relay.listen(socketPath, resolve));
  return async () => {
    for (const socket of open) socket.destroy();
    await new Promise<void>((resolve) => relay.close(() => resolve()));
  };
}

describe('mode', () => {
  test('is swarm only on an active swarm manager', async () => {
    expect(await docker.mode()).toBe('containers');
    sim.swarm(true);
    expect(await docker.mode()).toBe('swarm');
    sim.swarm('worker'); // in a swarm, but services cannot be created here
    expect(await docker.mode()).toBe('containers');
  });
});

describe('containers mode', () => {
  test('pulls the missing image, creates the container exactly as specified and starts it', async () => {
    const team = freshTeam();
    const spec = agentSpec(team, { network: 'whoosh-net' });
    expect(sim.images()).not.toContain(IMAGE);

    let deployed: Awaited<ReturnType<DockerDeployer['deploy']>> | undefined;
    const requests = await requestsDuring(async () => {
      deployed = await docker.deploy(spec);
    });

    expect(sim.images()).toContain(IMAGE);
    const [container, ...others] = containersOf(team);
    expect(others).toEqual([]);
    expect(deployed).toEqual({ id: container?.id, name: `whoosh-${team}-developer`, kind: 'container', role: 'developer', created: true });
    expect(container).toMatchObject({
      name: `whoosh-${team}-developer`,
      image: IMAGE,
      cmd: ['run', '--once'],
      env: ['WHOOSH_AGENT=Ada', `WHOOSH_TEAM=${team}`, 'WHOOSH_ISSUE_URL=http://gitea.lan/acme/app/issues/7', 'WHOOSH_TOKEN=s3cret-token'],
      labels: labelsOf(spec),
      limits: { NanoCpus: LIMITS.nanoCpus, Memory: LIMITS.memoryBytes, PidsLimit: LIMITS.pids },
      networkMode: 'whoosh-net',
      restartPolicy: 'unless-stopped',
      state: 'running',
    });
    expect(requests.map((r) => `${r.method} ${r.path.split('?')[0]} ${r.status}`)).toEqual([
      'GET /info 200',
      'GET /containers/json 200',
      `GET /images/${IMAGE}/json 404`,
      'POST /images/create 200',
      'POST /containers/create 201',
      `POST /containers/${container?.id}/start 204`,
    ]);
    // The agent's environment travels in the body only, never in a URL a proxy might log.
    expect(requests.some((r) => r.path.includes('s3cret'))).toBe(false);
  });

  test('does not pull an image the engine already has', async () => {
    const team = freshTeam();
    await docker.deploy(agentSpec(team));
    const requests = await requestsDuring(() => docker.deploy(agentSpec(team, { role: 'reviewer' })));
    expect(requests.filter((r) => r.path.startsWith('/images/create'))).toEqual([]);
  });

  test('deploying the same agent again finds the one already there', async () => {
    const team = freshTeam();
    const first = await docker.deploy(agentSpec(team));
    const requests = await requestsDuring(async () => {
      const again = await docker.deploy(agentSpec(team));
      expect(again).toEqual({ ...first, created: false });
    });
    expect(containersOf(team)).toHaveLength(1);
    expect(requests.filter((r) => r.method === 'POST')).toEqual([]);
  });

  test('an agent that has stopped is started again by the next deploy', async () => {
    const team = freshTeam();
    const first = await docker.deploy(agentSpec(team));
    sim.setContainerState(first.id, 'exited');
    const again = await docker.deploy(agentSpec(team));
    expect(again).toMatchObject({ id: first.id, created: false });
    expect(containersOf(team).map((c) => c.state)).toEqual(['running']);
  });

  test('a deploy that loses the race for the name takes the winner, and starts it', async () => {
    const team = freshTeam();
    const spec = agentSpec(team);
    // Another worker creates the same agent after this deploy looked for it and before it creates it.
    let rival: ReturnType<DockerSimulator['addContainer']> | undefined;
    sim.beforeNextCreate(() => {
      rival = sim.addContainer({ name: agentResourceName(team, 'developer'), image: IMAGE, labels: labelsOf(spec) });
    });

    const deployed = await docker.deploy(spec);

    expect(deployed).toMatchObject({ id: rival?.id, name: rival?.name, created: false });
    expect(containersOf(team)).toEqual([expect.objectContaining({ id: rival?.id, state: 'running' })]);
    expect(sim.requests.some((r) => r.path.startsWith('/containers/create') && r.status === 409)).toBe(true);
  });

  test('two deploys of one agent at once leave one container', async () => {
    const team = freshTeam();
    const results = await Promise.all([docker.deploy(agentSpec(team)), docker.deploy(agentSpec(team))]);
    expect(results.map((r) => r.created).sort()).toEqual([false, true]);
    expect(new Set(results.map((r) => r.id)).size).toBe(1);
    expect(containersOf(team)).toEqual([expect.objectContaining({ state: 'running' })]);
  });

  test('a name taken by something that is not this agent is a conflict, not a success', async () => {
    const team = freshTeam();
    await docker.deploy(agentSpec(team, { taskId: 'task-1' }));
    // Same team and role, another task: the name is the same, the agent is not.
    const err = await dockerErrorOf(docker.deploy(agentSpec(team, { taskId: 'task-2' })));
    expect(err).toMatchObject({ status: 409, retryable: false });
    expect(err.message).toContain('whoosh.task=task-1');
    expect(containersOf(team)).toHaveLength(1);
  });
});

describe('swarm mode', () => {
  test('creates a replicated service with the limits, labels, env and network, without pulling', async () => {
    sim.swarm(true);
    const team = freshTeam();
    const spec = agentSpec(team, { network: 'whoosh-overlay', image: 'ghcr.io/acme/never-pulled:2.0' });

    const deployed = await docker.deploy(spec);

    const [service, ...others] = sim.services().filter((s) => s.labels['whoosh.team'] === team);
    expect(others).toEqual([]);
    expect(deployed).toEqual({ id: service?.id, name: `whoosh-${team}-developer`, kind: 'service', role: 'developer', created: true });
    expect(service).toMatchObject({
      name: `whoosh-${team}-developer`,
      image: 'ghcr.io/acme/never-pulled:2.0',
      command: undefined,
      args: ['run', '--once'],
      env: ['WHOOSH_AGENT=Ada', `WHOOSH_TEAM=${team}`, 'WHOOSH_ISSUE_URL=http://gitea.lan/acme/app/issues/7', 'WHOOSH_TOKEN=s3cret-token'],
      labels: labelsOf(spec),
      containerLabels: labelsOf(spec),
      limits: { NanoCPUs: LIMITS.nanoCpus, MemoryBytes: LIMITS.memoryBytes, Pids: LIMITS.pids },
      networks: ['whoosh-overlay'],
      replicas: 1,
    });
    expect(sim.images()).not.toContain('ghcr.io/acme/never-pulled:2.0');
    expect(containersOf(team)).toEqual([]);
  });

  test('deploying the same agent again, or twice at once, leaves one service', async () => {
    sim.swarm(true);
    const team = freshTeam();
    const first = await docker.deploy(agentSpec(team));
    expect(await docker.deploy(agentSpec(team))).toEqual({ ...first, created: false });

    const other = freshTeam();
    const racing = await Promise.all([docker.deploy(agentSpec(other)), docker.deploy(agentSpec(other))]);
    expect(racing.map((r) => r.created).sort()).toEqual([false, true]);
    expect(new Set(racing.map((r) => r.id)).size).toBe(1);
    expect(sim.services().filter((s) => [team, other].includes(s.labels['whoosh.team'] ?? ''))).toHaveLength(2);
  });
});

describe('list and remove', () => {
  async function deployTeam(team: string): Promise<void> {
    for (const role of ['developer', 'reviewer', 'tester']) await docker.deploy(agentSpec(team, { role }));
  }

  test('list shows the team’s agents only', async () => {
    const team = freshTeam();
    const other = freshTeam();
    await deployTeam(team);
    await docker.deploy(agentSpec(other));

    const listed = await docker.list(team);
    expect(listed.map((a) => [a.name, a.role, a.kind]).sort()).toEqual([
      [`whoosh-${team}-developer`, 'developer', 'container'],
      [`whoosh-${team}-reviewer`, 'reviewer', 'container'],
      [`whoosh-${team}-tester`, 'tester', 'container'],
    ]);
  });

  test('remove(team) removes every agent of the team, and again is a no-op', async () => {
    const team = freshTeam();
    const other = freshTeam();
    await deployTeam(team);
    await docker.deploy(agentSpec(other));

    expect((await docker.remove(team)).sort()).toEqual([`whoosh-${team}-developer`, `whoosh-${team}-reviewer`, `whoosh-${team}-tester`]);
    expect(containersOf(team)).toEqual([]);
    expect(await docker.list(team)).toEqual([]);
    expect(await docker.remove(team)).toEqual([]);
    expect(containersOf(other)).toHaveLength(1);
  });

  test('remove(team, role) removes that role only', async () => {
    const team = freshTeam();
    await deployTeam(team);
    expect(await docker.remove(team, 'reviewer')).toEqual([`whoosh-${team}-reviewer`]);
    expect(containersOf(team).map((c) => c.labels['whoosh.role']).sort()).toEqual(['developer', 'tester']);
  });

  test('in swarm mode, services are listed and removed too', async () => {
    const team = freshTeam();
    await docker.deploy(agentSpec(team, { role: 'developer' })); // from before the swarm
    sim.swarm(true);
    await docker.deploy(agentSpec(team, { role: 'reviewer' }));

    expect((await docker.list(team)).map((a) => [a.role, a.kind]).sort()).toEqual([
      ['developer', 'container'],
      ['reviewer', 'service'],
    ]);
    expect((await docker.remove(team)).sort()).toEqual([`whoosh-${team}-developer`, `whoosh-${team}-reviewer`]);
    expect(sim.services().filter((s) => s.labels['whoosh.team'] === team)).toEqual([]);
    expect(await docker.remove(team)).toEqual([]);
  });
});

describe('failures', () => {
  test('the third of four deployments fails with a retryable DockerError, and a retry deploys it', async () => {
    const team = freshTeam();
    const roles = ['architect', 'developer', 'reviewer', 'tester'];
    await docker.deploy(agentSpec(team, { role: 'warm-up' })); // pull the image first
    sim.failCreateAfter(2);

    const outcomes = [];
    for (const role of roles) outcomes.push(await docker.deploy(agentSpec(team, { role })).catch((err: unknown) => err));

    expect(outcomes[2]).toBeInstanceOf(DockerError);
    expect(outcomes[2]).toMatchObject({ status: 500, retryable: true });
    expect((outcomes[2] as DockerError).message).toContain('simulated failure');
    expect(outcomes.filter((o) => !(o instanceof DockerError)).map((o) => (o as { role: string }).role)).toEqual(['architect', 'developer', 'tester']);

    expect(await docker.deploy(agentSpec(team, { role: 'reviewer' }))).toMatchObject({ role: 'reviewer', created: true });
    expect(containersOf(team)).toHaveLength(5);
  });

  test('a failed service create fails the deploy the same way', async () => {
    sim.swarm(true);
    sim.failCreateAfter(0, 503, 'rpc error: code = Unavailable desc = the raft is down');
    const err = await dockerErrorOf(docker.deploy(agentSpec(freshTeam())));
    expect(err).toMatchObject({ status: 503, retryable: true });
    expect(err.message).toContain('the raft is down');
  });

  test('5xx answers are retryable, 4xx answers are not', async () => {
    sim.failNext(1, 500, 'Internal Server Error: containerd is restarting');
    const serverError = await dockerErrorOf(docker.deploy(agentSpec(freshTeam())));
    expect(serverError).toMatchObject({ status: 500, retryable: true });
    expect(serverError.message).toBe('Docker info: HTTP 500 Internal Server Error: containerd is restarting');

    sim.failNext(1, 400, 'bad parameter');
    expect(await dockerErrorOf(docker.list(freshTeam()))).toMatchObject({ status: 400, retryable: false });

    // A 4xx Docker itself chooses: a memory limit below its minimum.
    const tooSmall = await dockerErrorOf(docker.deploy(agentSpec(freshTeam(), { limits: { ...LIMITS, memoryBytes: 1024 } })));
    expect(tooSmall).toMatchObject({ status: 400, retryable: false });
    expect(tooSmall.message).toContain('Minimum memory limit allowed is 6MB');
  });

  test('a pull that fails mid-stream fails the deploy, though Docker answered 200', async () => {
    const team = freshTeam();
    sim.refusePull('ghcr.io/acme/flaky:1.0', 'toomanyrequests: rate limit exceeded');
    const err = await dockerErrorOf(docker.deploy(agentSpec(team, { image: 'ghcr.io/acme/flaky:1.0' })));
    expect(err).toMatchObject({ status: undefined, retryable: true });
    expect(err.message).toContain('toomanyrequests');
    expect(containersOf(team)).toEqual([]);
  });

  test('a daemon that is down is a retryable failure; once back, its state is intact', async () => {
    const team = freshTeam();
    await docker.deploy(agentSpec(team));
    await sim.kill();
    try {
      const err = await dockerErrorOf(docker.list(team));
      expect(err).toMatchObject({ status: undefined, retryable: true });
      expect(err.message).toContain('ECONNREFUSED');
    } finally {
      await sim.restart();
    }
    expect(await docker.list(team)).toHaveLength(1);
  });

  test('a daemon that does not answer in time is a retryable failure', async () => {
    const impatient = createDockerDeployer({ host: sim.host, port: sim.port }, { timeoutMs: 100 });
    sim.latency(1_000);
    expect(await dockerErrorOf(impatient.mode())).toMatchObject({ status: undefined, retryable: true });
  });

  test('an invalid spec is refused before Docker is asked', async () => {
    const requests = await requestsDuring(async () => {
      await expect(docker.deploy(agentSpec(freshTeam(), { role: ' ' }))).rejects.toThrow(RangeError);
      await expect(docker.deploy(agentSpec(freshTeam(), { env: { 'A=B': 'x' } }))).rejects.toThrow(RangeError);
      await expect(docker.deploy(agentSpec(freshTeam(), { limits: { ...LIMITS, pids: 0 } }))).rejects.toThrow(RangeError);
    });
    expect(requests).toEqual([]);
  });
});

describe('api version', () => {
  test('a pinned API version is used in every path, and one the engine lacks is refused', async () => {
    const pinned = createDockerDeployer({ host: sim.host, port: sim.port }, { apiVersion: '1.47' });
    const team = freshTeam();
    const requests = await requestsDuring(() => pinned.deploy(agentSpec(team)));
    expect(requests.length).toBeGreaterThan(0);
    expect(requests.every((r) => r.path.startsWith('/v1.47/'))).toBe(true);
    expect(await pinned.list(team)).toHaveLength(1);

    const tooNew = createDockerDeployer({ host: sim.host, port: sim.port }, { apiVersion: '1.99' });
    const err = await dockerErrorOf(tooNew.mode());
    expect(err).toMatchObject({ status: 400, retryable: false });
    expect(err.message).toContain('client version 1.99 is too new');
  });
});

describe('connection', () => {
  test('a Unix socket target works, as on /var/run/docker.sock', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'whoosh-docker-'));
    const socketPath = path.join(dir, 'docker.sock');
    const closeRelay = await unixSocketRelay(socketPath, sim.host, sim.port);
    try {
      const viaSocket = createDockerDeployer({ socketPath });
      const team = freshTeam();
      expect(await viaSocket.deploy(agentSpec(team))).toMatchObject({ kind: 'container', created: true });
      expect(await viaSocket.list(team)).toHaveLength(1);
      expect(containersOf(team)).toHaveLength(1);
    } finally {
      await closeRelay();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('DOCKER_* variables in the environment do not redirect it', async () => {
    const saved = { DOCKER_HOST: process.env.DOCKER_HOST, DOCKER_TLS_VERIFY: process.env.DOCKER_TLS_VERIFY };
    process.env.DOCKER_HOST = 'tcp://192.0.2.1:2376';
    process.env.DOCKER_TLS_VERIFY = '1';
    try {
      const viaTcp = createDockerDeployer({ host: sim.host, port: sim.port });
      expect(await viaTcp.mode()).toBe('containers');
    } finally {
      for (const [key, value] of Object.entries(saved)) {
        if (value === undefined) delete process.env[key];
        else process.env[key] = value;
      }
    }
  });
});

describe('names', () => {
  test('follow whoosh-<team>-<role>, made valid for containers and services alike', () => {
    expect(agentResourceName('team-7', 'developer')).toBe('whoosh-team-7-developer');
    expect(agentResourceName('Acme Corp/web', 'Lead Dev.')).toBe('whoosh-Acme-Corp-web-Lead-Dev');
    const long = agentResourceName('x'.repeat(80), 'developer');
    expect(long).toHaveLength(63);
    expect(long).toMatch(/^[a-zA-Z0-9](?:[-_]*[A-Za-z0-9]+)*$/);
    expect(agentResourceName('x'.repeat(80), 'reviewer')).not.toBe(long);
  });
});
