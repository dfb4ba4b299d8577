/**
 * A forge call that stops answering (what a worker killed mid-call looks like
 * to Temporal: no more heartbeats) is given up by the FORGE profile's heartbeat
 * timeout, in seconds, and tried again — not left for the start-to-close
 * timeout of minutes (issue 12.9). The team still gets exactly one comment.
 */
import { temporal } from '@temporalio/proto';
import { eventually, startTeamStage, type TeamStage } from '../team/team-fixture';

let s: TeamStage;

beforeAll(async () => {
  s = await startTeamStage({ config: { docker: { enabled: false } } });
});
afterAll(async () => {
  await s.close();
});

test('a hung forge request is abandoned by heartbeat timeout and retried; one comment', async () => {
  // Every forge answer from now on takes longer than the heartbeat timeout.
  s.gitea.latency(40_000);
  const n = s.gitea.openIssue(s.owner, s.repo, { title: 'Add a health endpoint', body: 'GET /health', labels: ['bzzz-task'], author: 'alice' }).number;
  const handle = s.h.client.workflow.getHandle(s.workflowId(n));
  const FORGE_ACTIVITIES = ['loadTask', 'postIssueComment', 'setIssueStatusLabel'];
  await eventually(async () => {
    const pending = (await handle.describe().catch(() => undefined))?.raw.pendingActivities ?? [];
    return pending.some((p) => FORGE_ACTIVITIES.includes(p.activityType?.name ?? '') && p.lastStartedTime) ? true : undefined;
  }, 'a forge activity in flight');
  // Its request has reached the slow forge; answer quickly from now on.
  await new Promise((r) => setTimeout(r, 1000));
  s.gitea.latency(0);
  const timedOut = await eventually(async () => {
    const pending = (await handle.describe()).raw.pendingActivities ?? [];
    const failure = pending.find((p) => p.lastFailure?.timeoutFailureInfo)?.lastFailure;
    if (failure) return failure.timeoutFailureInfo!.timeoutType;
    // Or it has moved on: then the history says how the first attempt ended.
    return (await s.state(n).catch(() => undefined))?.status === 'active' ? 'moved-on' : undefined;
  }, 'the hung attempt given up', 40_000);
  expect(timedOut).toBe(temporal.api.enums.v1.TimeoutType.TIMEOUT_TYPE_HEARTBEAT);
  await s.status(n, 'active', 60_000);
  const formed = s.gitea.comments(s.owner, s.repo, n).filter((c) => c.body.includes(':formed -->'));
  expect(formed).toHaveLength(1);
}, 120_000);
