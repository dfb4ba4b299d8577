/**
 * Every recorded history replays against today's workflow code without a
 * nondeterminism error: a change that would break running workflows fails here.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { temporal } from '@temporalio/proto';
import { Worker } from '@temporalio/worker';
import { HISTORIES_DIR } from '../helpers/histories';
import { testEnv } from '../setup/test-env';

const files = readdirSync(HISTORIES_DIR).filter((f) => f.endsWith('.json'));

test('there are recorded histories to replay', () => {
  expect(files.length).toBeGreaterThanOrEqual(4);
});

test('council kickoffs are among them: approved after a revision, failover, repair, expiry', () => {
  expect(files.filter((f) => f.startsWith('council-kickoff-')).sort()).toEqual(
    expect.arrayContaining(['council-kickoff-approved.json', 'council-kickoff-expired.json', 'council-kickoff-failover.json', 'council-kickoff-repair.json']),
  );
});

test('pipeline runs are among them: activities, a durable timer, child workflows, a worker killed mid-run', () => {
  expect(files.filter((f) => f.startsWith('pipeline-run-')).sort()).toEqual(
    expect.arrayContaining(['pipeline-run-http.json', 'pipeline-run-sub-workflows.json', 'pipeline-run-wait.json', 'pipeline-run-worker-killed.json']),
  );
});

test.each(files)('%s replays', async (file) => {
  // Fixtures are the History messages' own JSON form; fromObject turns them back into messages.
  const history = temporal.api.history.v1.History.fromObject(JSON.parse(readFileSync(path.join(HISTORIES_DIR, file), 'utf8')));
  const workflowId = path.basename(file, '.json');
  await Worker.runReplayHistory({ workflowBundle: { codePath: testEnv().workflowBundlePath } }, history, workflowId);
});
