/** Small pure pieces of the dashboard: formats, chart geometry, timeline bars, the node form, artifact order. */
import { fieldOfIssue, nodeInput, emptyNodeForm } from '../../ui/src/lib/agents';
import { linePath, niceMax } from '../../ui/src/lib/chart';
import { orderArtifacts } from '../../ui/src/lib/councils';
import { barOf, hasTrouble, type TimelineItem } from '../../ui/src/lib/executions';
import { formatDuration, prettyJson, timeAgo } from '../../ui/src/lib/format';

test('durations and ages read as people say them', () => {
  expect(formatDuration(null)).toBe('—');
  expect(formatDuration(850)).toBe('850 ms');
  expect(formatDuration(1234)).toBe('1.2 s');
  expect(formatDuration(42_000)).toBe('42 s');
  expect(formatDuration(300_000)).toBe('5 min');
  expect(formatDuration(321_000)).toBe('5 min 21 s');
  expect(formatDuration(3 * 3600_000 + 60_000)).toBe('3 h 1 min');
  expect(formatDuration(50 * 3600_000)).toBe('2 d 2 h');
  const now = Date.parse('2026-11-21T10:00:00Z');
  expect(timeAgo('2026-11-21T09:59:58Z', now)).toBe('just now');
  expect(timeAgo('2026-11-21T09:59:00Z', now)).toBe('1 min ago');
  expect(timeAgo('2026-11-21T09:00:00Z', now)).toBe('1 h ago');
  expect(timeAgo(null, now)).toBe('—');
  expect(prettyJson('{"a":1}', true)).toBe('{\n  "a": 1\n}');
  expect(prettyJson('{"a":', false)).toBe('{"a":');
});

test('chart lines break where a bucket has no data, and the y axis ends on a round number', () => {
  expect(niceMax([3, null, 7])).toBe(10);
  expect(niceMax([0.2], 1)).toBe(1);
  expect(niceMax([130])).toBe(200);
  expect(linePath([0, 1, null, 1], { width: 30, height: 10 }, 1)).toBe('M0.0 10.0 L10.0 0.0 M30.0 0.0 L32.0 0.0');
  expect(linePath([], { width: 30, height: 10 }, 1)).toBe('');
});

test('a timeline item’s bar sits where it ran within the run; open items reach now; trouble is failure or retry', () => {
  const span = { start: '2026-11-21T10:00:00.000Z', end: '2026-11-21T10:00:10.000Z' };
  expect(barOf({ start: '2026-11-21T10:00:02.000Z', end: '2026-11-21T10:00:07.000Z' }, span, 0)).toEqual({ left: 20, width: 50 });
  const open = barOf({ start: '2026-11-21T10:00:05.000Z', end: null }, { ...span, end: null }, Date.parse('2026-11-21T10:00:10.000Z'));
  expect(open).toEqual({ left: 50, width: 50 });
  expect(barOf({ start: null, end: null }, span, 0)).toBeUndefined();
  const item = (over: Partial<TimelineItem>) => ({ id: '5', kind: 'activity', title: 'llmChat', status: 'completed', start: null, end: null, durationMs: null, eventIds: [], ...over }) as TimelineItem;
  expect(hasTrouble(item({}))).toBe(false);
  expect(hasTrouble(item({ status: 'retrying' }))).toBe(true);
  expect(hasTrouble(item({ failure: { message: 'boom', kind: 'application' } }))).toBe(true);
});

test('the node form sends what whoosh.yaml takes, and the API’s field errors find their inputs', () => {
  const form = { ...emptyNodeForm(), id: ' gpu-1 ', endpoint: 'http://gpu-1:11434 ', models: 'llama3.1:8b,\n qwen2.5:7b,', parallel: 3, vramGb: '24', gpuType: '' };
  expect(nodeInput(form, true)).toEqual({ id: 'gpu-1', endpoint: 'http://gpu-1:11434', models: ['llama3.1:8b', 'qwen2.5:7b'], capabilities: [], parallel: 3, hardware: { vram_gb: 24 } });
  expect(nodeInput({ ...form, parallel: null }, false)).not.toHaveProperty('id');
  expect(nodeInput({ ...form, parallel: null }, false).parallel).toBe(1);
  expect(fieldOfIssue('body.hardware.vram_gb')).toBe('vramGb');
  expect(fieldOfIssue('body.endpoint')).toBe('endpoint');
  expect(fieldOfIssue('body')).toBe('models'); // "needs `model` or a non-empty `models` list"
  expect(fieldOfIssue('body.performance_targets.max_response_time_ms')).toBe('maxResponseTimeMs');
});

test('a council’s plan reads first, then the members’ artifacts in the order of their seats', () => {
  const a = (kind: string, role: string) => ({ kind, role });
  const ordered = orderArtifacts([a('threat_model', 'security_lead'), a('requirements', 'product_manager'), a('kickoff_plan', 'engineering_lead'), a('architecture', 'engineering_lead')], ['product_manager', 'engineering_lead', 'qa_lead', 'security_lead']);
  expect(ordered.map((x) => x.kind)).toEqual(['kickoff_plan', 'requirements', 'architecture', 'threat_model']);
});
