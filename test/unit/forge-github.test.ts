/**
 * The GitHub forge adapter, driving the real `@octokit/rest` client against
 * the GitHub simulator: what WHOOSH sees of issues, labels and comments, how
 * it rides out errors and rate limits, and the webhooks a receiver gets.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { Octokit } from '@octokit/rest';
import { createForge, ForgeError, type Forge } from '../../activities/forge';
import { GITHUB_SIM_TOKEN, GITHUB_SIM_USER, GitHubSimulator } from '../../simulators/github';
import { WebhookReceiver } from '../../simulators/forge-webhooks';

const OWNER = 'acme';
const FAST_RETRY = { initialDelayMs: 1, maxDelayMs: 5, maxRetryAfterMs: 3_000 };
const SECRET = 'hook-secret';

let sim: GitHubSimulator;
let repoCount = 0;

beforeAll(async () => {
  sim = await GitHubSimulator.start();
});

afterAll(async () => {
  await sim.stop();
});

function freshRepo(): { name: string; forge: Forge } {
  const name = `repo-${++repoCount}`;
  sim.createRepo(OWNER, name);
  return { name, forge: forgeFor(name) };
}

function forgeFor(name: string, token = GITHUB_SIM_TOKEN, baseUrl = sim.url): Forge {
  return createForge({ kind: 'github', baseUrl, owner: OWNER, name, token }, { retry: FAST_RETRY });
}

async function requestsDuring(fn: () => Promise<unknown>): Promise<{ method: string; path: string; status: number }[]> {
  const before = sim.requests.length;
  await fn().catch(() => undefined);
  return sim.requests.slice(before);
}

async function forgeErrorOf(promise: Promise<unknown>): Promise<ForgeError> {
  try {
    await promise;
  } catch (err) {
    expect(err).toBeInstanceOf(ForgeError);
    return err as ForgeError;
  }
  throw new Error('expected a ForgeError');
}

describe('issues', () => {
  test('gets one issue with its labels, author and link', async () => {
    const { name, forge } = freshRepo();
    sim.setClock('2025-03-01T10:00:00Z');
    const opened = sim.openIssue(OWNER, name, { title: 'Login page', labels: ['agent:ready'], author: 'alice' });
    sim.setClock(null);

    expect(await forge.getIssue(opened.number)).toEqual({
      number: opened.number,
      title: 'Login page',
      body: '', // GitHub sends null for an empty body
      state: 'open',
      labels: ['agent:ready'],
      author: 'alice',
      url: `${sim.url}/${OWNER}/${name}/issues/${opened.number}`,
      createdAt: '2025-03-01T10:00:00.000Z',
      updatedAt: '2025-03-01T10:00:00.000Z',
      isPullRequest: false,
    });
  });

  test('lists every issue across pages by following Link, and leaves pull requests out', async () => {
    const { name, forge } = freshRepo();
    for (let i = 1; i <= 120; i++) sim.openIssue(OWNER, name, { title: `Issue ${i}` });
    for (let i = 1; i <= 3; i++) sim.openPullRequest(OWNER, name, { title: `PR ${i}` });

    let issues: Awaited<ReturnType<Forge['listIssues']>> = [];
    const requests = await requestsDuring(async () => (issues = await forge.listIssues({ pageSize: 50 })));
    expect(issues).toHaveLength(120);
    expect(new Set(issues.map((i) => i.number)).size).toBe(120);
    expect(issues.every((i) => !i.isPullRequest)).toBe(true);
    // 123 items with pull requests: three pages of 50.
    expect(requests).toHaveLength(3);
    expect(requests.every((r) => r.path.includes('per_page=50'))).toBe(true);
  });

  test('filters by state, labels (all of them, any case) and update time', async () => {
    const { name, forge } = freshRepo();
    sim.setClock('2025-01-01T00:00:00Z');
    sim.openIssue(OWNER, name, { title: 'old', labels: ['bug'] });
    sim.setClock('2025-01-02T00:00:00Z');
    sim.openIssue(OWNER, name, { title: 'both', labels: ['bug', 'agent:ready'] });
    const closed = sim.openIssue(OWNER, name, { title: 'closed', labels: ['agent:ready'] });
    sim.closeIssue(OWNER, name, closed.number);
    sim.setClock(null);
    const titles = (issues: { title: string }[]) => issues.map((i) => i.title).sort();

    expect(titles(await forge.listIssues())).toEqual(['both', 'old']);
    expect(titles(await forge.listIssues({ state: 'closed' }))).toEqual(['closed']);
    expect(titles(await forge.listIssues({ state: 'all', labels: ['Agent:Ready'] }))).toEqual(['both', 'closed']);
    expect(titles(await forge.listIssues({ labels: ['bug', 'agent:ready'] }))).toEqual(['both']);
    expect(titles(await forge.listIssues({ state: 'all', since: '2025-01-01T12:00:00Z' }))).toEqual(['both', 'closed']);
    expect(await forge.listIssues({ labels: ['bug', 'no-such-label'] })).toEqual([]);
  });

  test('creates an issue with labels by name', async () => {
    const { name, forge } = freshRepo();
    await forge.ensureLabels([{ name: 'agent:ready', color: '0e8a16' }]);
    const issue = await forge.createIssue({ title: 'New work', body: 'Details', labels: ['agent:ready'] });
    expect(issue).toMatchObject({ title: 'New work', body: 'Details', labels: ['agent:ready'], author: GITHUB_SIM_USER });
    expect(sim.issue(OWNER, name, issue.number).labels).toEqual(['agent:ready']);
  });

  test('an unknown label is refused, where GitHub itself would create it', async () => {
    const { name, forge } = freshRepo();
    const { number } = sim.openIssue(OWNER, name, { title: 'x' });
    expect(await forgeErrorOf(forge.createIssue({ title: 'y', body: '', labels: ['typo'] }))).toMatchObject({ status: 422, retryable: false });
    expect(await forgeErrorOf(forge.addLabels(number, ['typo']))).toMatchObject({ status: 422, retryable: false });
    expect(sim.labels(OWNER, name)).toEqual([]);
    expect(sim.issues(OWNER, name)).toHaveLength(1);
  });
});

describe('comments and labels', () => {
  test('comments and lists every comment across pages', async () => {
    const { name, forge } = freshRepo();
    const { number } = sim.openIssue(OWNER, name, { title: 'Discuss' });
    for (let i = 1; i <= 105; i++) sim.addComment(OWNER, name, number, `c${i}`, 'alice');

    const mine = await forge.comment(number, 'Working on it');
    expect(mine).toMatchObject({ body: 'Working on it', author: GITHUB_SIM_USER });
    const comments = await forge.listComments(number);
    expect(comments).toHaveLength(106);
    expect(comments.at(-1)).toEqual(mine);
  });

  test('adds and removes labels by name; removing one the issue lacks is fine', async () => {
    const { name, forge } = freshRepo();
    await forge.ensureLabels([
      { name: 'agent:ready', color: '0e8a16' },
      { name: 'agent:working', color: 'fbca04' },
    ]);
    const { number } = sim.openIssue(OWNER, name, { title: 'Label me' });

    await forge.addLabels(number, ['agent:ready', 'agent:working']);
    expect(sim.issue(OWNER, name, number).labels).toEqual(['agent:ready', 'agent:working']);
    await forge.removeLabel(number, 'agent:ready');
    expect(sim.issue(OWNER, name, number).labels).toEqual(['agent:working']);

    const requests = await requestsDuring(() => forge.removeLabel(number, 'agent:ready'));
    expect(requests.map((r) => r.status)).toEqual([404]); // GitHub's "Label does not exist", taken as done
    await expect(forge.removeLabel(number, 'never-existed')).resolves.toBeUndefined();
  });

  test('ensureLabels creates what is missing, once, matching names in any case', async () => {
    const { name, forge } = freshRepo();
    sim.createLabel(OWNER, name, { name: 'Bug', color: 'ee0701' });
    const specs = [
      { name: 'bug', color: 'ee0701' },
      { name: 'agent:ready', color: '0E8A16', description: 'Ready for an agent' },
    ];

    expect(await forge.ensureLabels(specs)).toEqual({ created: ['agent:ready'], existing: ['bug'] });
    expect(await forge.ensureLabels(specs)).toEqual({ created: [], existing: ['bug', 'agent:ready'] });
    expect(sim.labels(OWNER, name).map((l) => [l.name, l.color, l.description])).toEqual([
      ['Bug', 'ee0701', ''],
      ['agent:ready', '0e8a16', 'Ready for an agent'],
    ]);
  });
});

describe('errors and rate limits', () => {
  test('retries 503 answers and succeeds', async () => {
    const { name, forge } = freshRepo();
    const { number } = sim.openIssue(OWNER, name, { title: 'Flaky' });
    sim.failNext(2, 503);
    let title = '';
    const requests = await requestsDuring(async () => (title = (await forge.getIssue(number)).title));
    expect(title).toBe('Flaky');
    expect(requests.map((r) => r.status)).toEqual([503, 503, 200]);
  });

  test('waits as long as a 429 Retry-After says', async () => {
    const { name, forge } = freshRepo();
    const { number } = sim.openIssue(OWNER, name, { title: 'Busy' });
    sim.failNext(1, 429, { retryAfter: 1 });
    const started = Date.now();
    await expect(forge.getIssue(number)).resolves.toMatchObject({ title: 'Busy' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
  });

  test('a Retry-After beyond the cap is cut to the cap', async () => {
    const { name } = freshRepo();
    const { number } = sim.openIssue(OWNER, name, { title: 'Patient' });
    const forge = createForge({ kind: 'github', baseUrl: sim.url, owner: OWNER, name, token: GITHUB_SIM_TOKEN }, { retry: { ...FAST_RETRY, maxRetryAfterMs: 50 } });
    sim.failNext(1, 429, { retryAfter: 3600 });
    const started = Date.now();
    await expect(forge.getIssue(number)).resolves.toMatchObject({ title: 'Patient' });
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  test('an exhausted rate limit (403, x-ratelimit-remaining 0) is waited out, not final', async () => {
    const { name, forge } = freshRepo();
    const { number } = sim.openIssue(OWNER, name, { title: 'Limited' });
    sim.failNext(1, 403, { rateLimitExhausted: true, retryAfter: 1 });
    const requests = await requestsDuring(() => forge.getIssue(number));
    expect(requests.map((r) => r.status)).toEqual([403, 200]);
  });

  test('gives up after its retries with a retryable ForgeError', async () => {
    const { forge } = freshRepo();
    sim.failNext(5, 500);
    const requests = await requestsDuring(async () => {
      expect(await forgeErrorOf(forge.listIssues())).toMatchObject({ status: 500, retryable: true });
    });
    expect(requests).toHaveLength(5);
  });

  test.each([403, 404, 422])('never retries a plain %i', async (status) => {
    const { forge } = freshRepo();
    sim.failNext(1, status);
    const requests = await requestsDuring(async () => {
      expect(await forgeErrorOf(forge.getIssue(1))).toMatchObject({ status, retryable: false });
    });
    expect(requests).toHaveLength(1);
  });

  test('a wrong token is a final 401', async () => {
    const { name } = freshRepo();
    const requests = await requestsDuring(async () => {
      const err = await forgeErrorOf(forgeFor(name, 'ghp_wrong').getIssue(1));
      expect(err).toMatchObject({ status: 401, retryable: false });
      expect(err.message).toContain('Bad credentials');
    });
    expect(requests).toHaveLength(1);
  });

  test('a server that does not answer is a retryable ForgeError without status', async () => {
    const dead = await GitHubSimulator.start();
    const url = dead.url;
    await dead.stop();
    const err = await forgeErrorOf(forgeFor('x', GITHUB_SIM_TOKEN, url).getIssue(1));
    expect(err).toMatchObject({ status: undefined, retryable: true });
    expect(err.message).toMatch(/ECONNREFUSED/);
  });
});

describe('webhooks', () => {
  let receiver: WebhookReceiver;

  beforeEach(async () => {
    receiver = await WebhookReceiver.start();
  });

  afterEach(async () => {
    sim.webhooks(true);
    await sim.settled();
    await receiver.stop();
  });

  /** Registers the receiver through the real client; GitHub pings it at once. */
  async function hookedRepo(): Promise<{ name: string; forge: Forge }> {
    const repo = freshRepo();
    const octokit = new Octokit({ auth: GITHUB_SIM_TOKEN, baseUrl: sim.url });
    const { data: hook } = await octokit.rest.repos.createWebhook({
      owner: OWNER,
      repo: repo.name,
      config: { url: receiver.url, secret: SECRET, content_type: 'json' },
      events: ['issues', 'issue_comment'],
    });
    expect(hook).toMatchObject({ active: true, events: ['issues', 'issue_comment'], config: { url: receiver.url, content_type: 'json' } });
    await sim.settled();
    expect(receiver.received.map((r) => r.headers['x-github-event'])).toEqual(['ping']);
    receiver.received.length = 0;
    return repo;
  }

  const signatureOk = (body: string, header: string | undefined): boolean => {
    const expected = Buffer.from(`sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}`);
    const given = Buffer.from(header ?? '');
    return given.length === expected.length && timingSafeEqual(given, expected);
  };

  const payloads = () => receiver.received.map((r) => ({ event: r.headers['x-github-event'], ...JSON.parse(r.body) }));

  test('an opened issue arrives signed, then one labeled event per label', async () => {
    const { forge } = await hookedRepo();
    await forge.ensureLabels([{ name: 'agent:ready', color: '0e8a16' }]);
    const issue = await forge.createIssue({ title: 'Hooked', body: 'b', labels: ['agent:ready'] });
    await sim.settled();

    const [opened, labeled] = receiver.received;
    expect(opened?.headers).toMatchObject({ 'content-type': 'application/json', 'x-github-event': 'issues' });
    expect(opened?.headers['user-agent']).toMatch(/^GitHub-Hookshot\//);
    expect(opened?.headers['x-github-delivery']).toMatch(/^[0-9a-f-]{36}$/);
    expect(signatureOk(opened?.body ?? '', opened?.headers['x-hub-signature-256'])).toBe(true);
    expect(signatureOk(labeled?.body ?? '', labeled?.headers['x-hub-signature-256'])).toBe(true);
    expect(payloads()).toMatchObject([
      { event: 'issues', action: 'opened', issue: { number: issue.number, title: 'Hooked' }, sender: { login: GITHUB_SIM_USER }, repository: { owner: { login: OWNER } } },
      { event: 'issues', action: 'labeled', label: { name: 'agent:ready' }, issue: { number: issue.number } },
    ]);
  });

  test('label changes arrive as labeled/unlabeled naming the label; comments and closing too', async () => {
    const { name, forge } = await hookedRepo();
    await forge.ensureLabels([
      { name: 'agent:ready', color: '0e8a16' },
      { name: 'agent:working', color: 'fbca04' },
    ]);
    const { number } = sim.openIssue(OWNER, name, { title: 'x', labels: ['agent:ready'] });
    await sim.settled();
    receiver.received.length = 0;

    await forge.addLabels(number, ['agent:working']);
    await forge.removeLabel(number, 'agent:ready');
    await forge.comment(number, 'On it');
    sim.closeIssue(OWNER, name, number, 'alice');
    await sim.settled();

    expect(payloads()).toMatchObject([
      { event: 'issues', action: 'labeled', label: { name: 'agent:working' } },
      { event: 'issues', action: 'unlabeled', label: { name: 'agent:ready' } },
      { event: 'issue_comment', action: 'created', comment: { body: 'On it', user: { login: GITHUB_SIM_USER } }, issue: { number } },
      { event: 'issues', action: 'closed', issue: { state: 'closed', state_reason: 'completed' }, sender: { login: 'alice' } },
    ]);
  });

  test('redeliver keeps the delivery id; newDeliveryId gives the same body a new one', async () => {
    const { name } = await hookedRepo();
    sim.openIssue(OWNER, name, { title: 'again' });
    await sim.settled();
    const first = receiver.received[0];
    const id = first?.headers['x-github-delivery'] ?? '';

    expect(await sim.redeliver(id)).toBe(200);
    expect(await sim.redeliver(id, { newDeliveryId: true })).toBe(200);
    const [, redelivered, replayed] = receiver.received;
    expect(redelivered?.headers['x-github-delivery']).toBe(id);
    expect(redelivered?.body).toBe(first?.body);
    expect(replayed?.headers['x-github-delivery']).not.toBe(id);
    expect(replayed?.body).toBe(first?.body);
    expect(replayed?.headers['x-hub-signature-256']).toBe(first?.headers['x-hub-signature-256']);
  });

  test('while deliveries are off nothing arrives and the misses are recorded', async () => {
    const { name } = await hookedRepo();
    sim.webhooks(false);
    sim.openIssue(OWNER, name, { title: 'missed' });
    await sim.settled();
    expect(receiver.received).toHaveLength(0);
    expect(sim.deliveries.at(-1)).toMatchObject({ status: 'error', event: 'issues', action: 'opened' });
  });
});
