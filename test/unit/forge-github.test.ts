/**
 * The GitHub forge adapter, driving the real `@octokit/rest` client against
 * the GitHub simulator: what WHOOSH sees of issues, labels and comments, how
 * it rides out errors and rate limits, and the webhooks a receiver gets.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { Octokit } from '@octokit/rest';
import { createForge, type Forge } from '../../activities/forge';
import { FAST_RETRY, forgeTestBed, labelledIssue, OWNER, SECRET, sharedForgeTests, webhookReceiverPerTest, type ForgeTarget } from '../helpers/forge-suite';
import { GITHUB_SIM_TOKEN, GITHUB_SIM_USER, GitHubSimulator } from '../../simulators/github';

const target: ForgeTarget<GitHubSimulator> = {
  kind: 'github',
  start: () => GitHubSimulator.start(),
  token: GITHUB_SIM_TOKEN,
  user: GITHUB_SIM_USER,
  // Pages by following Link.
  bugLabel: 'Bug',
  labelsInAnyCase: true,
  pagedListing: (requests) => expect(requests.every((r) => r.path.includes('per_page=50'))).toBe(true),
};
const bed = forgeTestBed(target);
const { freshRepo, forgeFor, requestsDuring, forgeErrorOf } = bed;

sharedForgeTests(target, bed);

describe('issues', () => {
  test('an issue without a body reads as an empty one (GitHub sends null)', async () => {
    const { name, forge } = freshRepo();
    const opened = bed.sim.openIssue(OWNER, name, { title: 'Login page', labels: ['agent:ready'], author: 'alice' });
    expect(await forge.getIssue(opened.number)).toMatchObject({ number: opened.number, body: '', labels: ['agent:ready'], author: 'alice' });
  });

  test('an unknown label is refused, where GitHub itself would create it', async () => {
    const { name, forge } = freshRepo();
    const { number } = bed.sim.openIssue(OWNER, name, { title: 'x' });
    expect(await forgeErrorOf(forge.createIssue({ title: 'y', body: '', labels: ['typo'] }))).toMatchObject({ status: 422, retryable: false });
    expect(await forgeErrorOf(forge.addLabels(number, ['typo']))).toMatchObject({ status: 422, retryable: false });
    expect(bed.sim.labels(OWNER, name)).toEqual([]);
    expect(bed.sim.issues(OWNER, name)).toHaveLength(1);
  });
});

describe('comments and labels', () => {
  test('comments and lists every comment across pages', async () => {
    const { name, forge } = freshRepo();
    const { number } = bed.sim.openIssue(OWNER, name, { title: 'Discuss' });
    for (let i = 1; i <= 105; i++) bed.sim.addComment(OWNER, name, number, `c${i}`, 'alice');

    const mine = await forge.comment(number, 'Working on it');
    expect(mine).toMatchObject({ body: 'Working on it', author: GITHUB_SIM_USER });
    const comments = await forge.listComments(number);
    expect(comments).toHaveLength(106);
    expect(comments.at(-1)).toEqual(mine);
  });

  test("removing a label the issue lacks is GitHub's 404, taken as done", async () => {
    const { name, forge } = freshRepo();
    await forge.ensureLabels([{ name: 'agent:ready', color: '0e8a16' }]);
    const { number } = bed.sim.openIssue(OWNER, name, { title: 'Label me' });

    const requests = await requestsDuring(() => forge.removeLabel(number, 'agent:ready'));
    expect(requests.map((r) => r.status)).toEqual([404]); // GitHub's "Label does not exist", taken as done
    await expect(forge.removeLabel(number, 'never-existed')).resolves.toBeUndefined();
  });

});

describe('errors and rate limits', () => {
  test('a Retry-After beyond the cap is cut to the cap', async () => {
    const { name } = freshRepo();
    const { number } = bed.sim.openIssue(OWNER, name, { title: 'Patient' });
    const forge = createForge({ kind: 'github', baseUrl: bed.sim.url, owner: OWNER, name, token: GITHUB_SIM_TOKEN }, { retry: { ...FAST_RETRY, maxRetryAfterMs: 50 } });
    bed.sim.failNext(1, 429, { retryAfter: 3600 });
    const started = Date.now();
    await expect(forge.getIssue(number)).resolves.toMatchObject({ title: 'Patient' });
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  test('an exhausted rate limit (403, x-ratelimit-remaining 0) is waited out, not final', async () => {
    const { name, forge } = freshRepo();
    const { number } = bed.sim.openIssue(OWNER, name, { title: 'Limited' });
    bed.sim.failNext(1, 403, { rateLimitExhausted: true, retryAfter: 1 });
    const requests = await requestsDuring(() => forge.getIssue(number));
    expect(requests.map((r) => r.status)).toEqual([403, 200]);
  });

  test.each([403])('never retries a plain %i', async (status) => {
    const { forge } = freshRepo();
    bed.sim.failNext(1, status);
    const requests = await requestsDuring(async () => {
      expect(await forgeErrorOf(forge.getIssue(1))).toMatchObject({ status, retryable: false });
    });
    expect(requests).toHaveLength(1);
  });

  test('a wrong token is a final 401 that says Bad credentials', async () => {
    const { name } = freshRepo();
    const requests = await requestsDuring(async () => {
      const err = await forgeErrorOf(forgeFor(name, 'ghp_wrong').getIssue(1));
      expect(err).toMatchObject({ status: 401, retryable: false });
      expect(err.message).toContain('Bad credentials');
    });
    expect(requests).toHaveLength(1);
  });

});

describe('webhooks', () => {
  const hooks = webhookReceiverPerTest(bed);

  /** Registers the hooks.receiver through the real client; GitHub pings it at once. */
  async function hookedRepo(): Promise<{ name: string; forge: Forge }> {
    const repo = freshRepo();
    const octokit = new Octokit({ auth: GITHUB_SIM_TOKEN, baseUrl: bed.sim.url });
    const { data: hook } = await octokit.rest.repos.createWebhook({
      owner: OWNER,
      repo: repo.name,
      config: { url: hooks.receiver.url, secret: SECRET, content_type: 'json' },
      events: ['issues', 'issue_comment'],
    });
    expect(hook).toMatchObject({ active: true, events: ['issues', 'issue_comment'], config: { url: hooks.receiver.url, content_type: 'json' } });
    await bed.sim.settled();
    expect(hooks.receiver.received.map((r) => r.headers['x-github-event'])).toEqual(['ping']);
    hooks.receiver.received.length = 0;
    return repo;
  }

  const signatureOk = (body: string, header: string | undefined): boolean => {
    const expected = Buffer.from(`sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}`);
    const given = Buffer.from(header ?? '');
    return given.length === expected.length && timingSafeEqual(given, expected);
  };

  const payloads = () => hooks.receiver.received.map((r) => ({ event: r.headers['x-github-event'], ...JSON.parse(r.body) }));

  test('an opened issue arrives signed, then one labeled event per label', async () => {
    const { forge } = await hookedRepo();
    await forge.ensureLabels([{ name: 'agent:ready', color: '0e8a16' }]);
    const issue = await forge.createIssue({ title: 'Hooked', body: 'b', labels: ['agent:ready'] });
    await bed.sim.settled();

    const [opened, labeled] = hooks.receiver.received;
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
    const number = await labelledIssue(bed, hooks.receiver, name, forge);

    await forge.addLabels(number, ['agent:working']);
    await forge.removeLabel(number, 'agent:ready');
    await forge.comment(number, 'On it');
    bed.sim.closeIssue(OWNER, name, number, 'alice');
    await bed.sim.settled();

    expect(payloads()).toMatchObject([
      { event: 'issues', action: 'labeled', label: { name: 'agent:working' } },
      { event: 'issues', action: 'unlabeled', label: { name: 'agent:ready' } },
      { event: 'issue_comment', action: 'created', comment: { body: 'On it', user: { login: GITHUB_SIM_USER } }, issue: { number } },
      { event: 'issues', action: 'closed', issue: { state: 'closed', state_reason: 'completed' }, sender: { login: 'alice' } },
    ]);
  });

  test('redeliver keeps the delivery id; newDeliveryId gives the same body a new one', async () => {
    const { name } = await hookedRepo();
    bed.sim.openIssue(OWNER, name, { title: 'again' });
    await bed.sim.settled();
    const first = hooks.receiver.received[0];
    const id = first?.headers['x-github-delivery'] ?? '';

    expect(await bed.sim.redeliver(id)).toBe(200);
    expect(await bed.sim.redeliver(id, { newDeliveryId: true })).toBe(200);
    const [, redelivered, replayed] = hooks.receiver.received;
    expect(redelivered?.headers['x-github-delivery']).toBe(id);
    expect(redelivered?.body).toBe(first?.body);
    expect(replayed?.headers['x-github-delivery']).not.toBe(id);
    expect(replayed?.body).toBe(first?.body);
    expect(replayed?.headers['x-hub-signature-256']).toBe(first?.headers['x-hub-signature-256']);
  });

  test('while deliveries are off nothing arrives and the misses are recorded', async () => {
    const { name } = await hookedRepo();
    bed.sim.webhooks(false);
    bed.sim.openIssue(OWNER, name, { title: 'missed' });
    await bed.sim.settled();
    expect(hooks.receiver.received).toHaveLength(0);
    expect(bed.sim.deliveries.at(-1)).toMatchObject({ status: 'error', event: 'issues', action: 'opened' });
  });
});
