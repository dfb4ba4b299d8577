/**
 * Wait 1.1: after a time interval or at a specific time, as a durable timer
 * (the wait step), the items passing through; or until a call to the run's
 * resume URL ($execution.resumeUrl, the webhookWait step), which the node
 * outputs as one item { headers, params, query, body }. With limitWaitTime it
 * goes on by itself when the limit passes, passing its items through. Form
 * resume is refused before the run.
 */
import { DateTime } from 'luxon';
import { NodeOperationError } from '../errors';
import type { NodeType } from '../node-type';
import type { N8nNode } from '../types';
import { normalizeWebhookPath, webhookAuthOf } from '../webhook-trigger';

const UNIT_MS: Record<string, number> = { seconds: 1000, minutes: 60_000, hours: 3_600_000, days: 86_400_000 };
const AUTH = ['none', 'basicAuth', 'headerAuth'];

function webhookProblems(node: N8nNode): string[] {
  const p = node.parameters ?? {};
  const problems: string[] = [];
  const auth = String(p.incomingAuthentication ?? 'none');
  if (!AUTH.includes(auth)) problems.push(`parameter "incomingAuthentication" "${auth}" is not supported (none, basicAuth, headerAuth)`);
  else {
    const a = webhookAuthOf(node, 'incomingAuthentication');
    if (a.kind !== 'none' && a.credential.id === null && a.credential.name === null) problems.push(`authentication "${auth}" needs a ${a.credential.type} credential`);
  }
  const mode = String(p.responseMode ?? 'onReceived');
  if (mode !== 'onReceived') problems.push(`parameter "responseMode" "${mode}" is not supported on a Wait node (onReceived)`);
  return problems;
}

export const wait: NodeType = {
  type: 'n8n-nodes-base.wait',
  versions: [1, 1.1],
  kind: 'wait',
  inputs: () => 1,
  outputs: () => 1,
  parameters: ['resume', 'amount', 'unit', 'dateTime', 'incomingAuthentication', 'httpMethod', 'responseCode', 'responseMode', 'responseData', 'responseBinaryPropertyName', 'limitWaitTime', 'limitType', 'resumeAmount', 'resumeUnit', 'maxDateAndTime', 'options', 'webhookSuffix'],
  check(node) {
    const resume = node.parameters?.resume ?? 'timeInterval';
    if (resume === 'timeInterval' || resume === 'specificTime') return [];
    if (resume === 'webhook') return webhookProblems(node);
    return [`parameter "resume" "${String(resume)}" (resume by form) is not supported yet`];
  },
  start(ex) {
    const resume = ex.param<string>('resume', 0, 'timeInterval');
    const at = (raw: unknown): number => {
      const d = typeof raw === 'string' ? DateTime.fromISO(raw, { zone: ex.host.timezone }) : DateTime.fromMillis(Number(raw));
      if (!d.isValid) throw new NodeOperationError(`The date and time "${String(raw)}" is not valid`);
      return d.toMillis();
    };
    const after = (amount: number, unit: string): number => {
      if (!(amount >= 0) || UNIT_MS[unit] === undefined) throw new NodeOperationError(`The wait time ${amount} ${unit} is not valid`);
      return ex.host.now + amount * UNIT_MS[unit]!;
    };
    if (resume === 'webhook') {
      let until: number | undefined;
      if (ex.param<boolean>('limitWaitTime', 0, false)) {
        until =
          ex.param<string>('limitType', 0, 'afterTimeInterval') === 'atSpecifiedTime'
            ? at(ex.param<unknown>('maxDateAndTime', 0, ''))
            : after(Number(ex.param('resumeAmount', 0, 1)), String(ex.param('resumeUnit', 0, 'hours')));
      }
      const options = ex.param<Record<string, unknown>>('options', 0, {});
      const webhook = {
        method: String(ex.param('httpMethod', 0, 'GET')).toUpperCase(),
        suffix: normalizeWebhookPath(String(options?.webhookSuffix ?? ex.param('webhookSuffix', 0, ''))),
        auth: webhookAuthOf(ex.node, 'incomingAuthentication'),
      };
      return { step: { kind: 'webhookWait', node: ex.node.name, ...(until !== undefined ? { until } : {}), webhook }, pending: null };
    }
    const until = resume === 'specificTime' ? at(ex.param<unknown>('dateTime', 0, '')) : after(Number(ex.param('amount', 0, 1)), String(ex.param('unit', 0, 'hours')));
    return { step: { kind: 'wait', node: ex.node.name, until }, pending: null };
  },
  finish(ex, _pending, resume) {
    if (resume.kind === 'webhookResumed') return [[{ ...resume.item, pairedItem: { item: 0 } }]];
    if (resume.kind !== 'waited') throw new Error(`Wait: expected the timer or a call to fire, got ${resume.kind}`);
    return [ex.items];
  },
};
