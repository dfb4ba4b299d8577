/**
 * The one failure model: a failure that crossed the activity, child or client
 * boundary says what went wrong, not where ("Activity task failed").
 */
import { WorkflowFailedError, WorkflowUpdateFailedError } from '@temporalio/client';
import { ActivityFailure, ApplicationFailure, ChildWorkflowFailure, RetryState, TimeoutFailure, TimeoutType } from '@temporalio/common';
import { FAILURE_TYPES, failureMessage, failureType, nonRetryableFailure } from '../../domain/failures';

const application = ApplicationFailure.create({ type: 'DockerRejected', message: 'Docker create container whoosh-t1-dev: HTTP 400 no space left on device', nonRetryable: true });
const activityFailed = (cause?: Error) => new ActivityFailure('Activity task failed', 'deployAgent', '7', RetryState.NON_RETRYABLE_FAILURE, 'worker-1', cause);

describe('failureMessage', () => {
  test('an activity failure says its cause', () => {
    expect(failureMessage(activityFailed(application))).toBe('Docker create container whoosh-t1-dev: HTTP 400 no space left on device');
    expect(failureType(activityFailed(application))).toBe('DockerRejected');
  });

  test('follows the chain through a child workflow and the client', () => {
    const child = new ChildWorkflowFailure('default', { workflowId: 'llm:1', runId: 'r' }, 'llmCall', RetryState.NON_RETRYABLE_FAILURE, activityFailed(application));
    const failed = new WorkflowFailedError('Workflow execution failed', child, RetryState.NON_RETRYABLE_FAILURE);
    expect(failureMessage(failed)).toContain('no space left on device');
    expect(failureType(failed)).toBe('DockerRejected');
  });

  test("an update's rejection says the validator's reason", () => {
    const rejected = new WorkflowUpdateFailedError('Workflow Update failed', ApplicationFailure.create({ message: 'the team is ending; only an active team can be reformed' }));
    expect(failureMessage(rejected)).toBe('the team is ending; only an active team can be reformed');
  });

  test('a timeout is named as one; plain errors and values are their own message', () => {
    const timedOut = activityFailed(new TimeoutFailure('Activity task timed out', undefined, TimeoutType.HEARTBEAT));
    expect(failureType(timedOut)).toBe('TimeoutFailure');
    expect(failureMessage(timedOut)).toBe('Activity task timed out');
    expect(failureMessage(new Error('boom'))).toBe('boom');
    expect(failureType(new RangeError('out of range'))).toBe('RangeError');
    expect(failureMessage('just text')).toBe('just text');
    expect(failureType('just text')).toBeUndefined();
  });

  test('a wrapper without a cause says what it has', () => {
    expect(failureMessage(activityFailed())).toBe('Activity task failed');
  });
});

test('nonRetryableFailure throws only types of the closed set, never retried', () => {
  const f = nonRetryableFailure('NoEligibleNode', 'no agent node could serve the call', [{ reason: 'no-node' }]);
  expect(f).toMatchObject({ type: 'NoEligibleNode', nonRetryable: true, details: [{ reason: 'no-node' }] });
  expect(nonRetryableFailure('NoTeam', 'no roles').details).toBeUndefined();
  expect(Object.keys(FAILURE_TYPES)).toContain('TeamDeploymentFailed');
});
