import { parseCommand, routeEvent, workflowIdFor, type IntakeRules, type IssueEvent } from '../../domain/intake/route-event';

const rules: IntakeRules = { taskLabel: 'bzzz-task', councilLabel: 'chorus-entrypoint', councilTitle: 'Design Brief', permittedUsers: ['lead'] };
const repo = { owner: 'acme', name: 'api' };

function issueEvent(action: string, labels: string[], over: Partial<IssueEvent['issue']> = {}): IssueEvent {
  return {
    kind: 'issue',
    action,
    repo,
    issue: { number: 7, title: 'Add login', state: 'open', labels, author: 'alice', url: 'http://g/acme/api/issues/7', isPullRequest: false, ...over },
    sender: 'alice',
  };
}

function commentEvent(body: string, author: string): IssueEvent {
  return { ...issueEvent('created', ['bzzz-task']), kind: 'comment', comment: { id: 99, body, author } };
}

test('workflow ids come from the business key', () => {
  expect(workflowIdFor('team', repo, 7)).toBe('team:acme/api#7');
  expect(workflowIdFor('council', repo, 7)).toBe('council:acme/api#7');
});

test('an issue opened with the task label starts a team formation', () => {
  expect(routeEvent(issueEvent('opened', ['bzzz-task']), rules)).toEqual({
    type: 'start',
    kind: 'team',
    workflowId: 'team:acme/api#7',
    workflowType: 'teamFormation',
    issue: { owner: 'acme', name: 'api', number: 7, title: 'Add login', labels: ['bzzz-task'], url: 'http://g/acme/api/issues/7', author: 'alice' },
  });
  expect(routeEvent(issueEvent('opened', []), rules)).toMatchObject({ type: 'ignore' });
});

test('label events decide from the current labels, whatever changed', () => {
  expect(routeEvent(issueEvent('label_updated', ['bug', 'BZZZ-task']), rules)).toMatchObject({ type: 'start', kind: 'team' });
  expect(routeEvent(issueEvent('labeled', ['bzzz-task']), rules)).toMatchObject({ type: 'start', kind: 'team' });
  // Gitea sends a removal as label_updated (or label_cleared) with what is left.
  expect(routeEvent(issueEvent('label_updated', []), rules)).toMatchObject({ type: 'ignore' });
  expect(routeEvent(issueEvent('label_cleared', []), rules)).toMatchObject({ type: 'ignore' });
});

test('a Design Brief with the entrypoint label starts a council, before any team', () => {
  const brief = issueEvent('opened', ['chorus-entrypoint', 'bzzz-task'], { title: 'Design Brief: billing v2' });
  expect(routeEvent(brief, rules)).toMatchObject({ type: 'start', kind: 'council', workflowId: 'council:acme/api#7', workflowType: 'councilKickoff' });
  expect(routeEvent(issueEvent('opened', ['chorus-entrypoint'], { title: 'Billing v2' }), rules)).toMatchObject({ type: 'ignore' });
});

test('closing an issue signals its workflows; pull requests and closed issues start nothing', () => {
  expect(routeEvent({ ...issueEvent('closed', ['bzzz-task'], { state: 'closed' }), sender: 'bob' }, rules)).toEqual({
    type: 'signal-closed',
    workflowIds: ['council:acme/api#7', 'team:acme/api#7'],
    closedBy: 'bob',
  });
  expect(routeEvent(issueEvent('opened', ['bzzz-task'], { isPullRequest: true }), rules)).toMatchObject({ type: 'ignore', reason: 'pull request' });
  expect(routeEvent(issueEvent('edited', ['bzzz-task'], { state: 'closed' }), rules)).toMatchObject({ type: 'ignore' });
  expect(routeEvent(issueEvent('assigned', ['bzzz-task']), rules)).toMatchObject({ type: 'ignore' });
});

test('commands in comments from the author or a permitted user become signals', () => {
  expect(routeEvent(commentEvent('/approve', 'alice'), rules)).toMatchObject({ type: 'command', command: 'approve', user: 'alice', commentId: 99 });
  expect(routeEvent(commentEvent('/revise  add a rollback plan\nthanks', 'Lead'), rules)).toMatchObject({ type: 'command', command: 'revise', text: 'add a rollback plan' });
  expect(routeEvent(commentEvent('/cancel', 'mallory'), rules)).toMatchObject({ type: 'ignore', reason: '/cancel from mallory, who is not permitted' });
  expect(routeEvent(commentEvent('looks good', 'alice'), rules)).toMatchObject({ type: 'ignore' });
});

test('commands are read from the start of a line', () => {
  expect(parseCommand('/approve')).toEqual({ command: 'approve', text: '' });
  expect(parseCommand('I think\n/cancel now')).toEqual({ command: 'cancel', text: 'now' });
  expect(parseCommand('please /approve')).toBeUndefined();
  expect(parseCommand('/approved')).toBeUndefined();
});
