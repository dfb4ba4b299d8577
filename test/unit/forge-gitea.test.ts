/**
 * The Gitea forge adapter, driving the real `gitea-js` client against the
 * Gitea simulator: what WHOOSH sees of issues, labels and comments, how it
 * rides out a struggling server, and the webhooks a receiver gets.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { giteaApi } from 'gitea-js';
import type { Forge } from '../../activities/forge';
import { forgeTestBed, labelledIssue, OWNER, SECRET, sharedForgeTests, webhookReceiverPerTest, type ForgeTarget } from '../helpers/forge-suite';
import { GITEA_SIM_TOKEN, GITEA_SIM_USER, GiteaSimulator } from '../../simulators/gitea';

const target: ForgeTarget<GiteaSimulator> = {
  kind: 'gitea',
  start: () => GiteaSimulator.start({ tokens: { [GITEA_SIM_TOKEN]: GITEA_SIM_USER, 'alice-token': 'alice' } }),
  token: GITEA_SIM_TOKEN,
  user: GITEA_SIM_USER,
  bugLabel: 'bug',
  labelsInAnyCase: false,
  pagedListing: (requests) => {
    expect(requests.map((r) => r.path)).toEqual([1, 2, 3].map((page) => expect.stringContaining(`page=${page}`)));
    expect(requests.every((r) => r.path.includes('type=issues') && r.path.includes('limit=50'))).toBe(true);
  },
};
const bed = forgeTestBed(target);
const { freshRepo, forgeErrorOf } = bed;

sharedForgeTests(target, bed);

describe('issues', () => {
  test('pages by X-Total-Count when Gitea serves fewer items per page than asked', async () => {
    const { name, forge } = freshRepo();
    for (let i = 1; i <= 70; i++) bed.sim.openIssue(OWNER, name, { title: `Issue ${i}` });
    // Gitea caps a page at MAX_RESPONSE_ITEMS (50): a page of 50 for limit=100 is not the last.
    expect(await forge.listIssues({ pageSize: 100 })).toHaveLength(70);
  });

  test('creating an issue with a label the repository lacks fails before anything is created', async () => {
    const { name, forge } = freshRepo();
    const err = await forgeErrorOf(forge.createIssue({ title: 'x', body: '', labels: ['nope'] }));
    expect(err).toMatchObject({ status: 422, retryable: false });
    expect(bed.sim.issues(OWNER, name)).toEqual([]);
  });
});

describe('comments and labels', () => {
  test('comments and lists comments', async () => {
    const { name, forge } = freshRepo();
    const { number } = bed.sim.openIssue(OWNER, name, { title: 'Discuss' });
    bed.sim.addComment(OWNER, name, number, 'First!', 'alice');

    const mine = await forge.comment(number, 'Working on it');
    expect(mine).toMatchObject({ body: 'Working on it', author: GITEA_SIM_USER });
    expect(typeof mine.id).toBe('number');
    const comments = await forge.listComments(number);
    expect(comments.map((c) => [c.author, c.body])).toEqual([
      ['alice', 'First!'],
      [GITEA_SIM_USER, 'Working on it'],
    ]);
  });

  test('adding a label the repository lacks is refused, not created', async () => {
    const { name, forge } = freshRepo();
    const { number } = bed.sim.openIssue(OWNER, name, { title: 'x' });
    const err = await forgeErrorOf(forge.addLabels(number, ['typo']));
    expect(err).toMatchObject({ status: 422, retryable: false });
    expect(err.message).toContain('"typo"');
    expect(bed.sim.labels(OWNER, name)).toEqual([]);
  });

  test('ensureLabels refuses a malformed color before calling Gitea', async () => {
    const { forge } = freshRepo();
    await expect(forge.ensureLabels([{ name: 'x', color: '#00ff00' }])).rejects.toThrow(/six hex digits/);
  });
});

describe('a struggling server', () => {
  test('a missing issue is a final 404', async () => {
    const { forge } = freshRepo();
    const err = await forgeErrorOf(forge.getIssue(999));
    expect(err).toMatchObject({ status: 404, retryable: false });
    expect(err.message).toContain("The target couldn't be found.");
  });

});

describe('webhooks', () => {
  const hooks = webhookReceiverPerTest(bed);

  /** Registers the hooks.receiver through the real client, the way an operator's setup script would. */
  async function hookedRepo(): Promise<{ name: string; forge: Forge }> {
    const repo = freshRepo();
    const api = giteaApi(bed.sim.url, { token: GITEA_SIM_TOKEN });
    const { data: hook } = await api.repos.repoCreateHook(OWNER, repo.name, {
      type: 'gitea',
      config: { url: hooks.receiver.url, secret: SECRET, content_type: 'json' },
      events: ['issues', 'issue_comment'],
      active: true,
    });
    expect(hook).toMatchObject({ type: 'gitea', active: true, events: ['issues', 'issue_comment'], config: { url: hooks.receiver.url, content_type: 'json' } });
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
    await bed.sim.settled();

    expect(hooks.receiver.received).toHaveLength(1);
    const [got] = hooks.receiver.received;
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
    expect(bed.sim.deliveries.at(-1)).toMatchObject({ event: 'issues', action: 'opened', status: 200 });
  });

  test('a label change arrives as label_updated (event type issue_label) with the whole label set', async () => {
    const { name, forge } = await hookedRepo();
    const number = await labelledIssue(bed, hooks.receiver, name, forge);

    await forge.addLabels(number, ['agent:working']);
    bed.sim.setLabels(OWNER, name, number, [], 'alice');
    await bed.sim.settled();

    const [updated, cleared] = hooks.receiver.received;
    expect(updated?.headers).toMatchObject({ 'x-gitea-event': 'issues', 'x-gitea-event-type': 'issue_label' });
    const payload = JSON.parse(updated?.body ?? '{}');
    expect(payload.action).toBe('label_updated');
    expect(payload).not.toHaveProperty('label'); // Gitea does not say which label changed
    expect(payload.issue.labels.map((l: { name: string }) => l.name)).toEqual(['agent:ready', 'agent:working']);
    expect(JSON.parse(cleared?.body ?? '{}')).toMatchObject({ action: 'label_cleared', sender: { login: 'alice' }, issue: { labels: [] } });
  });

  test('a comment arrives as issue_comment created', async () => {
    const { name, forge } = await hookedRepo();
    const { number } = bed.sim.openIssue(OWNER, name, { title: 'x' });
    await forge.comment(number, 'On it');
    await bed.sim.settled();

    const got = hooks.receiver.received.find((r) => r.headers['x-gitea-event'] === 'issue_comment');
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
    bed.sim.openIssue(OWNER, name, { title: 'again' });
    await bed.sim.settled();
    const first = hooks.receiver.received[0];
    const id = first?.headers['x-gitea-delivery'] ?? '';

    expect(await bed.sim.redeliver(id, { newDeliveryId: true })).toBe(200);
    expect(await bed.sim.redeliver(id)).toBe(200);
    const [, replayed, redelivered] = hooks.receiver.received;
    expect(replayed?.body).toBe(first?.body);
    expect(replayed?.headers['x-gitea-delivery']).not.toBe(id);
    expect(replayed?.headers['x-gitea-signature']).toBe(first?.headers['x-gitea-signature']);
    expect(redelivered?.headers['x-gitea-delivery']).toBe(id);
  });

  test('while deliveries are off nothing arrives; the misses are recorded and can be redelivered', async () => {
    const { name } = await hookedRepo();
    bed.sim.webhooks(false);
    bed.sim.openIssue(OWNER, name, { title: 'missed' });
    await bed.sim.settled();
    expect(hooks.receiver.received).toHaveLength(0);
    const missed = bed.sim.deliveries.at(-1);
    expect(missed).toMatchObject({ status: 'error', action: 'opened' });

    bed.sim.webhooks(true);
    bed.sim.openIssue(OWNER, name, { title: 'seen' });
    await bed.sim.settled();
    expect(hooks.receiver.received.map((r) => JSON.parse(r.body).issue.title)).toEqual(['seen']);
    expect(await bed.sim.redeliver(missed?.deliveryId ?? '')).toBe(200);
    expect(JSON.parse(hooks.receiver.received[1]?.body ?? '{}').issue.title).toBe('missed');
  });

  test('a hooks.receiver that fails is recorded with its status', async () => {
    const { name } = await hookedRepo();
    hooks.receiver.status = 500;
    bed.sim.openIssue(OWNER, name, { title: 'x' });
    await bed.sim.settled();
    expect(bed.sim.deliveries.at(-1)).toMatchObject({ status: 500, event: 'issues' });
  });
});
