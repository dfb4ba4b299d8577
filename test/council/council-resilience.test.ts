/**
 * A council under strain, on the real Temporal dev server and Postgres with
 * simulated Ollama nodes: a node that dies mid-deliberation, answers that do
 * not validate (one repair, then the member fails, and the quorum decides),
 * an optional member that never finishes, and a plan nobody answers
 * (reminders, then expiry), with the timeouts configured short. Councils are
 * started as the intake would start them; the intake itself is tested with
 * webhooks in council-kickoff.test.ts.
 */
import { WorkflowFailedError, WorkflowUpdateFailedError } from '@temporalio/client';
import type { ApplicationFailure } from '@temporalio/common';
import { decideCouncilUpdate, type CouncilKickoffResult } from '../../workflows/council/definitions';
import { forgeCommandSignal } from '../../workflows/definitions';
import { readJson } from '../helpers/api-server';
import { recordHistory } from '../helpers/histories';
import { AUTHOR, eventually, startCouncilStage, type CouncilStage } from './council-fixture';

const MEMBER_TIMEOUT_SECONDS = 6;
let s: CouncilStage;
let arch: string;
let gen: string;

beforeAll(async () => {
  s = await startCouncilStage({
    webhooks: false,
    config: { councils: { member_timeout_seconds: MEMBER_TIMEOUT_SECONDS, reminder_after_seconds: 2, expire_after_seconds: 5 } },
    nodes: [
      { suffix: 'arch', specialization: 'architecture' },
      { suffix: 'gen', specialization: null },
    ],
  });
  [arch, gen] = s.nodeIds as [string, string];
});
afterEach(() => s.script(undefined));
afterAll(async () => {
  await s.close();
});

const labels = (issue: number) => s.gitea.issue(s.owner, s.repo, issue).labels;
const withMarker = (issue: number, what: string) => s.comments(issue).filter((c) => c.body.includes(`:${what} -->`));
const handle = (issue: number) => s.h.client.workflow.getHandle(s.workflowId(issue));

/** Ends a council that awaits a decision (it would expire soon anyway). */
async function end(issue: number): Promise<CouncilKickoffResult> {
  await handle(issue)
    .executeUpdate(decideCouncilUpdate, { args: [{ decision: 'cancel', by: 'test', role: 'operator' }] })
    .catch(() => undefined);
  return handle(issue).result();
}

async function convene(title: string, body: string): Promise<number> {
  const n = s.openBrief(title, body);
  await s.startCouncil(n);
  return n;
}

test('a node dies mid-deliberation: its calls fail over to another node and the council completes', async () => {
  const sim = s.sims.get(arch)!;
  // Slow enough that the engineering lead's call (routed to the architecture specialist) is cut off.
  sim.configure({ tokensPerSecond: 20 });
  const n = await convene('Design Brief: Shift planner', 'Plan shifts for a small shop.');
  await sim.waitForInFlight(1, 15_000);
  await sim.kill();
  try {
    const waiting = await s.until(n, (c) => c.status === 'awaiting_decision', 'a plan despite the dead node');
    const members = waiting.rounds[0]!.members;
    expect(members.every((m) => m.status === 'answered')).toBe(true);
    const lead = members.find((m) => m.role === 'engineering_lead')!;
    expect(lead.nodeId).toBe(gen);
    expect(lead.failedOver).toContain(arch);
    // The synthesis, routed to the specialist again, failed over too.
    expect(waiting.plan).toMatchObject({ nodeId: gen, tasks: 3 });
    expect(withMarker(n, 'summary-r1')).toHaveLength(1);
  } finally {
    await sim.restart();
    sim.configure({ tokensPerSecond: 5000 });
  }
  await end(n);
  await recordHistory('council-kickoff-failover', handle(n));
});

test('an invalid answer gets one repair; an optional member still invalid after it fails and the core carry on', async () => {
  const title = 'Design Brief: Usage dashboard';
  s.script((c) => {
    if (c.brief !== title) return undefined;
    if (c.role === 'ux_lead') return '{"summary": ""}';
    if (c.role === 'qa_lead' && !c.repair) return '```json\n{"summary": "Tests."\n```';
    return undefined;
  });
  const n = await convene(title, 'A dashboard of usage per team, for admins.');
  const waiting = await s.until(n, (c) => c.status === 'awaiting_decision', 'a plan without the UX lead');
  const members = new Map(waiting.rounds[0]!.members.map((m) => [m.role, m]));
  expect(members.get('ux_lead')).toMatchObject({ status: 'failed', repaired: true });
  expect(members.get('ux_lead')!.error).toMatch(/^the answer did not validate, nor did its one repair: \d+ problems: summary: empty; personas: missing/);
  expect(members.get('qa_lead')).toMatchObject({ status: 'answered', repaired: true });
  expect(members.get('product_manager')).toMatchObject({ status: 'answered', repaired: false });
  const calls = s.calls.filter((c) => c.brief === title);
  expect(calls.filter((c) => c.role === 'ux_lead').map((c) => c.repair)).toEqual([false, true]);
  expect(calls.filter((c) => c.role === 'qa_lead').map((c) => c.repair)).toEqual([false, true]);
  expect(calls.filter((c) => c.role === 'product_manager')).toHaveLength(1);

  const summary = withMarker(n, 'summary-r1')[0]!.body;
  expect(summary).toContain('#### User flows — UX lead\n\n_No artifact: the answer did not validate, nor did its one repair');
  expect(summary).toContain('#### Test strategy & acceptance criteria — QA lead\n\nUnit and end-to-end tests.');
  const detail = await readJson(await s.call(`/api/v1/councils/${waiting.councilId}`));
  expect(detail.rounds[0].members.find((m: { role: string }) => m.role === 'ux_lead')).toMatchObject({ status: 'failed', repaired: true, artifactId: null });
  await end(n);
  await recordHistory('council-kickoff-repair', handle(n));
});

test('an optional member that does not finish in time is left out; the council goes on', async () => {
  const title = 'Design Brief: Onboarding wizard';
  // At 100 tokens/s the artifacts take a second or less; this answer would take 30 s.
  for (const sim of s.sims.values()) sim.configure({ tokensPerSecond: 100 });
  s.script((c) => (c.brief === title && c.role === 'ux_lead' ? 'word '.repeat(3000) : undefined));
  try {
    const n = await convene(title, 'A first-run onboarding wizard for new users.');
    const waiting = await s.until(n, (c) => c.status === 'awaiting_decision', 'a plan without the slow UX lead', 40_000);
    const ux = waiting.rounds[0]!.members.find((m) => m.role === 'ux_lead')!;
    expect(ux).toMatchObject({ status: 'failed', error: `no valid answer within ${MEMBER_TIMEOUT_SECONDS}s` });
    expect(waiting.rounds[0]!.members.filter((m) => m.status === 'answered').map((m) => m.role)).toEqual(['product_manager', 'engineering_lead', 'qa_lead']);
    await end(n);
  } finally {
    for (const sim of s.sims.values()) sim.configure({ tokensPerSecond: 5000 });
  }
});

test('a core member still invalid after its repair fails the council: no quorum, the brief says why', async () => {
  const title = 'Design Brief: Invoice export';
  s.script((c) => (c.brief === title && c.role === 'product_manager' ? 'I think the requirements are:' : undefined));
  const n = await convene(title, 'Export invoices as CSV.');
  const err = await handle(n)
    .result()
    .then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(WorkflowFailedError);
  const cause = (err as WorkflowFailedError).cause as ApplicationFailure;
  expect(cause.type).toBe('CouncilQuorumNotMet');
  expect(cause.message).toMatch(/^the council has no quorum \(the core roles must answer\): Product manager: the answer did not validate, nor did its one repair: the answer is not valid JSON/);
  expect(s.calls.filter((c) => c.brief === title && c.role === 'synthesis')).toEqual([]);
  expect(labels(n)).toContain('whoosh:failed');
  const failed = withMarker(n, 'failed-r1');
  expect(failed).toHaveLength(1);
  expect(failed[0]!.body).toContain('Remove the `whoosh:failed` label to convene the council again.');
  const state = await s.state(n);
  expect(state).toMatchObject({ status: 'failed', error: cause.message });
  const detail = await readJson(await s.call(`/api/v1/councils/${state.councilId}`));
  expect(detail).toMatchObject({ status: 'failed', error: cause.message, endedAt: expect.any(String) });
});

test('a revision that fails leaves the plan before it standing, and that plan can be approved', async () => {
  const title = 'Design Brief: Lunch orders';
  s.script((c) => (c.brief === title && c.role === 'product_manager' && c.feedback.length > 0 ? 'no' : undefined));
  const n = await convene(title, 'Order lunch for the team.');
  await s.until(n, (c) => c.status === 'awaiting_decision', 'a plan awaiting a decision');
  const refused = await handle(n)
    .executeUpdate(decideCouncilUpdate, { args: [{ decision: 'approve', by: 'watcher', role: 'viewer' }] })
    .then(() => undefined, (e: unknown) => e);
  expect(refused).toBeInstanceOf(WorkflowUpdateFailedError);
  expect((refused as WorkflowUpdateFailedError).cause?.message).toBe('deciding on a council needs the operator or admin role, not viewer');

  await handle(n).executeUpdate(decideCouncilUpdate, { args: [{ decision: 'revise', feedback: 'vegetarian options', by: 'ops', role: 'operator' }] });
  const standing = await s.until(n, (c) => c.rounds[1]?.status === 'failed' && c.status === 'awaiting_decision', 'the plan of round 1 standing');
  expect(standing.plan).toMatchObject({ round: 1 });
  expect(standing.rounds[1]!.error).toMatch(/^the council has no quorum \(the core roles must answer\): Product manager: /);
  expect(withMarker(n, 'failed-r2')[0]!.body).toContain('The plan of round 1 above still stands');

  await handle(n).executeUpdate(decideCouncilUpdate, { args: [{ decision: 'approve', by: 'ops', role: 'operator' }] });
  const result = await handle(n).result();
  expect(result).toMatchObject({ status: 'approved', rounds: 2, plan: { round: 1, tasks: 3 } });
  expect(result.tasks).toHaveLength(3);
  const detail = await readJson(await s.call(`/api/v1/councils/${result.councilId}`));
  expect(detail.rounds.map((r: { status: string }) => r.status)).toEqual(['approved', 'failed']);
  expect(detail.planRound).toBe(1);
});

test('/cancel while the council deliberates stops it at once; the calls in flight are let go', async () => {
  for (const sim of s.sims.values()) sim.configure({ tokensPerSecond: 5 });
  const inFlight = () => [...s.sims.values()].reduce((n, sim) => n + sim.stats.inFlight, 0);
  try {
    const n = await convene('Design Brief: Desk booking', 'Book a desk for a day.');
    await eventually(async () => (inFlight() >= 3 ? true : undefined), 'the members deliberating');
    await handle(n).signal(forgeCommandSignal, { command: 'cancel', text: 'wrong repository', user: AUTHOR, commentId: 1 });
    const result = await handle(n).result();
    expect(result).toMatchObject({ status: 'cancelled', outcome: 'Cancelled by alice with /cancel: wrong repository', rounds: 1, tasks: [] });
    expect(result.plan).toBeUndefined();
    expect(withMarker(n, 'summary-r1')).toEqual([]);
    expect(withMarker(n, 'cancelled')).toHaveLength(1);
    const detail = await readJson(await s.call(`/api/v1/councils/${result.councilId}`));
    expect(detail).toMatchObject({ status: 'cancelled', rounds: [{ round: 1, status: 'cancelled' }] });
    await eventually(async () => (inFlight() === 0 ? true : undefined), 'the cancelled calls to end', 15_000);
  } finally {
    for (const sim of s.sims.values()) sim.configure({ tokensPerSecond: 5000 });
  }
});

test('without a decision: a reminder after reminder_after, still waiting, then expired at expire_after', async () => {
  const n = await convene('Design Brief: Visitor badges', 'Print visitor badges at reception.');
  await s.until(n, (c) => c.status === 'awaiting_decision', 'a plan awaiting a decision');
  const reminded = await s.until(n, (c) => (c.waiting?.reminders ?? 0) >= 1, 'the first reminder');
  expect(reminded.status).toBe('awaiting_decision');
  const first = withMarker(n, 'reminder-r1-1');
  expect(first).toHaveLength(1);
  expect(first[0]!.body).toMatch(new RegExp(`^@${AUTHOR}, the council’s kickoff plan above is waiting for an answer\\.`));

  const result = await handle(n).result();
  expect(result).toMatchObject({ status: 'expired', tasks: [] });
  expect(withMarker(n, 'reminder-r1-2')).toHaveLength(1);
  expect(withMarker(n, 'expired')).toHaveLength(1);
  expect(labels(n)).toContain('whoosh:expired');
  expect(labels(n)).not.toContain('whoosh:council-waiting');
  const detail = await readJson(await s.call(`/api/v1/councils/${result.councilId}`));
  expect(detail).toMatchObject({ status: 'expired', rounds: [{ round: 1, status: 'expired' }] });
  await recordHistory('council-kickoff-expired', handle(n));
});
