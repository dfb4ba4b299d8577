/**
 * What every forge adapter must do, run against each (Gitea and GitHub) with
 * its real client and simulator: the test bed (a simulator for the file, a
 * fresh repository per test, the requests a call made) and the tests whose
 * expectations are the same for both. Each adapter's own test file adds what
 * is particular to its forge.
 */
import { createForge, ForgeError, type Forge } from '../../activities/forge';
import { WebhookReceiver } from '../../simulators/forge-webhooks';

export const OWNER = 'acme';
export const FAST_RETRY = { initialDelayMs: 1, maxDelayMs: 5, maxRetryAfterMs: 3_000 };
export const SECRET = 'hook-secret';

/** What the tests need of a forge simulator. */
export interface ForgeSimulator {
  readonly url: string;
  readonly requests: readonly { method: string; path: string; status: number }[];
  createRepo(owner: string, name: string): void;
  createLabel(owner: string, name: string, label: { name: string; color: string }): unknown;
  labels(owner: string, name: string): { name: string; color: string; description: string }[];
  openIssue(owner: string, name: string, issue: { title: string; body?: string; labels?: string[]; author?: string }): { number: number };
  openPullRequest(owner: string, name: string, pr: { title: string; diff?: string }): { number: number };
  reviews(owner: string, name: string, number: number): { body: string; event: string; author: string }[];
  closeIssue(owner: string, name: string, number: number): unknown;
  setClock(iso: string | null): void;
  issue(owner: string, name: string, number: number): { labels: string[] };
  failNext(n: number, status: number, opts?: { retryAfter?: number }): void;
  webhooks(enabled: boolean): void;
  settled(): Promise<void>;
  stop(): Promise<void>;
}

export interface ForgeTarget<S extends ForgeSimulator> {
  readonly kind: 'gitea' | 'github';
  readonly start: () => Promise<S>;
  /** The simulator's token, and the user it belongs to. */
  readonly token: string;
  readonly user: string;
  /** The name of a label the repository has, which ensureLabels must take for `bug` (GitHub matches names in any case). */
  readonly bugLabel: string;
  /** Whether label filters match names in any case (GitHub's do). */
  readonly labelsInAnyCase: boolean;
  /** Checks the listing requests of 120 issues and 3 pull requests in pages of 50 (how the forge pages). */
  readonly pagedListing: (requests: readonly { path: string }[]) => void;
}

export interface ForgeTestBed<S extends ForgeSimulator> {
  /** The file's simulator (started before its tests). */
  readonly sim: S;
  /** A fresh repository per test, so tests never see each other's issues. */
  freshRepo(): { name: string; forge: Forge };
  forgeFor(name: string, token?: string, baseUrl?: string): Forge;
  /** The API requests the simulator answered while `fn` ran. */
  requestsDuring(fn: () => Promise<unknown>): Promise<{ method: string; path: string; status: number }[]>;
  /** The ForgeError `promise` rejects with (the test fails if it is anything else). */
  forgeErrorOf(promise: Promise<unknown>): Promise<ForgeError>;
}

/** Starts the target's simulator for the test file and gives the helpers every test uses. */
export function forgeTestBed<S extends ForgeSimulator>(target: ForgeTarget<S>): ForgeTestBed<S> {
  let sim: S | undefined;
  let repoCount = 0;
  beforeAll(async () => {
    sim = await target.start();
  });
  afterAll(async () => {
    await sim?.stop();
  });
  const bed: ForgeTestBed<S> = {
    get sim() {
      if (!sim) throw new Error('the simulator starts in beforeAll');
      return sim;
    },
    freshRepo() {
      const name = `repo-${++repoCount}`;
      bed.sim.createRepo(OWNER, name);
      return { name, forge: bed.forgeFor(name) };
    },
    forgeFor(name, token = target.token, baseUrl = bed.sim.url) {
      return createForge({ kind: target.kind, baseUrl, owner: OWNER, name, token }, { retry: FAST_RETRY });
    },
    async requestsDuring(fn) {
      const before = bed.sim.requests.length;
      await fn().catch(() => undefined);
      return bed.sim.requests.slice(before);
    },
    async forgeErrorOf(promise) {
      try {
        await promise;
      } catch (err) {
        expect(err).toBeInstanceOf(ForgeError);
        return err as ForgeError;
      }
      throw new Error('expected a ForgeError');
    },
  };
  return bed;
}

/** A webhook receiver for each test of the enclosing describe; deliveries are switched back on and settled after each. */
export function webhookReceiverPerTest(bed: ForgeTestBed<ForgeSimulator>): { readonly receiver: WebhookReceiver } {
  let receiver: WebhookReceiver | undefined;
  beforeEach(async () => {
    receiver = await WebhookReceiver.start();
  });
  afterEach(async () => {
    bed.sim.webhooks(true);
    await bed.sim.settled();
    await receiver?.stop();
  });
  return {
    get receiver() {
      if (!receiver) throw new Error('the receiver starts in beforeEach');
      return receiver;
    },
  };
}

/**
 * An issue labelled agent:ready in a repository with the agent:ready and
 * agent:working labels; the webhooks of its opening are settled and forgotten,
 * so what the receiver gets next is what the test does.
 */
export async function labelledIssue(bed: ForgeTestBed<ForgeSimulator>, receiver: WebhookReceiver, name: string, forge: Forge): Promise<number> {
  await forge.ensureLabels([
    { name: 'agent:ready', color: '0e8a16' },
    { name: 'agent:working', color: 'fbca04' },
  ]);
  const { number } = bed.sim.openIssue(OWNER, name, { title: 'x', labels: ['agent:ready'] });
  await bed.sim.settled();
  receiver.received.length = 0;
  return number;
}

/** The tests every forge adapter passes alike. */
export function sharedForgeTests<S extends ForgeSimulator>(target: ForgeTarget<S>, bed: ForgeTestBed<S>): void {
  const { freshRepo, forgeFor, requestsDuring, forgeErrorOf } = bed;

  describe(`every forge adapter (${target.kind})`, () => {
    test('gets one issue with its labels, author and link', async () => {
      const { name, forge } = freshRepo();
      bed.sim.setClock('2025-03-01T10:00:00Z');
      const opened = bed.sim.openIssue(OWNER, name, { title: 'Login page', body: 'Build it', labels: ['agent:ready', 'ui'], author: 'alice' });
      bed.sim.setClock(null);

      expect(await forge.getIssue(opened.number)).toEqual({
        number: opened.number,
        title: 'Login page',
        body: 'Build it',
        state: 'open',
        labels: ['agent:ready', 'ui'],
        author: 'alice',
        url: `${bed.sim.url}/${OWNER}/${name}/issues/${opened.number}`,
        createdAt: '2025-03-01T10:00:00.000Z',
        updatedAt: '2025-03-01T10:00:00.000Z',
        isPullRequest: false,
      });
    });

    test('lists every issue across pages and leaves pull requests out', async () => {
      const { name, forge } = freshRepo();
      for (let i = 1; i <= 120; i++) bed.sim.openIssue(OWNER, name, { title: `Issue ${i}` });
      for (let i = 1; i <= 3; i++) bed.sim.openPullRequest(OWNER, name, { title: `PR ${i}` });

      let issues: Awaited<ReturnType<Forge['listIssues']>> = [];
      const requests = await requestsDuring(async () => (issues = await forge.listIssues({ pageSize: 50 })));
      expect(issues).toHaveLength(120);
      expect(new Set(issues.map((i) => i.number)).size).toBe(120);
      expect(issues.every((i) => !i.isPullRequest && i.title.startsWith('Issue'))).toBe(true);
      // 123 items with pull requests: three pages of 50.
      expect(requests).toHaveLength(3);
      target.pagedListing(requests);
    });

    test('filters by state, by labels (all of them; in any case where the forge does) and by update time', async () => {
      const { name, forge } = freshRepo();
      bed.sim.setClock('2025-01-01T00:00:00Z');
      const old = bed.sim.openIssue(OWNER, name, { title: 'old', labels: ['bug'] });
      bed.sim.setClock('2025-01-02T00:00:00Z');
      const both = bed.sim.openIssue(OWNER, name, { title: 'both', labels: ['bug', 'agent:ready'] });
      const closed = bed.sim.openIssue(OWNER, name, { title: 'closed', labels: ['agent:ready'] });
      bed.sim.closeIssue(OWNER, name, closed.number);
      bed.sim.setClock(null);
      const titles = (issues: { title: string }[]) => issues.map((i) => i.title).sort();

      expect(titles(await forge.listIssues())).toEqual(['both', 'old']);
      expect(titles(await forge.listIssues({ state: 'closed' }))).toEqual(['closed']);
      expect(titles(await forge.listIssues({ state: 'all' }))).toEqual(['both', 'closed', 'old']);
      expect(titles(await forge.listIssues({ state: 'all', labels: [target.labelsInAnyCase ? 'Agent:Ready' : 'agent:ready'] }))).toEqual(['both', 'closed']);
      expect(titles(await forge.listIssues({ labels: ['bug', 'agent:ready'] }))).toEqual(['both']);
      expect(titles(await forge.listIssues({ state: 'all', since: '2025-01-01T12:00:00Z' }))).toEqual(['both', 'closed']);
      // Gitea itself would drop an unknown label from the filter and answer more, not less.
      expect(await forge.listIssues({ labels: ['bug', 'no-such-label'] })).toEqual([]);
      expect(old.number).toBeLessThan(both.number);
    });

    test('creates an issue with labels by name', async () => {
      const { name, forge } = freshRepo();
      await forge.ensureLabels([{ name: 'agent:ready', color: '0e8a16' }]);
      const issue = await forge.createIssue({ title: 'New work', body: 'Details', labels: ['agent:ready'] });
      expect(issue).toMatchObject({ title: 'New work', body: 'Details', labels: ['agent:ready'], author: target.user, state: 'open' });
      expect(bed.sim.issue(OWNER, name, issue.number).labels).toEqual(['agent:ready']);
    });

    test("reads a pull request's diff and posts reviews on it", async () => {
      const { name, forge } = freshRepo();
      const diff = 'diff --git a/app.ts b/app.ts\n--- a/app.ts\n+++ b/app.ts\n@@ -1 +1 @@\n-old\n+new\n';
      const { number } = bed.sim.openPullRequest(OWNER, name, { title: 'Change', diff });
      expect(await forge.getPullRequestDiff(number)).toBe(diff);
      await forge.reviewPullRequest(number, { body: 'Looks good', event: 'approve' });
      await forge.reviewPullRequest(number, { body: 'Rename this', event: 'requestChanges' });
      expect(bed.sim.reviews(OWNER, name, number)).toEqual([
        { id: expect.any(Number), body: 'Looks good', event: expect.stringMatching(/^APPROVED?$/), author: target.user },
        { id: expect.any(Number), body: 'Rename this', event: 'REQUEST_CHANGES', author: target.user },
      ]);
      const { number: issue } = bed.sim.openIssue(OWNER, name, { title: 'Not a pull request' });
      expect((await bed.forgeErrorOf(forge.getPullRequestDiff(issue))).status).toBe(404);
    });

    test('edits what is given of title, body and state; closing is an edit', async () => {
      const { forge } = freshRepo();
      const { number } = await forge.createIssue({ title: 'Draft', body: 'Old body' });
      expect(await forge.editIssue(number, { title: 'Final' })).toMatchObject({ number, title: 'Final', body: 'Old body', state: 'open' });
      expect(await forge.editIssue(number, { body: 'New body', state: 'closed' })).toMatchObject({ title: 'Final', body: 'New body', state: 'closed' });
      expect((await forge.getIssue(number)).state).toBe('closed');
    });

    test('adds and removes labels by name; removing one the issue lacks is fine', async () => {
      const { name, forge } = freshRepo();
      await forge.ensureLabels([
        { name: 'agent:ready', color: '0e8a16' },
        { name: 'agent:working', color: 'fbca04' },
      ]);
      const { number } = bed.sim.openIssue(OWNER, name, { title: 'Label me' });

      await forge.addLabels(number, ['agent:ready', 'agent:working']);
      expect(bed.sim.issue(OWNER, name, number).labels).toEqual(['agent:ready', 'agent:working']);
      await forge.removeLabel(number, 'agent:ready');
      expect(bed.sim.issue(OWNER, name, number).labels).toEqual(['agent:working']);

      await expect(forge.removeLabel(number, 'agent:ready')).resolves.toBeUndefined();
      await expect(forge.removeLabel(number, 'never-existed')).resolves.toBeUndefined();
      expect(bed.sim.issue(OWNER, name, number).labels).toEqual(['agent:working']);
    });

    test('ensureLabels creates what is missing, once', async () => {
      const { name, forge } = freshRepo();
      bed.sim.createLabel(OWNER, name, { name: target.bugLabel, color: 'ee0701' });
      const specs = [
        { name: 'bug', color: 'ee0701' },
        { name: 'agent:ready', color: '0E8A16', description: 'Ready for an agent' },
      ];

      expect(await forge.ensureLabels(specs)).toEqual({ created: ['agent:ready'], existing: ['bug'] });
      expect(await forge.ensureLabels(specs)).toEqual({ created: [], existing: ['bug', 'agent:ready'] });
      expect(bed.sim.labels(OWNER, name).map((l) => [l.name, l.color, l.description])).toEqual([
        [target.bugLabel, 'ee0701', ''],
        ['agent:ready', '0e8a16', 'Ready for an agent'],
      ]);
    });

    test('retries 503 answers and succeeds', async () => {
      const { name, forge } = freshRepo();
      const { number } = bed.sim.openIssue(OWNER, name, { title: 'Flaky' });
      bed.sim.failNext(2, 503);
      let title = '';
      const requests = await requestsDuring(async () => (title = (await forge.getIssue(number)).title));
      expect(title).toBe('Flaky');
      expect(requests.map((r) => r.status)).toEqual([503, 503, 200]);
    });

    test('a POST answered 5xx is not sent again (the forge may have acted); one answered 429 is', async () => {
      const { name, forge } = freshRepo();
      const { number } = bed.sim.openIssue(OWNER, name, { title: 'Once' });
      bed.sim.failNext(1, 502);
      const refused = await requestsDuring(async () => {
        expect(await forgeErrorOf(forge.comment(number, 'hello'))).toMatchObject({ status: 502, retryable: true });
      });
      expect(refused.map((r) => `${r.method} ${r.status}`)).toEqual(['POST 502']);
      bed.sim.failNext(1, 429, { retryAfter: 0 });
      const retried = await requestsDuring(async () => {
        await forge.comment(number, 'hello');
      });
      expect(retried.map((r) => `${r.method} ${r.status}`)).toEqual(['POST 429', 'POST 201']);
    });

    test('waits as long as a 429 Retry-After says', async () => {
      const { name, forge } = freshRepo();
      const { number } = bed.sim.openIssue(OWNER, name, { title: 'Busy' });
      bed.sim.failNext(1, 429, { retryAfter: 1 });
      const started = Date.now();
      await expect(forge.getIssue(number)).resolves.toMatchObject({ title: 'Busy' });
      expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    });

    test.each([
      [500, 'listIssues'],
      [502, 'getIssue'],
    ] as const)('gives up after its retries on %i (%s) with a retryable ForgeError', async (status, call) => {
      const { forge } = freshRepo();
      bed.sim.failNext(5, status);
      const requests = await requestsDuring(async () => {
        const err = await forgeErrorOf(call === 'listIssues' ? forge.listIssues() : forge.getIssue(1));
        expect(err).toMatchObject({ status, retryable: true });
      });
      expect(requests).toHaveLength(5); // the first attempt and 4 retries
    });

    test.each([404, 422])('never retries a %i', async (status) => {
      const { forge } = freshRepo();
      for (const call of [() => forge.listIssues(), () => forge.getIssue(1)]) {
        bed.sim.failNext(1, status);
        const requests = await requestsDuring(async () => {
          expect(await forgeErrorOf(call())).toMatchObject({ status, retryable: false });
        });
        expect(requests).toHaveLength(1);
      }
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
      const dead = await target.start();
      const url = dead.url;
      await dead.stop();
      const err = await forgeErrorOf(forgeFor('x', target.token, url).getIssue(1));
      expect(err).toMatchObject({ status: undefined, retryable: true });
      expect(err.message).toMatch(/ECONNREFUSED/);
    });
  });
}
