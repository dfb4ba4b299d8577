import { failureView } from './failures';

test('an activity failure with its application cause: kinds, types and where the details are', () => {
  const failure = {
    message: 'Activity task failed',
    activityFailureInfo: { activityType: { name: 'llmChat' } },
    cause: { message: 'walnut: connect ECONNREFUSED', applicationFailureInfo: { type: 'NodeUnavailable', nonRetryable: false, details: { payloads: [] } } },
  };
  expect(failureView(failure, '12', 'failure', 100)).toEqual({
    message: 'Activity task failed',
    kind: 'activity',
    type: 'llmChat',
    cause: { message: 'walnut: connect ECONNREFUSED', kind: 'application', type: 'NodeUnavailable', nonRetryable: false },
  });
});

test('a timeout names its type; what is not a failure is nothing', () => {
  expect(failureView({ message: 'timed out', timeoutFailureInfo: { timeoutType: 'TIMEOUT_TYPE_HEARTBEAT' } }, '4', 'failure', 100)).toMatchObject({ kind: 'timeout', type: 'HEARTBEAT' });
  expect(failureView('boom', '4', 'failure', 100)).toBeUndefined();
});
