/**
 * whoosh.approval 1: the run waits durably for a person. The decision comes
 * as the run's `approvePipelineStep` update (API, dashboard) or as an
 * `/approve` / `/reject` comment on the linked issue; reminders go out every
 * `remindEverySeconds`; past `timeoutSeconds` the items leave by the timeout
 * output. Outputs: approved (0), rejected (1), timeout (2); each item carries
 * `approval: { decision, by, comment, via, at }`.
 */
import { NodeOperationError } from '../errors';
import type { NodeType } from '../node-type';
import type { ApprovalDecision, IssueRef, JsonObject } from '../types';

const ISSUE = /^([\w.-]+)\/([\w.-]+)#(\d+)$/;

export function parseIssueRef(text: string): IssueRef | undefined {
  const m = ISSUE.exec(text.trim());
  return m ? { owner: m[1]!, name: m[2]!, number: Number(m[3]) } : undefined;
}

const COMMAND = /^\/(approve|reject)\b[ \t]*(.*)$/m;

/** `/approve [comment]` or `/reject [reason]` at the start of a line of a comment. */
export function parseApprovalCommand(body: string): { decision: 'approve' | 'reject'; comment: string } | undefined {
  const m = COMMAND.exec(body.trim());
  return m ? { decision: m[1] as 'approve' | 'reject', comment: m[2]!.trim() } : undefined;
}

const OUTPUT: Record<ApprovalDecision['decision'], number> = { approve: 0, reject: 1, timeout: 2 };

const positive = (v: unknown): number | undefined => (typeof v === 'number' && v > 0 ? v : typeof v === 'string' && Number(v) > 0 ? Number(v) : undefined);

export const whooshApproval: NodeType = {
  type: 'whoosh.approval',
  versions: [1],
  kind: 'wait',
  inputs: () => 1,
  outputs: () => 3,
  parameters: ['message', 'issue', 'approvers', 'timeoutSeconds', 'remindEverySeconds', 'pollSeconds'],
  check(node) {
    const issue = node.parameters?.issue;
    if (typeof issue === 'string' && issue !== '' && !issue.startsWith('=') && !parseIssueRef(issue)) return [`parameter "issue" must be owner/name#number, not "${issue}"`];
    return [];
  },
  start(ex) {
    const rawIssue = String(ex.param('issue', 0, '') ?? '');
    const issue = rawIssue ? parseIssueRef(rawIssue) : undefined;
    if (rawIssue && !issue) throw new NodeOperationError(`The issue "${rawIssue}" is not owner/name#number`);
    const approvers = String(ex.param('approvers', 0, '') ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    const timeout = positive(ex.param('timeoutSeconds', 0, undefined));
    const remind = positive(ex.param('remindEverySeconds', 0, undefined));
    const poll = positive(ex.param('pollSeconds', 0, undefined));
    return {
      step: {
        kind: 'approval',
        node: ex.node.name,
        message: String(ex.param('message', 0, `Pipeline step "${ex.node.name}" waits for approval`)),
        ...(issue ? { issue } : {}),
        ...(approvers.length ? { approvers } : {}),
        ...(timeout ? { until: ex.host.now + timeout * 1000 } : {}),
        ...(remind ? { remindEverySeconds: remind } : {}),
        ...(poll ? { pollSeconds: poll } : {}),
      },
      pending: null,
    };
  },
  finish(ex, _pending, resume) {
    if (resume.kind === 'activityError') throw new NodeOperationError(resume.error.message, resume.error.description);
    if (resume.kind !== 'activity') throw new Error(`Approval: expected a decision, got ${resume.kind}`);
    const d = resume.result as unknown as ApprovalDecision;
    const approval: JsonObject = { decision: d.decision, by: d.by ?? null, comment: d.comment ?? null, via: d.via, at: new Date(d.at).toISOString() };
    const outputs = [[], [], []] as ReturnType<NonNullable<NodeType['execute']>> & object;
    outputs[OUTPUT[d.decision]] = ex.items.map((item, i) => ({ json: { ...item.json, approval }, ...(item.binary ? { binary: item.binary } : {}), pairedItem: { item: i } }));
    return outputs;
  },
};
