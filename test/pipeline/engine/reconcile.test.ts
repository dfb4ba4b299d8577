/** What a run becomes when Temporal says its workflow closed without its code recording it. */
import { reconciledRun } from '../../../domain/pipeline/reconcile';

test('terminated and cancelled runs are canceled, timed out and failed ones error, each with the reason', () => {
  expect(reconciledRun('TERMINATED', 'by ops', 'Pause')).toEqual({ status: 'canceled', error: { node: 'Pause', name: 'WorkflowTerminated', message: 'The run was terminated outside WHOOSH: by ops' } });
  expect(reconciledRun('CANCELLED', undefined, null)).toEqual({ status: 'canceled', error: { node: '', name: 'WorkflowCancelled', message: 'The run was cancelled' } });
  expect(reconciledRun('TIMED_OUT', 'Workflow execution timed out', 'Slow')).toMatchObject({ status: 'error', error: { node: 'Slow', message: 'The run timed out: Workflow execution timed out' } });
  expect(reconciledRun('FAILED', '  boom  ', 'X')).toMatchObject({ status: 'error', error: { message: 'The run’s workflow failed: boom' } });
  expect(reconciledRun('TERMINATED', 'x'.repeat(5000), null)!.error.message.length).toBeLessThan(2100);
  for (const open of ['RUNNING', 'COMPLETED', 'CONTINUED_AS_NEW', 'UNSPECIFIED']) expect(reconciledRun(open, 'r', 'n')).toBeUndefined();
});
