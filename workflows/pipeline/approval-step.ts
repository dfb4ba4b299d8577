/**
 * The approval step of a pipeline run (whoosh.approval): a durable wait for a
 * decision, which arrives as the approvePipelineStep update, or as an
 * /approve or /reject comment on the linked issue (read every pollSeconds);
 * reminders every remindEverySeconds, and the timeout. A worker restart
 * replays to the same wait.
 */
import { condition, log, proxyActivities, setHandler } from '@temporalio/workflow';
import type { ApprovalActivities } from '../../activities/pipeline/approval-activities';
import type { WhooshStepDescriptor } from '../../activities/pipeline/whoosh-steps';
import type { ApprovalDecision } from '../../domain/pipeline/types';
import { FORGE } from '../activity-profiles';
import { approvePipelineStepUpdate } from './definitions';

const { postApprovalComment, findApprovalComment } = proxyActivities<ApprovalActivities>(FORGE);

const DEFAULT_POLL_SECONDS = 30;

let waiting: string | undefined;
let decided: ApprovalDecision | undefined;

export function installApprovalHandlers(): void {
  setHandler(
    approvePipelineStepUpdate,
    (input) => {
      decided = { decision: input.decision, by: input.by, ...(input.comment ? { comment: input.comment } : {}), via: 'api', at: Date.now() };
      return { node: waiting!, decision: input.decision };
    },
    {
      validator: (input) => {
        if (waiting === undefined || decided !== undefined) throw new Error('the run does not wait for an approval');
        if (input.node !== undefined && input.node !== waiting) throw new Error(`the run waits at "${waiting}", not "${input.node}"`);
      },
    },
  );
}

/**
 * The decision, or undefined when the history grew past `tooLong` while
 * waiting: the run then continues as new from the step before, whose stored
 * successor is this same approval, and waits on in a fresh history.
 */
export async function awaitApproval(step: Extract<WhooshStepDescriptor, { kind: 'approval' }>, executionId: string, tooLong: () => boolean): Promise<ApprovalDecision | undefined> {
  waiting = step.node;
  decided = undefined;
  const marker = (what: string) => `<!-- whoosh:pipeline-approval:${executionId}:${step.seq}:${what} -->`;
  if (step.issue) await postApprovalComment({ issue: step.issue, marker: marker('request'), body: `${step.message}\n\nAnswer with \`/approve\` or \`/reject <reason>\`.` });
  const pollMs = step.issue ? (step.pollSeconds ?? DEFAULT_POLL_SECONDS) * 1000 : Infinity;
  const remindMs = step.remindEverySeconds ? step.remindEverySeconds * 1000 : Infinity;
  let nextPoll = Date.now() + pollMs;
  let nextReminder = Date.now() + remindMs;
  let reminders = 0;
  let afterComment = 0;
  while (decided === undefined) {
    const wakeAt = Math.min(nextPoll, nextReminder, step.until ?? Infinity);
    if (await condition(() => decided !== undefined, wakeAt === Infinity ? undefined : Math.max(1, wakeAt - Date.now()))) break;
    const now = Date.now();
    if (tooLong()) {
      waiting = undefined;
      return undefined;
    }
    if (step.until !== undefined && now >= step.until) {
      decided = { decision: 'timeout', via: 'timer', at: now };
      break;
    }
    if (step.issue && now >= nextPoll) {
      const found = await findApprovalComment({ issue: step.issue, afterCommentId: afterComment, ...(step.approvers ? { approvers: step.approvers } : {}) });
      afterComment = found.lastCommentId;
      // An update may have come while the comments were read: the first decision wins.
      if (found.decision && decided === undefined) decided = { decision: found.decision.decision, by: found.decision.by, ...(found.decision.comment ? { comment: found.decision.comment } : {}), via: 'comment', at: Date.now() };
      nextPoll = Date.now() + pollMs;
    }
    if (now >= nextReminder && decided === undefined) {
      reminders++;
      log.info('approval still awaited', { node: step.node, reminders });
      if (step.issue) await postApprovalComment({ issue: step.issue, marker: marker(`reminder-${reminders}`), body: `Reminder: ${step.message}\n\nAnswer with \`/approve\` or \`/reject <reason>\`.` });
      nextReminder = Date.now() + remindMs;
    }
  }
  waiting = undefined;
  return decided!;
}
