/**
 * whoosh.forge on the real stack: a pipeline opens, comments on, labels and
 * closes an issue on a monitored repository in the Gitea simulator (through
 * gitea-js); writes are found again by marker when the activity runs twice;
 * a forgeToken credential acts as another account.
 */
import { randomUUID } from 'node:crypto';
import { createCredential } from '../../../activities/credentials/credential-store';
import { runForgeNode } from '../../../activities/pipeline/forge-node';
import type { N8nNode } from '../../../domain/pipeline/types';
import { resolveEncryptionKey } from '../../../infra/encryption-key';
import { GiteaSimulator, GITEA_SIM_TOKEN, GITEA_SIM_USER } from '../../../simulators/gitea';
import { chain, manualTrigger, startPipelineStage, type PipelineStage } from '../durable/pipeline-stage';

let s: PipelineStage;
let gitea: GiteaSimulator;
const owner = `forge${randomUUID().slice(0, 6)}`;
const repo = 'app';
const BOT_TOKEN = 'bot2-token-0123456789abcdef';

beforeAll(async () => {
  s = await startPipelineStage();
  gitea = await GiteaSimulator.start({ tokens: { [GITEA_SIM_TOKEN]: GITEA_SIM_USER, [BOT_TOKEN]: 'release-bot' } });
  gitea.createRepo(owner, repo);
  gitea.createLabel(owner, repo, { name: 'triaged', color: '0e8a16' });
  gitea.createLabel(owner, repo, { name: 'bug', color: 'd73a4a' });
  const res = await s.call('/api/v1/repositories', { method: 'POST', body: JSON.stringify({ kind: 'gitea', baseUrl: gitea.url, owner, name: repo, token: GITEA_SIM_TOKEN, monitor: false }) });
  expect(res.status).toBe(201);
});
afterAll(async () => {
  await gitea.stop();
  await s.close();
});

let n = 0;
const forge = (name: string, parameters: Record<string, unknown>, extra: Partial<N8nNode> = {}): N8nNode => ({
  name,
  type: 'whoosh.forge',
  typeVersion: 1,
  position: [(n += 200), 0],
  parameters: { repository: `${owner}/${repo}`, ...parameters },
  ...extra,
});

test('open, comment, label, read and close issues, one per item', async () => {
  const doc = chain([
    manualTrigger(),
    forge('Open', { operation: 'createIssue', title: '={{ $json.title }}', body: 'Found by the nightly run', labels: 'bug' }),
    forge('Comment', { operation: 'comment', issueNumber: '={{ $json.number }}', body: '=Triage for {{ $json.title }}' }),
    forge('Label', { operation: 'addLabels', issueNumber: '={{ $json.issueNumber }}', labels: ['triaged'] }),
    forge('Unbug', { operation: 'removeLabels', issueNumber: '={{ $json.number }}', labels: 'bug' }),
    forge('Close', { operation: 'closeIssue', issueNumber: '={{ $json.number }}' }),
  ]);
  const { body } = await s.run(doc, { input: [{ json: { title: 'Crash on save' } }, { json: { title: 'Slow search' } }] });
  expect(body.status).toBe('success');
  const opened = body.nodes.Open[0] as { number: number; title: string; created: boolean }[];
  expect(opened.map((i) => [i.title, i.created])).toEqual([['Crash on save', true], ['Slow search', true]]);
  for (const { number, title } of opened) {
    const issue = gitea.issue(owner, repo, number);
    expect(issue).toMatchObject({ title, state: 'closed', labels: ['triaged'] });
    expect(gitea.comments(owner, repo, number).map((c) => c.body.split('\n')[0])).toEqual([`Triage for ${title}`]);
  }
  expect(body.nodes.Close[0][0]).toMatchObject({ state: 'closed', labels: ['triaged'] });
});

test('an activity that runs again finds its comment and its issue by marker', async () => {
  const { number } = gitea.openIssue(owner, repo, { title: 'Retry me' });
  const marker = `<!-- whoosh:pipeline:${randomUUID()}:Comment:0:0 -->`;
  const request = {
    repository: { owner, name: repo },
    operations: [
      { op: 'comment' as const, number, body: 'Once only', marker },
      { op: 'createIssue' as const, title: 'Follow-up', body: 'Details', labels: [], marker: marker.replace('Comment', 'Open') },
    ],
  };
  const first = await runForgeNode(s.h.pool, request, {});
  const second = await runForgeNode(s.h.pool, request, {});
  expect(first.results.map((r) => r.ok && (r.json.posted ?? r.json.created))).toEqual([true, true]);
  expect(second.results.map((r) => r.ok && (r.json.posted ?? r.json.created))).toEqual([false, false]);
  expect(gitea.comments(owner, repo, number)).toHaveLength(1);
  expect(gitea.issues(owner, repo).filter((i) => i.title === 'Follow-up')).toHaveLength(1);
});

test('a forgeToken credential acts as its own account; a refused operation fails its item', async () => {
  const { number } = gitea.openIssue(owner, repo, { title: 'Release notes' });
  const cred = await createCredential(s.h.pool, resolveEncryptionKey(s.h.config), { name: `bot ${randomUUID()}`, type: 'forgeToken', data: { token: BOT_TOKEN }, createdBy: 'test' });
  const doc = chain([manualTrigger(), forge('Say', { operation: 'comment', issueNumber: number, body: 'Released.' }, { credentials: { forgeToken: { id: cred!.id, name: cred!.name } } })]);
  expect((await s.run(doc)).body.status).toBe('success');
  expect(gitea.comments(owner, repo, number)).toEqual([expect.objectContaining({ author: 'release-bot' })]);

  const missing = await s.run(chain([manualTrigger(), forge('Get', { operation: 'getIssue', issueNumber: 9999 }, { onError: 'continueRegularOutput' })]));
  expect(missing.body.status).toBe('success');
  expect(missing.body.nodes.Get[0][0].error).toMatch(/404|not found/i);
});

test("a pull request's diff goes to the next node, which reviews it", async () => {
  const diff = 'diff --git a/a.ts b/a.ts\n@@ -1 +1 @@\n-x\n+y\n';
  const { number } = gitea.openPullRequest(owner, repo, { title: 'Change a', diff });
  const doc = chain([
    manualTrigger(),
    forge('Diff', { operation: 'getPullRequestDiff', issueNumber: number }),
    forge('Review', { operation: 'reviewPullRequest', issueNumber: '={{ $json.pullRequest }}', reviewEvent: 'requestChanges', body: '={{ $json.diff.split("\\n").length }} lines: please add a test' }),
  ]);
  const { body } = await s.run(doc);
  expect(body.status).toBe('success');
  expect(body.nodes.Diff[0][0]).toEqual({ pullRequest: number, diff });
  expect(gitea.reviews(owner, repo, number)).toEqual([expect.objectContaining({ event: 'REQUEST_CHANGES', body: '5 lines: please add a test', author: GITEA_SIM_USER })]);
});
