/** A failure in a history (and its causes) as the timeline shows it. */
import type { FailureKind, FailureView, PayloadPreview } from '../../../domain/wire/timeline';
import { type Json, field, isObject, stripPrefix, text } from './history-json';
import { decodePayload, isPayload, preview } from './payloads';

const FAILURE_INFOS: readonly [string, FailureKind, (info: Json) => string | undefined][] = [
  ['applicationFailureInfo', 'application', (i) => text(i.type)],
  ['timeoutFailureInfo', 'timeout', (i) => stripPrefix(i.timeoutType, 'TIMEOUT_TYPE_')],
  ['canceledFailureInfo', 'canceled', () => undefined],
  ['terminatedFailureInfo', 'terminated', () => undefined],
  ['serverFailureInfo', 'server', () => undefined],
  ['resetWorkflowFailureInfo', 'reset', () => undefined],
  ['activityFailureInfo', 'activity', (i) => text(field(i, 'activityType', 'name'))],
  ['childWorkflowExecutionFailureInfo', 'child-workflow', (i) => text(field(i, 'workflowType', 'name'))],
  ['nexusOperationExecutionFailureInfo', 'nexus', (i) => text(i.operation)],
  ['nexusHandlerFailureInfo', 'nexus', (i) => text(i.type)],
];

/** Without an `eventId` (a failure not stored in an event) details are left out: they could not be fetched in full. */
export function failureView(f: unknown, eventId: string | undefined, path: string, chars: number, depth = 0): FailureView | undefined {
  if (!isObject(f)) return undefined;
  let message = text(f.message) ?? '';
  let stackTrace = text(f.stackTrace);
  // With a failure converter that encodes common attributes, the real message travels as a payload.
  if (isPayload(f.encodedAttributes)) {
    const encoded = decodePayload(f.encodedAttributes).value;
    message = text(field(encoded, 'message')) ?? message;
    stackTrace = text(field(encoded, 'stack_trace')) ?? stackTrace;
  }
  let kind: FailureKind = 'unknown';
  let type: string | undefined;
  let nonRetryable: boolean | undefined;
  let details: PayloadPreview | undefined;
  for (const [key, k, typeOf] of FAILURE_INFOS) {
    const info = f[key];
    if (!isObject(info)) continue;
    kind = k;
    type = typeOf(info);
    if (key === 'applicationFailureInfo') nonRetryable = info.nonRetryable === true;
    const detailsKey = key === 'applicationFailureInfo' ? 'details' : key === 'timeoutFailureInfo' ? 'lastHeartbeatDetails' : undefined;
    if (detailsKey && eventId !== undefined) details = preview(info[detailsKey], eventId, `${path}.${key}.${detailsKey}`, chars);
    break;
  }
  const cause = depth < 8 ? failureView(f.cause, eventId, `${path}.cause`, chars, depth + 1) : undefined;
  return {
    message,
    kind,
    ...(type ? { type } : {}),
    ...(nonRetryable !== undefined ? { nonRetryable } : {}),
    ...(text(f.source) ? { source: text(f.source) } : {}),
    ...(stackTrace ? { stackTrace } : {}),
    ...(details ? { details } : {}),
    ...(cause ? { cause } : {}),
  };
}
