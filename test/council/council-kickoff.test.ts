/**
 * Council kickoff end to end on the real Temporal dev server and Postgres: a
 * signed webhook from the Gitea simulator starts the council for a Design
 * Brief; simulated Ollama nodes, driven through the real `ollama` client,
 * write the artifacts; the plan is posted once; `/revise` runs another round;
 * `/approve` opens the task issues, whose own webhooks start team
 * formations. Then: no second set of issues, whatever is replayed; the API.
 */
import { councilMarker, markerWhat } from '../../domain/council/render';
import { teamStateQuery } from '../../workflows/team/definitions';
import { readJson } from '../helpers/api-server';
import { recordHistory } from '../helpers/histories';
import { AUTHOR, eventually, startCouncilStage, VIEWER_TOKEN, type CouncilStage } from './council-fixture';

let s: CouncilStage;

beforeAll(async () => {
  s = await startCouncilStage();
});
afterAll(async () => {
  // The team formations the task issues started wait for their issues to close.
  for (const issue of s.gitea.issues(s.owner, s.repo)) {
    await s.h.client.workflow
      .getHandle(`team:${s.owner}/${s.repo}#${issue.number}`)
      .terminate('test over')
      .catch(() => undefined);
  }
  await s.close();
});

const labels = (issue: number) => s.gitea.issue(s.owner, s.repo, issue).labels;
const withMarker = (issue: number, what: string) => s.comments(issue).filter((c) => c.body.includes(`:${what} -->`));
const taskIssues = (brief: number) => s.gitea.issues(s.owner, s.repo).filter((i) => i.body.includes(`Part of #${brief} `));

test('Design Brief webhook → council → plan posted → /revise → round 2 → /approve → task issues → team formations', async () => {
  const n = s.openBrief('Design Brief: Team calendar', 'A shared calendar for teams. People sign in with SSO; events sync to phones.');
  const first = await s.until(n, (c) => c.status === 'awaiting_decision', 'a plan awaiting a decision');

  // Composed with reasons: the core roles, and the security lead the brief calls for.
  expect(first.composition.members.map((m) => m.role)).toEqual(['product_manager', 'engineering_lead', 'qa_lead', 'security_lead']);
  expect(first.composition.members.find((m) => m.role === 'security_lead')!.reasons.join(' ')).toContain('"sso"');
  expect(first.composition.skipped.map((x) => x.role)).toEqual(['devops_lead', 'ux_lead']);
  // Every member answered on one of this file's nodes, with a context window sized for its prompt.
  const round1 = first.rounds[0]!;
  expect(round1.members.every((m) => m.status === 'answered' && s.nodeIds.includes(m.nodeId!) && m.artifactId)).toBe(true);
  expect(first.plan).toMatchObject({ round: 1, tasks: 3, points: 11 });
  const memberCalls = s.calls.filter((c) => c.brief === 'Design Brief: Team calendar');
  expect(memberCalls.map((c) => c.role).sort()).toEqual(['engineering_lead', 'product_manager', 'qa_lead', 'security_lead', 'synthesis']);
  expect(memberCalls.every((c) => typeof c.numCtx === 'number' && (c.numCtx as number) >= 8192)).toBe(true);

  // Answers longer than the inline limit travelled by reference (llm_outputs).
  const { rows } = await s.h.pool.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM llm_outputs o JOIN llm_calls c ON c.id = o.call_id WHERE c.workflow_id = $1',
    [s.workflowId(n)],
  );
  expect(rows[0]!.n).toBeGreaterThan(0);

  // One summary comment with every artifact and the task table; the waiting label.
  const summary = withMarker(n, 'summary-r1');
  expect(summary).toHaveLength(1);
  expect(summary[0]!.body).toContain('#### Threat model — Security lead');
  expect(summary[0]!.body).toContain('| 2 | `api-endpoints` | Build the calendar API | Engineering lead | `db-schema` | 5 points |');
  expect(labels(n)).toContain('whoosh:council-waiting');

  // /revise: another round with the feedback, the first kept.
  s.gitea.addComment(s.owner, s.repo, n, '/revise add an onboarding tour', AUTHOR);
  const second = await s.until(n, (c) => c.plan?.round === 2 && c.status === 'awaiting_decision', 'round 2 awaiting a decision');
  expect(second.rounds.map((r) => r.status)).toEqual(['revised', 'proposed']);
  expect(second.rounds[0]!.decision).toMatchObject({ decision: 'revise', by: AUTHOR, via: 'comment', feedback: 'add an onboarding tour' });
  expect(second.rounds[1]!.feedback).toEqual({ text: 'add an onboarding tour', by: AUTHOR });
  expect(second.plan).toMatchObject({ round: 2, tasks: 4 });
  const revising = s.calls.filter((c) => c.brief === 'Design Brief: Team calendar' && c.feedback.length > 0);
  expect(revising.map((c) => c.role).sort()).toEqual(['engineering_lead', 'product_manager', 'qa_lead', 'security_lead', 'synthesis']);
  expect(revising.every((c) => c.feedback[0] === 'add an onboarding tour')).toBe(true);
  expect(withMarker(n, 'summary-r2')).toHaveLength(1);
  expect(withMarker(n, 'summary-r2')[0]!.body).toContain('> Feedback from `@alice`: add an onboarding tour');

  // /approve: the task issues, in dependency order, labelled and linked to the brief.
  s.gitea.addComment(s.owner, s.repo, n, '/approve', AUTHOR);
  const handle = s.h.client.workflow.getHandle(s.workflowId(n));
  const result = await handle.result();
  expect(result).toMatchObject({ status: 'approved', rounds: 2, plan: { round: 2, tasks: 4 } });
  expect(result.tasks.map((t: { key: string }) => t.key)).toEqual(['db-schema', 'api-endpoints', 'e2e-tests', 'revision-1']);
  expect(result.tasks.every((t: { created: boolean }) => t.created)).toBe(true);
  const tasks = taskIssues(n);
  expect(tasks).toHaveLength(4);
  const byKey = (key: string) => tasks.find((t) => t.body.includes(`whoosh:council:${result.councilId}:task-${key} -->`))!;
  for (const t of tasks) {
    expect(t.labels).toContain('bzzz-task');
    expect(t.body).toContain(`Part of #${n} (Design Brief: Team calendar).`);
  }
  expect(byKey('api-endpoints').title).toBe('Build the calendar API');
  expect(byKey('api-endpoints').body).toContain(`- **Depends on:** #${byKey('db-schema').number} (\`db-schema\`)`);
  expect(byKey('e2e-tests').body).toContain('- **Role:** QA lead');
  const approved = withMarker(n, 'approved');
  expect(approved).toHaveLength(1);
  for (const t of tasks) expect(approved[0]!.body).toContain(`#${t.number} `);
  expect(labels(n)).toContain('whoosh:council-approved');
  expect(labels(n)).not.toContain('whoosh:council-waiting');

  // Each task issue's webhook started a team formation, which formed its team.
  for (const t of tasks) {
    await eventually(async () => {
      const team = await s.h.client.workflow.getHandle(`team:${s.owner}/${s.repo}#${t.number}`).query(teamStateQuery);
      return team.status === 'active' ? team : undefined;
    }, `the team of #${t.number}`);
  }

  // The read model: the council with both rounds, and its artifacts.
  const council = await readJson(await s.call(`/api/v1/councils/${result.councilId}`, { token: VIEWER_TOKEN }));
  expect(council).toMatchObject({ status: 'approved', workflowId: s.workflowId(n), currentRound: 2, planRound: 2, taskCount: 4, decision: { decision: 'approve', by: AUTHOR } });
  expect(council.rounds.map((r: { status: string }) => r.status)).toEqual(['revised', 'approved']);
  expect(council.rounds[1].members).toHaveLength(4);
  expect(council.tasks.map((t: { number: number }) => t.number).sort()).toEqual(tasks.map((t) => t.number).sort());
  await recordHistory('council-kickoff-approved', handle);

  // A second /approve and a replayed Design Brief webhook create nothing more.
  s.gitea.addComment(s.owner, s.repo, n, '/approve', AUTHOR);
  const opened = s.gitea.deliveries.find((d) => d.event === 'issues' && d.action === 'opened' && JSON.parse(d.body).issue.number === n)!;
  expect(await s.gitea.redeliver(opened.deliveryId, { newDeliveryId: true })).toBe(202);
  await s.gitea.settled();
  await eventually(async () => {
    const { rows: pending } = await s.h.pool.query("SELECT 1 FROM webhook_deliveries WHERE repository_id = $1 AND status = 'pending'", [s.repositoryId]);
    return pending.length === 0 ? true : undefined;
  }, 'the deliveries relayed');
  expect(taskIssues(n)).toHaveLength(4);
  const { rows: replayed } = await s.h.pool.query('SELECT status FROM webhook_deliveries WHERE delivery_id = ANY($1)', [
    s.gitea.deliveries.filter((d) => d.redelivery).map((d) => d.deliveryId),
  ]);
  expect(replayed).toEqual([{ status: 'existing' }]);
  const { rows: councils } = await s.h.pool.query('SELECT id FROM councils WHERE workflow_id = $1', [s.workflowId(n)]);
  expect(councils).toHaveLength(1);
});

test('a task issue opened already (by an earlier attempt) is found by its marker, not opened twice; the API approves', async () => {
  const n = s.openBrief('Design Brief: Room booking', 'Book meeting rooms from the office app.');
  const waiting = await s.until(n, (c) => c.status === 'awaiting_decision', 'a plan awaiting a decision');
  // What a first attempt that timed out after opening the issue would have left.
  const earlier = s.gitea.openIssue(s.owner, s.repo, {
    title: 'Create the database schema',
    body: `Opened before a retry.\n\n${councilMarker(waiting.councilId, markerWhat.task('db-schema'))}`,
    author: 'whoosh-bot',
  });
  const before = s.gitea.issues(s.owner, s.repo).length;

  expect((await s.call(`/api/v1/councils/${waiting.councilId}/approve`, { method: 'POST', body: '{}', token: VIEWER_TOKEN })).status).toBe(403);
  const res = await s.call(`/api/v1/councils/${waiting.councilId}/approve`, { method: 'POST', body: '{}' });
  expect(res.status).toBe(202);
  expect(await readJson(res)).toEqual({ councilId: waiting.councilId, decision: 'approve', round: 1, next: 'creating_tasks' });
  const result = await s.h.client.workflow.getHandle(s.workflowId(n)).result();
  expect(result.tasks.map((t: { key: string; created: boolean; number: number }) => [t.key, t.created])).toEqual([
    ['db-schema', false],
    ['api-endpoints', true],
    ['e2e-tests', true],
  ]);
  expect(result.tasks[0].number).toBe(earlier.number);
  expect(s.gitea.issues(s.owner, s.repo).length).toBe(before + 2);
  expect(s.gitea.issue(s.owner, s.repo, result.tasks[1].number).body).toContain(`- **Depends on:** #${earlier.number} (\`db-schema\`)`);
  expect(result.outcome).toBe('Approved by ops; 3 task issues opened.');

  // Decided once: a second approval is refused, the council has ended.
  const again = await s.call(`/api/v1/councils/${waiting.councilId}/approve`, { method: 'POST', body: '{}' });
  expect(again.status).toBe(409);
  expect((await readJson(again)).error.message).toContain('has ended (approved)');
});

test('commands the council cannot take get a reply; /cancel ends it and nothing is created', async () => {
  const n = s.openBrief('Design Brief: Expense reports', 'Submit receipts from a phone.');
  await s.until(n, (c) => c.status === 'awaiting_decision', 'a plan awaiting a decision');
  const noFeedback = s.gitea.addComment(s.owner, s.repo, n, '/revise', AUTHOR);
  await eventually(async () => (withMarker(n, `notice-c${noFeedback.id}`).length === 1 ? true : undefined), 'the reply to /revise without feedback');
  expect(withMarker(n, `notice-c${noFeedback.id}`)[0]!.body).toContain('`@alice`, your `/revise` was not taken: a revision needs feedback');
  expect((await s.state(n)).status).toBe('awaiting_decision');

  s.gitea.addComment(s.owner, s.repo, n, '/cancel not this quarter', AUTHOR);
  const result = await s.h.client.workflow.getHandle(s.workflowId(n)).result();
  expect(result).toMatchObject({ status: 'cancelled', outcome: 'Cancelled by alice with /cancel: not this quarter', tasks: [] });
  expect(taskIssues(n)).toEqual([]);
  expect(labels(n)).toContain('whoosh:cancelled');
  expect(withMarker(n, 'cancelled')[0]!.body).toContain('Cancelled by alice with /cancel: not this quarter This kickoff is closed');
});

describe('councils API', () => {
  test('revise and cancel through the update: 409 unless a decision is awaited, 400 without feedback', async () => {
    const n = s.openBrief('Design Brief: Parking spots', 'Reserve a parking spot for a day.');
    const { councilId } = await s.until(n, (c) => c.status === 'awaiting_decision', 'a plan awaiting a decision');
    expect((await s.call(`/api/v1/councils/${councilId}/revise`, { method: 'POST', body: JSON.stringify({ feedback: '  ' }) })).status).toBe(400);
    const revised = await s.call(`/api/v1/councils/${councilId}/revise`, { method: 'POST', body: JSON.stringify({ feedback: 'add visitor spots' }) });
    expect(revised.status).toBe(202);
    expect((await readJson(revised)).next).toBe('deliberating');
    // Until round 2's plan is posted, no decision is taken.
    const early = await s.call(`/api/v1/councils/${councilId}/approve`, { method: 'POST', body: '{}' });
    expect(early.status).toBe(409);
    expect((await readJson(early)).error.message).toMatch(/decision on this plan was taken already|still deliberating|still writing its plan/);

    await s.until(n, (c) => c.plan?.round === 2 && c.status === 'awaiting_decision', 'round 2 awaiting a decision');
    const cancelled = await s.call(`/api/v1/councils/${councilId}/cancel`, { method: 'POST', body: JSON.stringify({ reason: 'duplicate' }) });
    expect(cancelled.status).toBe(202);
    const result = await s.h.client.workflow.getHandle(s.workflowId(n)).result();
    expect(result).toMatchObject({ status: 'cancelled', outcome: 'Cancelled by ops: duplicate', rounds: 2 });

    // Both rounds, every member's outcome, and the artifacts of each round, as JSON and Markdown.
    const detail = await readJson(await s.call(`/api/v1/councils/${councilId}`, { token: VIEWER_TOKEN }));
    expect(detail.rounds.map((r: { round: number; status: string }) => [r.round, r.status])).toEqual([
      [1, 'revised'],
      [2, 'cancelled'],
    ]);
    expect(detail.rounds[1].feedback).toEqual({ text: 'add visitor spots', by: 'ops' });
    expect(detail.composition.members.map((m: { role: string }) => m.role)).toEqual(['product_manager', 'engineering_lead', 'qa_lead']);
    for (const r of detail.rounds) expect(r.members.every((m: { status: string; nodeId: string }) => m.status === 'answered' && s.nodeIds.includes(m.nodeId))).toBe(true);
    expect(detail.temporalUiUrl).toContain(encodeURIComponent(s.workflowId(n)));
    const { artifacts } = await readJson(await s.call(`/api/v1/councils/${councilId}/artifacts`, { token: VIEWER_TOKEN }));
    expect(artifacts.map((a: { round: number; kind: string }) => `${a.round}:${a.kind}`)).toEqual([
      '1:requirements',
      '1:architecture',
      '1:test_strategy',
      '1:kickoff_plan',
      '2:requirements',
      '2:architecture',
      '2:test_strategy',
      '2:kickoff_plan',
    ]);
    const plan2 = artifacts[7];
    expect(plan2).toMatchObject({ role: 'engineering_lead', title: 'Kickoff plan', nodeId: expect.any(String) });
    expect(plan2.content.tasks).toHaveLength(4);
    expect(plan2.markdown).toContain('### Task breakdown');
    expect(detail.rounds[1].planArtifactId).toBe(plan2.id);
    const one = await readJson(await s.call(`/api/v1/councils/${councilId}/artifacts/${artifacts[0].id}`, { token: VIEWER_TOKEN }));
    expect(one).toMatchObject({ kind: 'requirements', roleTitle: 'Product manager', markdown: expect.stringContaining('### User stories') });
    const round1 = await readJson(await s.call(`/api/v1/councils/${councilId}/artifacts?round=1`));
    expect(round1.artifacts).toHaveLength(4);

    expect((await s.call(`/api/v1/councils/${councilId}/cancel`, { method: 'POST', body: '{}' })).status).toBe(409);
  });

  test('lists newest first with filters and cursor pages; errors', async () => {
    const repository = `${s.owner}/${s.repo}`;
    const all = await readJson(await s.call(`/api/v1/councils?repository=${encodeURIComponent(repository)}`, { token: VIEWER_TOKEN }));
    expect(all.councils.length).toBeGreaterThanOrEqual(4);
    expect(all.councils.every((c: { repository: string }) => c.repository === repository)).toBe(true);
    const times = all.councils.map((c: { createdAt: string }) => c.createdAt);
    expect([...times].sort().reverse()).toEqual(times);

    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await readJson(await s.call(`/api/v1/councils?repository=${encodeURIComponent(repository)}&limit=1${cursor ? `&cursor=${cursor}` : ''}`));
      expect(page.councils.length).toBeLessThanOrEqual(1);
      seen.push(...page.councils.map((c: { id: string }) => c.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual(all.councils.map((c: { id: string }) => c.id));

    const approved = await readJson(await s.call(`/api/v1/councils?repository=${encodeURIComponent(repository)}&status=approved`));
    expect(approved.councils).toHaveLength(2);
    expect(approved.councils[0]).toMatchObject({ status: 'approved', taskCount: 3, roles: ['product_manager', 'engineering_lead', 'qa_lead'] });
    expect((await s.call('/api/v1/councils?status=bogus')).status).toBe(400);
    expect((await s.call('/api/v1/councils?cursor=nonsense')).status).toBe(400);
    expect((await s.call('/api/v1/councils/not-a-uuid')).status).toBe(400);
    expect((await s.call('/api/v1/councils/00000000-0000-4000-8000-000000000000')).status).toBe(404);
    expect((await s.call('/api/v1/councils/00000000-0000-4000-8000-000000000000/approve', { method: 'POST', body: '{}' })).status).toBe(404);
    expect((await fetch(`${s.api.url}/api/v1/councils`)).status).toBe(401);
    const doc = await readJson(await fetch(`${s.api.url}/api/openapi.json`));
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/api/v1/councils', '/api/v1/councils/{id}/artifacts', '/api/v1/councils/{id}/revise']));
  });
});
