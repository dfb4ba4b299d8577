import { summarize } from './summaries';

test('scalars, names, ids, durations and failures in one line; plumbing left out', () => {
  expect(
    summarize({
      activityId: '1',
      attempt: 2,
      activityType: { name: 'llmChat' },
      workflowExecution: { workflowId: 'llm:1', runId: 'r-1' },
      startToCloseTimeout: '90s',
      lastFailure: { message: 'node busy', applicationFailureInfo: { type: 'NodeBusy' } },
      header: { fields: {} },
      requestId: 'x',
      identity: '',
    }),
  ).toEqual({
    activityId: '1',
    attempt: 2,
    activityType: 'llmChat',
    workflowExecution: 'llm:1',
    workflowExecutionRunId: 'r-1',
    startToCloseTimeout: '90s',
    lastFailure: 'node busy',
    lastFailureType: 'NodeBusy',
  });
});

test('long text is cut', () => {
  expect(String(summarize({ note: 'y'.repeat(300) }).note)).toHaveLength(201);
});
