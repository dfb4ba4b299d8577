/**
 * The Gitea forge adapter, driving the real `gitea-js` client against the
 * Gitea simulator: what WHOOSH sees of issues, labels and comments, how it
 * rides out a struggling server, and the webhooks a receiver gets.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { giteaApi } from 'gitea-js';
import { createForge, ForgeError, type Forge } from '../../activities/forge';
import { GITEA_SIM_TOKEN, GITEA_SIM_USER, GiteaSimulator } from '../../simulators/gitea';
import { WebhookReceiver } from '../../simulators/forge-webhooks';

const OWNER = 'acme';
const FAST_RETRY = { initialDelayMs: 1, maxDelayMs: 5, maxRetryAfterMs: 3_000 };
const SECRET = 'hook-secret';

let sim: GiteaSimulator;
let repoCount = 0;

beforeAll(async () => {
  sim = await GiteaSimulator.start({ tokens: { [GITEA_SIM_TOKEN]: GITEA_SIM_USER, 'alice-token': 'alice' } });
});

afterAll(async () => {
  await sim.stop();
});

/** A fresh repository per test, so tests never see each other's issues. */
function freshRepo(): { name: string; forge: Forge } {
  const name = `repo-${++repoCount}`;
  sim.createRepo(OWNER, name);
  return { name, forge: forgeFor(name) };
}

function forgeFor(name: string, token = GITEA_SIM_TOKEN, baseUrl = sim.url): Forge {
  return createForge({ kind: 'gitea', baseUrl, owner: OWNER, name, token }, { retry: FAST_RETRY });
}

/** The API requests the simulator answered while `fn` ran. */
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
    const opened = sim.openIssue(OWNER, name, { title: 'Login page', body: 'Build it', labels: ['agent:ready', 'ui'], author: 'alice' });
    sim.setClock(null);

    const issue = await forge.getIssue(opened.number);
    expect(issue).toEqual({
      number: opened.number,
      title: 'Login page',
      body: 'Build it',
      state: 'open',
      labels: ['agent:ready', 'ui'],
      author: 'alice',
      url: `${sim.url}/${OWNER}/${name}/issues/${opened.number}`,
      createdAt: '2025-03-01T10:00:00.000Z',
      updatedAt: '2025-03-01T10:00:00.000Z',
      isPullRequest: false,
    });
  });

  test('lists every issue across pages and leaves pull requests out', async () => {
    const { name, forge } = freshRepo();
    for (let i = 1; i <= 120; i++) sim.openIssue(OWNER, name, { title: `Issue ${i}` });
    for (let i = 1; i <= 3; i++) sim.openPullRequest(OWNER, name, { title: `PR ${i}` });

    let issues: Awaited<ReturnType<Forge['listIssues']>> = [];
    const requests = await requestsDuring(async () => (issues = await forge.listIssues({ pageSize: 50 })));
    expect(issues).toHaveLength(120);
    expect(new Set(issues.map((i) => i.number)).size).toBe(120);
    expect(issues.every((i) => !i.isPullRequest && i.title.startsWith('Issue'))).toBe(true);
    expect(requests.map((r) => r.path)).toEqual([1, 2, 3].map((page) => expect.stringContaining(`page=${page}`)));
    expect(requests.every((r) => r.path.includes('type=issues') && r.path.includes('limit=50'))).toBe(true);
  });

  test('pages by X-Total-Count when Gitea serves fewer items per page than asked', async () => {
    const { name, forge } = freshRepo();
    for (let i = 1; i <= 70; i++) sim.openIssue(OWNER, name, { title: `Issue ${i}` });
    // Gitea caps a page at MAX_RESPONSE_ITEMS (50): a page of 50 for limit=100 is not the last.
    expect(await forge.listIssues({ pageSize: 100 })).toHaveLength(70);
  });

  test('filters by state, by labels (all of them) and by update time', async () => {
    const { name, forge } = freshRepo();
    sim.setClock('2025-01-01T00:00:00Z');
    const old = sim.openIssue(OWNER, name, { title: 'old', labels: ['bug'] });
    sim.setClock('2025-01-02T00:00:00Z');
    const both = sim.openIssue(OWNER, name, { title: 'both', labels: ['bug', 'agent:ready'] });
    const closed = sim.openIssue(OWNER, name, { title: 'closed', labels: ['agent:ready'] });
    sim.closeIssue(OWNER, name, closed.number);
    sim.setClock(null);
    const titles = (issues: { title: string }[]) => issues.map((i) => i.title).sort();

    expect(titles(await forge.listIssues())).toEqual(['both', 'old']);
    expect(titles(await forge.listIssues({ state: 'closed' }))).toEqual(['closed']);
    expect(titles(await forge.listIssues({ state: 'all' }))).toEqual(['both', 'closed', 'old']);
    expect(titles(await forge.listIssues({ state: 'all', labels: ['agent:ready'] }))).toEqual(['both', 'closed']);
    expect(titles(await forge.listIssues({ labels: ['bug', 'agent:ready'] }))).toEqual(['both']);
    expect(titles(await forge.listIssues({ state: 'all', since: '2025-01-01T12:00:00Z' }))).toEqual(['both', 'closed']);
    // Gitea would drop an unknown label from the filter and answer more, not less.
    expect(await forge.listIssues({ labels: ['bug', 'no-such-label'] })).toEqual([]);
    expect(old.number).toBeLessThan(both.number);
  });

  test('creates an issue with labels by name', async () => {
    const { name, forge } = freshRepo();
    await forge.ensureLabels([{ name: 'agent:ready', color: '0e8a16' }]);
    const issue = await forge.createIssue({ title: 'New work', body: 'Details', labels: ['agent:ready'] });
    expect(issue).toMatchObject({ title: 'New work', body: 'Details', labels: ['agent:ready'], author: GITEA_SIM_USER, state: 'open' });
    expect(sim.issue(OWNER, name, issue.number).labels).toEqual(['agent:ready']);
  });

  test('creating an issue with a label the repository lacks fails before anything is created', async () => {
    const { name, forge } = freshRepo();
    const err = await forgeErrorOf(forge.createIssue({ title: 'x', body: '', labels: ['nope'] }));
    expect(err).toMatchObject({ status: 422, retryable: false });
    expect(sim.issues(OWNER, name)).toEqual([]);
  });
});

describe('comments and labels', () => {
  test('comments and lists comments', async () => {
    const { name, forge } = freshRepo();
    const { number } = sim.openIssue(OWNER, name, { title: 'Discuss' });
    sim.addComment(OWNER, name, number, 'First!', 'alice');

    const mine = await forge.comment(number, 'Working on it');
    expect(mine).toMatchObject({ body: 'Working on it', author: GITEA_SIM_USER });
    expect(typeof mine.id).toBe('number');
    const comments = await forge.listComments(number);
    expect(comments.map((c) => [c.author, c.body])).toEqual([
      ['alice', 'First!'],
      [GITEA_SIM_USER, 'Working on it'],
    ]);
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

    await expect(forge.removeLabel(number, 'agent:ready')).resolves.toBeUndefined();
    await expect(forge.removeLabel(number, 'never-existed')).resolves.toBeUndefined();
    expect(sim.issue(OWNER, name, number).labels).toEqual(['agent:working']);
  });

  test('adding a label the repository lacks is refused, not created', async () => {
    const { name, forge } = freshRepo();
    const { number } = sim.openIssue(OWNER, name, { title: 'x' });
    const err = await forgeErrorOf(forge.addLabels(number, ['typo']));
    expect(err).toMatchObject({ status: 422, retryable: false });
    expect(err.message).toContain('"typo"');
    expect(sim.labels(OWNER, name)).toEqual([]);
  });

  test('ensureLabels creates what is missing, once', async () => {
    const { name, forge } = freshRepo();
    sim.createLabel(OWNER, name, { name: 'bug', color: 'ee0701' });
    const specs = [
      { name: 'bug', color: 'ee0701' },
      { name: 'agent:ready', color: '0E8A16', description: 'Ready for an agent' },
    ];

    expect(await forge.ensureLabels(specs)).toEqual({ created: ['agent:ready'], existing: ['bug'] });
    expect(await forge.ensureLabels(specs)).toEqual({ created: [], existing: ['bug', 'agent:ready'] });
    expect(sim.labels(OWNER, name).map(({ name: n, color, description }) => ({ n, color, description }))).toEqual([
      { n: 'bug', color: 'ee0701', description: '' },
      { n: 'agent:ready', color: '0e8a16', description: 'Ready for an agent' },
    ]);
  });

  test('ensureLabels refuses a malformed color before calling Gitea', async () => {
    const { forge } = freshRepo();
    await expect(forge.ensureLabels([{ name: 'x', color: '#00ff00' }])).rejects.toThrow(/six hex digits/);
  });
});

describe('a struggling server', () => {
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

  test('gives up after its retries with a retryable ForgeError', async () => {
    const { forge } = freshRepo();
    sim.failNext(5, 502);
    const requests = await requestsDuring(async () => {
      const err = await forgeErrorOf(forge.getIssue(1));
      expect(err).toMatchObject({ status: 502, retryable: true });
    });
    expect(requests).toHaveLength(5); // the first attempt and 4 retries
  });

  test.each([404, 422])('never retries a %i', async (status) => {
    const { forge } = freshRepo();
    sim.failNext(1, status);
    const requests = await requestsDuring(async () => {
      const err = await forgeErrorOf(forge.listIssues());
      expect(err).toMatchObject({ status, retryable: false });
    });
    expect(requests).toHaveLength(1);
  });

  test('a missing issue is a final 404', async () => {
    const { forge } = freshRepo();
    const err = await forgeErrorOf(forge.getIssue(999));
    expect(err).toMatchObject({ status: 404, retryable: false });
    expect(err.message).toContain("The target couldn't be found.");
  });

  test('a wrong token is a final 401', async () => {
    const { name } = freshRepo();
    const requests = await requestsDuring(async () => {
      const err = await forgeErrorOf(forgeFor(name, 'wrong-token').listIssues());
      expect(err).toMatchObject({ status: 401, retryable: false });
    });
    expect(requests).toHaveLength(1);
  });

  test('a server that does not answer is a retryable ForgeError without status', async () => {
    const dead = await GiteaSimulator.start();
    const url = dead.url;
    await dead.stop();
    const err = await forgeErrorOf(forgeFor('x', GITEA_SIM_TOKEN, url).getIssue(1));
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

  /** Registers the receiver through the real client, the way an operator's setup script would. */
  async function hookedRepo(): Promise<{ name: string; forge: Forge }> {
    const repo = freshRepo();
    const api = giteaApi(sim.url, { token: GITEA_SIM_TOKEN });
    const { data: hook } = await api.repos.repoCreateHook(OWNER, repo.name, {
      type: 'gitea',
      config: { url: receiver.url, secret: SECRET, content_type: 'json' },
      events: ['issues', 'issue_comment'],
      active: true,
    });
    expect(hook).toMatchObject({ type: 'gitea', active: true, events: ['issues', 'issue_comment'], config: { url: receiver.url, content_type: 'json' } });
    return repo;
  }

  const signatureOk = (body: string, signature: string | undefined): boolean => {
    const expected = Buffer.from(createHmac('sha256', SECRET).update(body).digest('hex'));
    const given = Buffer.from(signature ?? '');
    return given.length === expected.length && timingSafeEqual(given, expected);
  };

  test('an opened issue arrives signed over the exact raw body', async () => {
    const { forge } = await hookedRepo();
    const issue = await forge.createIssue({ title: 'Hooked', body: 'b' });
    await sim.settled();

    expect(receiver.received).toHaveLength(1);
    const [got] = receiver.received;
    expect(got?.headers).toMatchObject({
      'content-type': 'application/json',
      'x-gitea-event': 'issues',
      'x-gitea-event-type': 'issues',
      'x-gogs-event': 'issues',
    });
    expect(got?.headers['x-gitea-delivery']).toMatch(/^[0-9a-f-]{36}$/);
    expect(got?.headers['x-gogs-delivery']).toBe(got?.headers['x-gitea-delivery']);
    expect(signatureOk(got?.body ?? '', got?.headers['x-gitea-signature'])).toBe(true);
    expect(got?.headers['x-gogs-signature']).toBe(got?.headers['x-gitea-signature']);
    expect(signatureOk(`${got?.body} `, got?.headers['x-gitea-signature'])).toBe(false);
    expect(got?.body).toContain('\n  "action": "opened"'); // pretty-printed, as Gitea sends it

    const payload = JSON.parse(got?.body ?? '{}');
    expect(payload).toMatchObject({
      action: 'opened',
      number: issue.number,
      issue: { number: issue.number, title: 'Hooked', state: 'open', labels: [], user: { login: GITEA_SIM_USER }, pull_request: null },
      repository: { full_name: expect.stringMatching(new RegExp(`^${OWNER}/`)), owner: { login: OWNER } },
      sender: { login: GITEA_SIM_USER },
    });
    expect(payload.secret).not.toBe(SECRET); // a receiver must ignore the body's `secret`
    expect(sim.deliveries.at(-1)).toMatchObject({ event: 'issues', action: 'opened', status: 200 });
  });

  test('a label change arrives as label_updated (event type issue_label) with the whole label set', async () => {
    const { name, forge } = await hookedRepo();
    await forge.ensureLabels([
      { name: 'agent:ready', color: '0e8a16' },
      { name: 'agent:working', color: 'fbca04' },
    ]);
    const { number } = sim.openIssue(OWNER, name, { title: 'x', labels: ['agent:ready'] });
    await sim.settled();
    receiver.received.length = 0;

    await forge.addLabels(number, ['agent:working']);
    sim.setLabels(OWNER, name, number, [], 'alice');
    await sim.settled();

    const [updated, cleared] = receiver.received;
    expect(updated?.headers).toMatchObject({ 'x-gitea-event': 'issues', 'x-gitea-event-type': 'issue_label' });
    const payload = JSON.parse(updated?.body ?? '{}');
    expect(payload.action).toBe('label_updated');
    expect(payload).not.toHaveProperty('label'); // Gitea does not say which label changed
    expect(payload.issue.labels.map((l: { name: string }) => l.name)).toEqual(['agent:ready', 'agent:working']);
    expect(JSON.parse(cleared?.body ?? '{}')).toMatchObject({ action: 'label_cleared', sender: { login: 'alice' }, issue: { labels: [] } });
  });

  test('a comment arrives as issue_comment created', async () => {
    const { name, forge } = await hookedRepo();
    const { number } = sim.openIssue(OWNER, name, { title: 'x' });
    await forge.comment(number, 'On it');
    await sim.settled();

    const got = receiver.received.find((r) => r.headers['x-gitea-event'] === 'issue_comment');
    expect(got?.headers['x-gitea-event-type']).toBe('issue_comment');
    expect(JSON.parse(got?.body ?? '{}')).toMatchObject({
      action: 'created',
      issue: { number },
      comment: { body: 'On it', user: { login: GITEA_SIM_USER } },
      is_pull: false,
    });
  });

  test('replay sends the same body under a new delivery id; redeliver keeps the id', async () => {
    const { name } = await hookedRepo();
    sim.openIssue(OWNER, name, { title: 'again' });
    await sim.settled();
    const first = receiver.received[0];
    const id = first?.headers['x-gitea-delivery'] ?? '';

    expect(await sim.redeliver(id, { newDeliveryId: true })).toBe(200);
    expect(await sim.redeliver(id)).toBe(200);
    const [, replayed, redelivered] = receiver.received;
    expect(replayed?.body).toBe(first?.body);
    expect(replayed?.headers['x-gitea-delivery']).not.toBe(id);
    expect(replayed?.headers['x-gitea-signature']).toBe(first?.headers['x-gitea-signature']);
    expect(redelivered?.headers['x-gitea-delivery']).toBe(id);
  });

  test('while deliveries are off nothing arrives; the misses are recorded and can be redelivered', async () => {
    const { name } = await hookedRepo();
    sim.webhooks(false);
    sim.openIssue(OWNER, name, { title: 'missed' });
    await sim.settled();
    expect(receiver.received).toHaveLength(0);
    const missed = sim.deliveries.at(-1);
    expect(missed).toMatchObject({ status: 'error', action: 'opened' });

    sim.webhooks(true);
    sim.openIssue(OWNER, name, { title: 'seen' });
    await sim.settled();
    expect(receiver.received.map((r) => JSON.parse(r.body).issue.title)).toEqual(['seen']);
    expect(await sim.redeliver(missed?.deliveryId ?? '')).toBe(200);
    expect(JSON.parse(receiver.received[1]?.body ?? '{}').issue.title).toBe('missed');
  });

  test('a receiver that fails is recorded with its status', async () => {
    const { name } = await hookedRepo();
    receiver.status = 500;
    sim.openIssue(OWNER, name, { title: 'x' });
    await sim.settled();
    expect(sim.deliveries.at(-1)).toMatchObject({ status: 500, event: 'issues' });
  });
});
