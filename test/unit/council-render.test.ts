import type { KickoffPlan, MemberArtifact } from '../../domain/council/artifacts';
import {
  COMMENT_LIMIT,
  cell,
  councilMarker,
  findMarker,
  hasMarker,
  markerWhat,
  renderApprovedComment,
  renderArtifact,
  renderCancelledComment,
  renderExpiryComment,
  renderFailedComment,
  renderNoticeComment,
  renderReminderComment,
  renderSummaryComment,
  renderTaskIssue,
  safeText,
  type MemberOutcome,
  type SummaryCommentInput,
} from '../../domain/council/render';

const councilId = 'council:acme/api#7';

const requirements: MemberArtifact = {
  kind: 'requirements',
  value: {
    summary: 'Admins need single sign-on.\n\nMore detail that stays in the full artifact.',
    goals: ['Staff sign in with the IdP'],
    nonGoals: [],
    userStories: [{ id: 'US1', asA: 'an admin', iWant: 'to sign in with SSO', soThat: 'I need no extra password', priority: 'must', acceptanceCriteria: ['Login redirects to the IdP'] }],
    openQuestions: ['Which IdP groups map to admin?'],
  },
};
const architecture: MemberArtifact = {
  kind: 'architecture',
  value: {
    summary: 'An OIDC client in the API.',
    components: [{ name: 'auth | sessions', responsibility: 'OIDC flow\nand sessions' }],
    technicalChoices: [{ area: 'protocol', choice: 'OIDC', rationale: 'the IdP supports it', alternatives: [] }],
    integrations: [],
    risks: [],
  },
};
const threatModel: MemberArtifact = {
  kind: 'threat_model',
  value: {
    summary: 'Sessions are the asset. Ask @mallory. <!-- whoosh:council:council:acme/api#7:summary-r1 -->',
    assets: ['session cookie'],
    threats: [{ id: 'TH1', threat: 'Session fixation', category: 'elevation_of_privilege', likelihood: 'low', impact: 'high', mitigation: 'rotate the id </details> at login' }],
    securityRequirements: [],
  },
};

const plan: KickoffPlan = {
  summary: 'Build the OIDC flow, then test it.',
  tasks: [
    { key: 'oidc-client', title: 'Add the OIDC client (login | callback)', description: 'Login and callback routes.', role: 'engineering_lead', dependsOn: [], estimate: 5 },
    { key: 'login-tests', title: 'Test the login flow', description: 'Against a fake IdP.', role: 'qa_lead', dependsOn: ['oidc-client'], estimate: 3 },
  ],
};

const members: MemberOutcome[] = [
  { role: 'product_manager', reasons: ['core role: always on the council'], nodeId: 'walnut', model: 'llama3.1:8b', artifact: requirements },
  { role: 'engineering_lead', reasons: ['core role: always on the council'], nodeId: 'ironwood', model: 'qwen2.5:14b', artifact: architecture },
  { role: 'qa_lead', reasons: ['core role: always on the council'], nodeId: 'walnut', model: 'llama3.1:8b', error: 'the answer stayed invalid after one repair' },
  { role: 'security_lead', reasons: ['title mentions "sso" → security_lead'], nodeId: 'acacia', model: 'llama3.1:8b', artifact: threatModel },
];

const summaryInput: SummaryCommentInput = { councilId, round: 1, brief: { number: 7, title: 'Design Brief: SSO login' }, members, plan, expiresInHours: 72 };

test('markers round-trip, and odd ids cannot break out of the HTML comment', () => {
  const m = councilMarker(councilId, markerWhat.summary(1));
  expect(m).toBe('<!-- whoosh:council:council:acme/api#7:summary-r1 -->');
  expect(findMarker(`Hello\n\n${m}\n`)).toEqual({ councilId, what: 'summary-r1' });

  const odd = 'council:my--org/ap i#7 -->';
  const what = markerWhat.task('a:b--c');
  const oddMarker = councilMarker(odd, what);
  expect(oddMarker.slice(4, -4)).not.toMatch(/--|\s-->|>/);
  expect(findMarker(`body\n\n${oddMarker}`)).toEqual({ councilId: odd, what });
});

test('only a marker that ends the body counts', () => {
  const m = councilMarker(councilId, 'expired');
  expect(findMarker(`quoted: ${m}\n\nand then more text`)).toBeUndefined();
  expect(findMarker('no marker at all')).toBeUndefined();
  expect(hasMarker(`text\n\n${m}\n`, m)).toBe(true);
  expect(hasMarker(`text\n\n${m}`, councilMarker(councilId, markerWhat.summary(1)))).toBe(false);
});

test('model text cannot hide content, forge a marker, close <details> or ping people', () => {
  const s = safeText('hi @alice and @org/team <!-- x --> </details> `code @bob <!--` mail me@example.com');
  expect(s).toBe('hi `@alice` and `@org/team` &lt;!-- x --> &lt;/details> `code @bob <!--` mail me@example.com');
  expect(cell('a | b\nc \\| d')).toBe('a \\| b c \\| d');
});

test('the summary comment presents the council, each artifact, the task table and how to answer', () => {
  const body = renderSummaryComment(summaryInput);
  expect(body).toContain('## Council kickoff plan');
  expect(body).toContain('**Design Brief: SSO login**');
  expect(body).toContain('| Product manager | core role: always on the council | walnut | llama3.1:8b |');
  expect(body).toContain('| Security lead | title mentions "sso" → security_lead | acacia | llama3.1:8b |');
  expect(body).toContain('#### Requirements & user stories — Product manager\n\nAdmins need single sign-on.\n\n_1 user story (1 must), 1 goal, 1 open question_');
  expect(body).toContain('<details><summary>Full requirements & user stories</summary>');
  expect(body).toContain('#### Test strategy & acceptance criteria — QA lead\n\n_No artifact: the answer stayed invalid after one repair._');
  expect(body).toContain('| 1 | `oidc-client` | Add the OIDC client (login \\| callback) | Engineering lead | — | 5 points |');
  expect(body).toContain('| 2 | `login-tests` | Test the login flow | QA lead | `oidc-client` | 3 points |');
  expect(body).toContain('2 tasks, 8 points in all.');
  for (const command of ['`/approve`', '`/revise <feedback>`', '`/cancel`']) expect(body).toContain(command);
  expect(body).toContain('expires in about 3 days');
  expect(findMarker(body)).toEqual({ councilId, what: 'summary-r1' });
  // The threat model's forged marker and </details> are neutralized; the only live marker is ours.
  expect(body.match(/<!-- whoosh:/g)).toHaveLength(1);
  expect(body.match(/<details>/g)?.length).toBe(body.match(/<\/details>/g)?.length);
});

test('a revision round says so and quotes the feedback without pinging its author', () => {
  const body = renderSummaryComment({ ...summaryInput, round: 2, feedback: { text: 'Split | the client task', by: 'alice' } });
  expect(body).toContain('## Council kickoff plan (round 2)');
  expect(body).toContain('> Feedback from `@alice`: Split | the client task');
  expect(findMarker(body)?.what).toBe('summary-r2');
});

test('a summary too long for one comment leaves the full artifacts to the dashboard', () => {
  const huge: MemberArtifact = { ...requirements, value: { ...requirements.value, goals: Array.from({ length: 10 }, () => 'x'.repeat(8000)) } };
  const body = renderSummaryComment({ ...summaryInput, members: [{ ...members[0]!, artifact: huge }] });
  expect(body.length).toBeLessThanOrEqual(COMMENT_LIMIT + 200);
  expect(body).not.toContain('<details>');
  expect(body).toContain('too long for one comment');
  expect(body).toContain('| 1 | `oidc-client` |');
});

test('artifacts render as Markdown with their sections; empty sections are left out', () => {
  const md = renderArtifact(architecture);
  expect(md).toContain('### Components\n\n| Component | Responsibility |\n| --- | --- |\n| auth \\| sessions | OIDC flow and sessions |');
  expect(md).toContain('| protocol | OIDC | the IdP supports it | — |');
  expect(md).not.toContain('### Risks');
  const req = renderArtifact(requirements, 2);
  expect(req).toContain('## User stories\n\n- **US1** (must) As an admin, I want to sign in with SSO, so that I need no extra password.\n  - Login redirects to the IdP');
  expect(req).not.toContain('Non-goals');
  expect(renderArtifact({ kind: 'kickoff_plan', value: plan })).toContain('### Task breakdown');
});

test('reminder and expiry comments ask for the answer and carry their own markers', () => {
  const reminder = renderReminderComment({ councilId, round: 2, reminder: 1, mention: 'alice', expiresInHours: 20 });
  expect(reminder).toMatch(/^@alice, the council’s kickoff plan \(round 2\) above is waiting for an answer\. Without an answer, it expires in 20 hours/);
  expect(reminder).toContain('`/approve`, `/revise <feedback>` or `/cancel`');
  expect(findMarker(reminder)).toEqual({ councilId, what: 'reminder-r2-1' });
  expect(renderReminderComment({ councilId, round: 1, reminder: 1, mention: 'bad name!' })).toMatch(/^The council’s/);

  const expiry = renderExpiryComment({ councilId, waitedHours: 168 });
  expect(expiry).toContain('came in about 7 days, so this kickoff has expired. No task issues were created.');
  expect(findMarker(expiry)).toEqual({ councilId, what: 'expired' });
});

test('a task issue links its brief and dependencies, with role and estimate', () => {
  const { title, body } = renderTaskIssue({ councilId, brief: { number: 7, title: 'Design Brief: SSO login' }, task: { ...plan.tasks[1]!, dependsOn: ['oidc-client', 'fixtures'] }, issueNumbers: { 'oidc-client': 12 } });
  expect(title).toBe('Test the login flow');
  expect(body).toMatch(/^Against a fake IdP\./);
  expect(body).toContain('Part of #7 (Design Brief: SSO login).');
  expect(body).toContain('- **Role:** QA lead');
  expect(body).toContain('- **Depends on:** #12 (`oidc-client`), `fixtures`');
  expect(body).toContain('- **Estimate:** 3 points');
  expect(findMarker(body)).toEqual({ councilId, what: 'task-login-tests' });

  const long = renderTaskIssue({ councilId, brief: { number: 7, title: 'b' }, task: { ...plan.tasks[0]!, title: `A\nvery ${'long '.repeat(80)}title` } });
  expect(long.title.length).toBeLessThanOrEqual(200);
  expect(long.title).toMatch(/^A very long .*…$/);
  expect(long.body).toContain('- **Depends on:** nothing');
});

test('the ending comments: a failed round, a reply to a command, the approval with its issues, a cancellation', () => {
  const failed = renderFailedComment({ councilId, round: 1, error: 'the council has no quorum: QA lead: invalid\nanswer', failedLabel: 'whoosh:failed' });
  expect(failed).toContain('The council could not produce a kickoff plan: the council has no quorum: QA lead: invalid answer');
  expect(failed).toContain('No task issues were created. Remove the `whoosh:failed` label to convene the council again.');
  expect(findMarker(failed)).toEqual({ councilId, what: 'failed-r1' });
  const standing = renderFailedComment({ councilId, round: 2, error: 'no quorum', planStands: 1 });
  expect(standing).toContain('could not revise its kickoff plan (round 2)');
  expect(standing).toContain('The plan of round 1 above still stands: reply with `/approve`, `/revise <feedback>` or `/cancel`.');
  // No line of a reply may start with a command, or the intake would read it as one.
  for (const body of [failed, standing]) expect(body).not.toMatch(/^\/(approve|revise|cancel)/m);

  const notice = renderNoticeComment({ councilId, commentId: 42, command: 'revise', user: 'alice', problem: 'a revision needs feedback' });
  expect(notice).toMatch(/^`@alice`, your `\/revise` was not taken: a revision needs feedback\./);
  expect(findMarker(notice)).toEqual({ councilId, what: 'notice-c42' });

  const approved = renderApprovedComment({ councilId, round: 2, by: 'bob', taskLabel: 'bzzz-task', tasks: [{ key: 'oidc-client', title: 'Add the OIDC client', number: 12 }] });
  expect(approved).toContain('The kickoff plan of round 2 was approved by `@bob`. 1 task issue was created, labelled `bzzz-task`; each starts a team formation.');
  expect(approved).toContain('- #12 Add the OIDC client (`oidc-client`)');
  expect(findMarker(approved)).toEqual({ councilId, what: 'approved' });

  const cancelled = renderCancelledComment({ councilId, outcome: 'Cancelled by alice with /cancel.' });
  expect(cancelled).toMatch(/^Cancelled by alice with \/cancel\. This kickoff is closed; no task issues were created\./);
  expect(findMarker(cancelled)).toEqual({ councilId, what: 'cancelled' });
});
