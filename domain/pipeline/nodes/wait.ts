/**
 * Wait 1.1: after a time interval or at a specific time, as a durable timer
 * (the wait step); the items pass through. Webhook and form resume come with
 * the triggers and are refused before the run.
 */
import { DateTime } from 'luxon';
import { NodeOperationError } from '../errors';
import type { NodeType } from '../node-type';

const UNIT_MS: Record<string, number> = { seconds: 1000, minutes: 60_000, hours: 3_600_000, days: 86_400_000 };

export const wait: NodeType = {
  type: 'n8n-nodes-base.wait',
  versions: [1, 1.1],
  kind: 'wait',
  inputs: () => 1,
  outputs: () => 1,
  parameters: ['resume', 'amount', 'unit', 'dateTime', 'incomingAuthentication', 'httpMethod', 'responseCode', 'responseMode', 'responseData', 'responseBinaryPropertyName', 'limitWaitTime', 'limitType', 'resumeAmount', 'resumeUnit', 'maxDateAndTime', 'options', 'webhookSuffix'],
  check(node) {
    const resume = node.parameters?.resume ?? 'timeInterval';
    return resume === 'timeInterval' || resume === 'specificTime' ? [] : [`parameter "resume" "${String(resume)}" (resume by webhook or form) is not supported yet`];
  },
  start(ex) {
    const resume = ex.param<string>('resume', 0, 'timeInterval');
    let until: number;
    if (resume === 'specificTime') {
      const raw = ex.param<unknown>('dateTime', 0, '');
      const d = typeof raw === 'string' ? DateTime.fromISO(raw, { zone: ex.host.timezone }) : DateTime.fromMillis(Number(raw));
      if (!d.isValid) throw new NodeOperationError(`The date and time "${String(raw)}" is not valid`);
      until = d.toMillis();
    } else {
      const amount = Number(ex.param('amount', 0, 1));
      const unit = String(ex.param('unit', 0, 'hours'));
      if (!(amount >= 0) || UNIT_MS[unit] === undefined) throw new NodeOperationError(`The wait time ${amount} ${unit} is not valid`);
      until = ex.host.now + amount * UNIT_MS[unit]!;
    }
    return { step: { kind: 'wait', node: ex.node.name, until }, pending: null };
  },
  finish(ex, _pending, resume) {
    if (resume.kind !== 'waited') throw new Error(`Wait: expected the timer to fire, got ${resume.kind}`);
    return [ex.items];
  },
};
