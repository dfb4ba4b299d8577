/**
 * Issue 12: forge URLs and agent endpoints given over the API are held to
 * `security.outbound_allow` when a connection is made, not only when they are
 * registered. A name that resolved to an allowed address at registration and
 * resolves to loopback now (DNS rebinding), a URL registered under a wider
 * policy (or stored without the API's check), and a redirect to loopback are
 * refused on the socket: the target never sees a request. The resolver is
 * injected where a name must change its answer; everything else is the real
 * clients against real servers, Postgres and Temporal.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createNode, listNodeViews } from '../../activities/agents/agent-store';
import { createIssueActivities } from '../../activities/forge/issue-activities';
import { createRepository } from '../../activities/intake/repository-store';
import { failureMessage, failureType } from '../../domain/failures';
import { createOutboundPolicy, guardedFetch, isOutboundRefusal, type Resolver } from '../../infra/outbound-policy';
import { GiteaSimulator, GITEA_SIM_TOKEN } from '../../simulators/gitea';
import { OllamaSimulator } from '../../simulators/ollama';
import { startHarness, testConfig, type Harness } from '../helpers/harness';

/** A plain server on 127.0.0.1 that counts what reaches it; `/hop` redirects to `to`. */
async function target(): Promise<{ port: number; paths: string[]; redirectTo(url: string): void; close(): Promise<void> }> {
  const paths: string[] = [];
  let to = '';
  const server: Server = createServer((req, res) => {
    paths.push(req.url ?? '');
    if (req.url === '/hop') res.writeHead(302, { location: to }).end();
    else res.end('secret');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    paths,
    redirectTo: (url) => (to = url),
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** Answers the given addresses for a name, one list per look-up, the last one for ever after. */
function resolverOf(answers: Record<string, string[][]>): Resolver {
  return async (host) => {
    const queue = answers[host];
    if (!queue) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
    return queue.length > 1 ? queue.shift()! : queue[0]!;
  };
}

async function refusalOf(request: Promise<unknown>): Promise<unknown> {
  const err = await request.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeDefined();
  return err;
}

describe('guarded fetch', () => {
  let server: Awaited<ReturnType<typeof target>>;
  beforeEach(async () => (server = await target()));
  afterEach(() => server.close());

  test('a name rebound to loopback after its registration check is refused when connecting', async () => {
    const resolve = resolverOf({ 'gitea.rebind.test': [['10.9.8.7'], ['127.0.0.1']] });
    const url = `http://gitea.rebind.test:${server.port}/api/v1/version`;
    // Registration: the name answers a LAN address, which `any` allows.
    expect(await createOutboundPolicy(['any'], resolve).refusal(url)).toBeUndefined();
    // Later it answers 127.0.0.1.
    const err = await refusalOf(guardedFetch(['any'], resolve)(url));
    expect(isOutboundRefusal(err)).toBe(true);
    expect(String((err as Error).cause)).toMatch(/gitea\.rebind\.test is a loopback address \(127\.0\.0\.1\)/);
    expect(server.paths).toEqual([]);
    // Where loopback is allowed, the same name reaches the server.
    const allowed = await guardedFetch(['any', 'loopback'], resolve)(url);
    expect(await allowed.text()).toBe('secret');
    expect(server.paths).toEqual(['/api/v1/version']);
  });

  test('an address literal and a redirect to loopback are refused; a host listed by name is reached', async () => {
    const resolve = resolverOf({ 'forge.lan': [['127.0.0.1']] });
    const fetchAllowed = guardedFetch(['any', 'forge.lan'], resolve);
    for (const url of [`http://127.0.0.1:${server.port}/literal`, `http://[::ffff:127.0.0.1]:${server.port}/mapped`]) {
      expect(isOutboundRefusal(await refusalOf(fetchAllowed(url)))).toBe(true);
    }
    server.redirectTo(`http://127.0.0.1:${server.port}/metadata`);
    expect(isOutboundRefusal(await refusalOf(fetchAllowed(`http://forge.lan:${server.port}/hop`)))).toBe(true);
    expect(server.paths).toEqual(['/hop']);
    expect(await (await fetchAllowed(`http://forge.lan:${server.port}/direct`)).text()).toBe('secret');
  });
});

describe('clients of registered URLs', () => {
  const OWNER = `conn${randomUUID().slice(0, 6)}`;
  // The default policy, as a production install has it; the URLs below were stored under a wider one.
  const strict = testConfig({ security: { outbound_allow: ['any'] } });
  let h: Harness;
  let gitea: GiteaSimulator;
  let ollama: OllamaSimulator;

  beforeAll(async () => {
    h = await startHarness({ config: strict });
    gitea = await GiteaSimulator.start();
    ollama = await OllamaSimulator.start({ models: ['llama3.1:8b'] });
  });
  afterAll(async () => {
    await ollama.stop();
    await gitea.stop();
    await h.close();
  });

  const repositoryAt = async (baseUrl: string, name: string): Promise<number> => {
    gitea.createRepo(OWNER, name);
    const repo = await createRepository(h.pool, { kind: 'gitea', baseUrl, owner: OWNER, name, token: GITEA_SIM_TOKEN, tokenFile: null, webhookSecret: 'x'.repeat(32), monitor: true, labels: [], syncIntervalSeconds: null });
    gitea.openIssue(OWNER, name, { title: 'a task', body: 'b', author: 'dana' });
    return repo!.id;
  };
  const forgeRequests = (name: string) => gitea.requests.filter((r) => r.path.includes(`/${OWNER}/${name}`));

  test('forge calls to a loopback base URL are refused at once, without retries, and reach nothing', async () => {
    for (const [name, baseUrl] of [
      ['literal', gitea.url],
      ['named', gitea.url.replace('127.0.0.1', 'localhost')],
    ] as const) {
      const repositoryId = await repositoryAt(baseUrl, name);
      const err = await refusalOf(createIssueActivities(h.pool, strict).loadTask({ repositoryId, number: 1 }));
      expect({ name, type: failureType(err) }).toEqual({ name, type: 'ForgeRejected' });
      expect(failureMessage(err)).toMatch(/refused by security\.outbound_allow: (127\.0\.0\.1|localhost) is a loopback address/);
      expect(forgeRequests(name)).toEqual([]);
    }
    // The same repository under a policy that allows loopback: the check is what stopped it.
    const lenient = testConfig();
    const repositoryId = await repositoryAt(gitea.url, 'allowed');
    expect(await createIssueActivities(h.pool, lenient).loadTask({ repositoryId, number: 1 })).toMatchObject({ title: 'a task' });
    expect(forgeRequests('allowed').length).toBeGreaterThan(0);
  });

  test('the health sweep does not reach an agent node registered on loopback, and shows it down with the reason', async () => {
    const id = `conn-${randomUUID().slice(0, 8)}`;
    await createNode(h.pool, id, { name: id, endpoint: ollama.url, models: ['llama3.1:8b'], specialization: null, capabilities: [], parallel: 1, hardware: {}, performance_targets: {} });
    await h.client.workflow.execute('agentHealthSweep', { workflowId: `health:${randomUUID()}`, taskQueue: h.taskQueue, args: [{ nodeIds: [id] }] });
    const view = (await listNodeViews(h.pool)).find((n) => n.id === id)!;
    expect(view.status).toBe('down');
    expect(view.lastError).toMatch(/refused by security\.outbound_allow: 127\.0\.0\.1 is a loopback address/);
    expect(ollama.stats.requests).toBe(0);
  });
});
