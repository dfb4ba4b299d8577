import { createHmac } from 'node:crypto';
import { deliveryHeaders, parseWebhookPayload, repositoryOf, toForgeEvent, toIssueEvent, verifySignature } from '../../activities/forge/webhook-payload';

const secret = 'a-webhook-secret-0123456789';
const sign = (body: string, key = secret) => createHmac('sha256', key).update(body).digest('hex');

test('signatures are checked over the raw bytes, in constant time, and only in hex', () => {
  const body = '{"a": 1,\n  "b": 2}';
  expect(verifySignature(Buffer.from(body), secret, sign(body))).toBe(true);
  expect(verifySignature(Buffer.from(JSON.stringify(JSON.parse(body))), secret, sign(body))).toBe(false);
  expect(verifySignature(Buffer.from(body), secret, sign(body, 'other-secret-000000000'))).toBe(false);
  expect(verifySignature(Buffer.from(body), secret, '')).toBe(false);
  expect(verifySignature(Buffer.from(body), secret, 'zz'.repeat(32))).toBe(false);
});

test('headers of each forge', () => {
  expect(deliveryHeaders('gitea', { 'x-gitea-event': 'issues', 'x-gitea-delivery': 'd1', 'x-gitea-signature': 'ab' })).toEqual({ event: 'issues', deliveryId: 'd1', signature: 'ab' });
  expect(deliveryHeaders('github', { 'x-github-event': 'issues', 'x-github-delivery': 'd2', 'x-hub-signature-256': 'sha256=cd' })).toEqual({ event: 'issues', deliveryId: 'd2', signature: 'cd' });
  expect(deliveryHeaders('github', { 'x-hub-signature-256': 'md5=cd' }).signature).toBe('');
  expect(deliveryHeaders('github', {}).signature).toBeUndefined();
});

test('Gitea and GitHub issue payloads normalise alike', () => {
  const gitea = {
    action: 'label_updated',
    secret: 'ignored',
    issue: { number: 3, title: 'T', state: 'open', labels: [{ id: 1, name: 'bzzz-task' }], user: { login: 'alice' }, html_url: 'u', pull_request: null },
    repository: { name: 'api', full_name: 'acme/api', owner: { login: 'acme' } },
    sender: { login: 'bob' },
  };
  expect(repositoryOf(gitea)).toEqual({ owner: 'acme', name: 'api' });
  expect(toIssueEvent('issues', gitea)).toEqual({
    kind: 'issue',
    action: 'label_updated',
    repo: { owner: 'acme', name: 'api' },
    issue: { number: 3, title: 'T', state: 'open', labels: ['bzzz-task'], author: 'alice', url: 'u', isPullRequest: false },
    sender: 'bob',
  });
  const github = { ...gitea, action: 'created', comment: { id: 5, body: '/approve', user: { login: 'alice' } }, issue: { ...gitea.issue, pull_request: { url: 'x' } } };
  expect(toIssueEvent('issue_comment', github)).toMatchObject({ kind: 'comment', issue: { isPullRequest: true }, comment: { id: 5, body: '/approve', author: 'alice' } });
  expect(toIssueEvent('push', gitea)).toBeUndefined();
  expect(toIssueEvent('issues', { action: 'opened' })).toBeUndefined();
});

test('pull request payloads become pull request events for pipelines only', () => {
  const pull = {
    action: 'closed',
    number: 9,
    pull_request: { number: 9, title: 'Add cache', state: 'closed', labels: [], user: { login: 'bob' }, html_url: 'p', merged: true, head: { ref: 'cache', sha: 'a'.repeat(40) }, base: { ref: 'main', sha: 'b'.repeat(40) } },
    repository: { name: 'api', owner: { login: 'acme' } },
    sender: { login: 'carol' },
  };
  expect(toForgeEvent('pull_request', pull)).toEqual({
    kind: 'issue',
    action: 'closed',
    repo: { owner: 'acme', name: 'api' },
    issue: { number: 9, title: 'Add cache', state: 'closed', labels: [], author: 'bob', url: 'p', isPullRequest: true },
    sender: 'carol',
    merged: true,
    head: { ref: 'cache', sha: 'a'.repeat(40) },
    base: { ref: 'main' },
  });
  // The team/council intake never sees them; a delivery without its pull request is nothing.
  expect(toIssueEvent('pull_request', pull)).toBeUndefined();
  expect(toForgeEvent('pull_request', { ...pull, pull_request: undefined })).toBeUndefined();
  // Malformed pull requests are refused like malformed issues.
  for (const bad of [{ number: 0 }, { number: 9, merged: 'yes' }, { number: 9, head: { sha: 7 } }, { number: 9, title: 'nul \u0000' }]) {
    expect(parseWebhookPayload({ ...pull, pull_request: bad }).ok).toBe(false);
  }
  expect(parseWebhookPayload({ ...pull, number: 2 ** 31 }).ok).toBe(false);
});
