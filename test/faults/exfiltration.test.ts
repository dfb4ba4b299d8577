/**
 * The token-exfiltration paths and marker squatting of issue 12, tried as an
 * attacker would, on the real API, Postgres and the Gitea simulator behind the
 * real client: an operator cannot make WHOOSH read a server file or send a
 * stored token to a host of their choosing, and a forge user cannot stop
 * WHOOSH's comments or task issues by posting its markers.
 */
import { randomUUID } from 'node:crypto';
import { createIssueActivities } from '../../activities/forge/issue-activities';
import { createRepository } from '../../activities/intake/repository-store';
import { councilMarker, markerWhat } from '../../domain/council/render';
import { teamMarker } from '../../domain/team/report';
import { readJson, serveApi, type RunningApi } from '../helpers/api-server';
import { silentLogger, startHarness, testConfig, type Harness } from '../helpers/harness';
import { GiteaSimulator, GITEA_SIM_TOKEN } from '../../simulators/gitea';

const OPERATOR = 'operator-token-exfil-0001';
const OWNER = `exfil${randomUUID().slice(0, 6)}`;

let h: Harness;
let strict: RunningApi;
let gitea: GiteaSimulator;

const call = (api: RunningApi, p: string, method = 'GET', body?: unknown) =>
  fetch(`${api.url}${p}`, { method, headers: { authorization: `Bearer ${OPERATOR}`, 'content-type': 'application/json' }, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });

beforeAll(async () => {
  // The default policy (any, which excludes loopback and link-local), as a production install has it.
  const config = testConfig({ security: { tokens: [{ name: 'ops', token: OPERATOR, role: 'operator' }], outbound_allow: ['any'] } });
  h = await startHarness({ config, orchestrator: false });
  strict = await serveApi({ config, temporal: h.client, pool: h.pool, logger: silentLogger, version: 'test' });
  gitea = await GiteaSimulator.start();
});
afterAll(async () => {
  await strict.close();
  await gitea.stop();
  await h.close();
});

describe('exfiltration', () => {
  test('tokenFile is not an API field: /etc/shadow is refused with 400 and nothing is stored', async () => {
    const res = await call(strict, '/api/v1/repositories', 'POST', { kind: 'gitea', baseUrl: 'https://gitea.example.com', owner: OWNER, name: 'shadow', tokenFile: '/etc/shadow' });
    expect(res.status).toBe(400);
    expect(JSON.stringify(await readJson(res))).toContain('tokenFile');
    const { rows } = await h.pool.query('SELECT 1 FROM repositories WHERE owner = $1 AND name = $2', [OWNER, 'shadow']);
    expect(rows).toHaveLength(0);
  });

  test('forge URLs on loopback or link-local addresses (the host itself, cloud metadata) are refused by default', async () => {
    for (const baseUrl of ['http://127.0.0.1:3000', 'http://localhost:3000', 'http://[::1]:3000', 'http://169.254.169.254', 'http://[::ffff:127.0.0.1]:80', 'http://0.0.0.0:22']) {
      const res = await call(strict, '/api/v1/repositories', 'POST', { kind: 'gitea', baseUrl, owner: OWNER, name: `n${randomUUID().slice(0, 6)}`, token: 't' });
      expect({ baseUrl, status: res.status }).toEqual({ baseUrl, status: 400 });
      expect((await readJson(res)).error.message).toMatch(/loopback|link-local/);
    }
    const agent = await call(strict, '/api/v1/agents', 'POST', { id: `exfil-${randomUUID().slice(0, 6)}`, endpoint: 'http://169.254.169.254/latest/meta-data', model: 'llama3.1:8b' });
    expect(agent.status).toBe(400);
  });

  test('changing baseUrl needs the token again: a stored token is never sent to the new host', async () => {
    const created = await call(strict, '/api/v1/repositories', 'POST', { kind: 'gitea', baseUrl: 'https://10.20.30.40', owner: OWNER, name: 'moved', token: 'the-real-token' });
    expect(created.status).toBe(201);
    const repo = await readJson(created);
    expect(repo.hasToken).toBe(true);
    expect(repo).not.toHaveProperty('tokenFile');
    const moved = await call(strict, `/api/v1/repositories/${repo.id}`, 'PUT', { kind: 'gitea', baseUrl: 'https://10.66.66.66', owner: OWNER, name: 'moved' });
    expect(moved.status).toBe(400);
    expect((await readJson(moved)).error.issues).toEqual([{ path: 'body.token', message: 'required when baseUrl changes' }]);
    const { rows } = await h.pool.query<{ base_url: string; token: string }>('SELECT base_url, token FROM repositories WHERE id = $1', [repo.id]);
    expect(rows[0]).toEqual({ base_url: 'https://10.20.30.40', token: 'the-real-token' });
    // Same host, other settings: the token stays.
    const same = await call(strict, `/api/v1/repositories/${repo.id}`, 'PUT', { kind: 'gitea', baseUrl: 'https://10.20.30.40', owner: OWNER, name: 'moved', monitor: false });
    expect(same.status).toBe(200);
    expect((await readJson(same)).hasToken).toBe(true);
    const withToken = await call(strict, `/api/v1/repositories/${repo.id}`, 'PUT', { kind: 'gitea', baseUrl: 'https://10.66.66.66', owner: OWNER, name: 'moved', token: 'new-host-token' });
    expect(withToken.status).toBe(200);
  });
});

describe('marker squatting', () => {
  let repositoryId: number;
  const activities = () => createIssueActivities(h.pool);

  beforeAll(async () => {
    gitea.createRepo(OWNER, 'squat');
    const repo = await createRepository(h.pool, { kind: 'gitea', baseUrl: gitea.url, owner: OWNER, name: 'squat', token: GITEA_SIM_TOKEN, tokenFile: null, webhookSecret: 'x'.repeat(32), monitor: true, labels: [], syncIntervalSeconds: null });
    repositoryId = repo!.id;
  });

  test("a council's round-2 marker posted by someone else does not stop WHOOSH's round-2 summary", async () => {
    const brief = gitea.openIssue(OWNER, 'squat', { title: 'Design Brief: squat', body: 'b', author: 'mallory' });
    const marker = councilMarker(`council:${OWNER}/squat#${brief.number}`, markerWhat.summary(2));
    gitea.addComment(OWNER, 'squat', brief.number, `nothing to see\n\n${marker}`, 'mallory');
    const first = await activities().postIssueComment({ repositoryId, number: brief.number, marker, body: 'Round 2 summary' });
    expect(first.posted).toBe(true);
    const again = await activities().postIssueComment({ repositoryId, number: brief.number, marker, body: 'Round 2 summary' });
    expect(again).toEqual({ commentId: first.commentId, posted: false });
    const ours = gitea.comments(OWNER, 'squat', brief.number).filter((c) => c.author === 'whoosh-bot');
    expect(ours).toHaveLength(1);
  });

  test('a WHOOSH comment that only quotes a marker mid-text is not taken for it', async () => {
    const issue = gitea.openIssue(OWNER, 'squat', { title: 'task', body: 'b', author: 'dana' });
    const marker = teamMarker(randomUUID(), 'formed');
    gitea.addComment(OWNER, 'squat', issue.number, `quoted: ${marker}\n\nand more text after it`, 'whoosh-bot');
    expect((await activities().postIssueComment({ repositoryId, number: issue.number, marker, body: 'Team formed' })).posted).toBe(true);
  });

  test("an issue body carrying a task's marker is not adopted as that task: the real task issue is opened", async () => {
    const marker = councilMarker(`council:${OWNER}/squat#1`, markerWhat.task('db-schema'));
    const fake = gitea.openIssue(OWNER, 'squat', { title: 'Create the database schema', body: `pwned\n\n${marker}`, author: 'mallory' });
    const made = await activities().ensureIssue({ repositoryId, marker, title: 'Create the database schema', body: 'The schema.', labels: [] });
    expect(made.created).toBe(true);
    expect(made.number).not.toBe(fake.number);
    const again = await activities().ensureIssue({ repositoryId, marker, title: 'Create the database schema', body: 'The schema.', labels: [] });
    expect(again).toEqual({ number: made.number, url: made.url, created: false });
  });
});
