/** An event's scalar attributes, flattened for a one-line view. */
import type { SummaryValue } from '../../../domain/wire/timeline';
import { failureView } from './failures';
import { type Json, durationMs, formatDuration, isObject } from './history-json';

/** Plumbing that says nothing about what the workflow did. */
const SUMMARY_SKIP = new Set(['header', 'workerVersion', 'sdkMetadata', 'meteringMetadata', 'searchAttributes', 'memo', 'requestId', 'versioningOverride', 'deploymentVersion', 'priority', 'links', 'userMetadata', 'callbacks', 'completionCallbacks']);
const SUMMARY_TEXT_LIMIT = 200;

export function summarize(attrs: Json): Record<string, SummaryValue> {
  const out: Record<string, SummaryValue> = {};
  for (const [key, v] of Object.entries(attrs)) {
    if (SUMMARY_SKIP.has(key)) continue;
    if (typeof v === 'string') {
      if (v !== '') out[key] = v.length > SUMMARY_TEXT_LIMIT ? `${v.slice(0, SUMMARY_TEXT_LIMIT)}…` : v;
    } else if (typeof v === 'number' || typeof v === 'boolean') {
      out[key] = v;
    } else if (isObject(v)) {
      if (key === 'failure' || key === 'lastFailure') {
        const f = failureView(v, undefined, key, 0);
        if (f) {
          out[key] = f.message;
          if (f.type) out[`${key}Type`] = f.type;
        }
      } else if (typeof v.name === 'string') {
        out[key] = v.name; // workflowType, activityType, taskQueue
      } else if (typeof v.workflowId === 'string') {
        out[key] = v.workflowId;
        if (typeof v.runId === 'string' && v.runId !== '') out[`${key}RunId`] = v.runId;
      } else {
        const ms = durationMs(v);
        if (ms !== undefined && ms > 0) out[key] = formatDuration(ms);
      }
    }
  }
  return out;
}
