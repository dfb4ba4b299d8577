/** The pure parts of stored pipelines: summary fields, trigger kinds, webhook endpoints and items, schedule specs, retry plans. */
import { retryFromFailedNode } from '../../../domain/pipeline/retry-from-failed';
import { schedulePlan } from '../../../domain/pipeline/schedule-spec';
import { pipelineName, pipelineProblems, pipelineTags, pipelineTrigger } from '../../../domain/pipeline/stored-pipeline';
import { BUILT_IN_TEMPLATES, templatePipeline } from '../../../domain/pipeline/templates';
import type { EngineState, N8nNode, N8nWorkflow, NodeRun } from '../../../domain/pipeline/types';
import { lastNodeReply, webhookEndpoints, webhookItem } from '../../../domain/pipeline/webhook-trigger';

const node = (name: string, type: string, parameters: Record<string, unknown> = {}, extra: Partial<N8nNode> = {}): N8nNode => ({ name, type, typeVersion: type.endsWith('webhook') ? 2 : 1, position: [0, 0], parameters, ...extra });
const doc = (nodes: N8nNode[], extra: Partial<N8nWorkflow> = {}): N8nWorkflow => ({ nodes, connections: {}, settings: { executionOrder: 'v1' }, ...extra });

test('name, tags and trigger come from the document as n8n exports it', () => {
  expect(pipelineName(doc([]))).toBe('Untitled pipeline');
  expect(pipelineTags({ ...doc([]), tags: [{ id: '1', name: 'a' }, 'b', { name: 'a' }, {}] } as never)).toEqual(['a', 'b']);
  const d = doc([node('Go', 'n8n-nodes-base.manualTrigger'), node('Hook', 'n8n-nodes-base.webhook', { path: 'x' }, { notes: 'Answers x' } as never)]);
  expect(pipelineTrigger(d)).toEqual({ kind: 'webhook', notes: 'Answers x' });
  expect(pipelineTrigger(doc([node('Go', 'n8n-nodes-base.manualTrigger')]))).toEqual({ kind: 'manual', notes: null });
  expect(pipelineTrigger(doc([node('Set', 'n8n-nodes-base.noOp')]))).toBeNull();
});

test('webhook and schedule problems are named with their node', () => {
  const problems = pipelineProblems(
    doc([
      node('NoPath', 'n8n-nodes-base.webhook', { path: '' }),
      node('Jwt', 'n8n-nodes-base.webhook', { path: 'j', authentication: 'jwtAuth' }),
      node('Fortnight', 'n8n-nodes-base.scheduleTrigger', { rule: { interval: [{ field: 'weeks', weeksInterval: 2 }] } }),
    ]),
  );
  expect(problems).toEqual(
    expect.arrayContaining([
      { node: 'NoPath', message: expect.stringMatching(/"path" is empty/) },
      { node: 'Jwt', message: expect.stringMatching(/jwtAuth.*not supported/) },
      { node: 'Fortnight', message: expect.stringMatching(/N > 1 weeks/) },
    ]),
  );
});

test('webhook endpoints: method, path without slashes, auth credential, response mode', () => {
  const [e] = webhookEndpoints(doc([node('Hook', 'n8n-nodes-base.webhook', { path: '/a/b/', httpMethod: 'post', authentication: 'headerAuth', responseMode: 'lastNode', options: { responseCode: 202 } }, { credentials: { httpHeaderAuth: { id: 'c1', name: 'k' } } } as never)]));
  expect(e).toEqual({ node: 'Hook', method: 'POST', path: 'a/b', auth: { kind: 'headerAuth', credential: { id: 'c1', name: 'k', type: 'httpHeaderAuth' } }, responseMode: 'lastNode', responseCode: 202, responseData: 'firstEntryJson' });
  expect(webhookEndpoints(doc([node('Off', 'n8n-nodes-base.webhook', { path: 'x' }, { disabled: true })]))).toEqual([]);
  const item = webhookItem({ method: 'POST', headers: { a: '1', b: ['x', 'y'] }, query: { q: '1' }, body: { n: 1 }, url: 'http://h/webhook/x', test: true });
  expect(item.json).toEqual({ headers: { a: '1', b: 'x, y' }, params: {}, query: { q: '1' }, body: { n: 1 }, webhookUrl: 'http://h/webhook/x', executionMode: 'test' });
  const items = [{ json: { a: 1 } }, { json: { a: 2 } }];
  expect(lastNodeReply('firstEntryJson', items)).toEqual({ a: 1 });
  expect(lastNodeReply('allEntries', items)).toEqual([{ a: 1 }, { a: 2 }]);
  expect(lastNodeReply('noData', items)).toBeUndefined();
});

test('schedule rules become Temporal intervals, calendars and cron expressions', () => {
  const rules = [
    { field: 'seconds', secondsInterval: 10 },
    { field: 'minutes', minutesInterval: 15 },
    { field: 'hours', hoursInterval: 2, triggerAtMinute: 5 },
    { field: 'days', daysInterval: 1, triggerAtHour: 9, triggerAtMinute: 30 },
    { field: 'weeks', triggerAtDay: [1, 5], triggerAtHour: 8 },
    { field: 'months', monthsInterval: 3, triggerAtDayOfMonth: 15, triggerAtHour: 6 },
    { field: 'cronExpression', expression: '0 */5 * * *' },
  ];
  const { plan, problems } = schedulePlan(node('Every', 'n8n-nodes-base.scheduleTrigger', { rule: { interval: rules } }), 'Europe/Berlin');
  expect(problems).toEqual([]);
  expect(plan).toEqual({
    intervals: [{ every: '10s' }, { every: '15m' }],
    calendars: [
      { hour: { start: 0, end: 23, step: 2 }, minute: 5 },
      { dayOfMonth: { start: 1, end: 31, step: 1 }, hour: 9, minute: 30 },
      { dayOfWeek: ['MONDAY', 'FRIDAY'], hour: 8, minute: 0 },
      { month: { start: 'JANUARY', end: 'DECEMBER', step: 3 }, dayOfMonth: 15, hour: 6, minute: 0 },
    ],
    cronExpressions: ['0 */5 * * *'],
    timezone: 'Europe/Berlin',
  });
});

test('a retry plan goes on from the failed node on top of the stack, dropping its error run', () => {
  const failedRun = { executionStatus: 'error' } as NodeRun;
  const state = {
    status: 'error',
    error: { node: 'Gate', message: 'boom' },
    stack: [{ node: 'Gate', input: [[{ json: {} }]], source: null }],
    lastExecutionTry: 'Gate:0',
    executionId: 'old',
  } as unknown as Omit<EngineState, 'runData'>;
  const plan = retryFromFailedNode(state, [failedRun], 'new');
  expect(plan).toMatchObject({ ok: true, drop: { node: 'Gate', runIndex: 0 }, state: { status: 'running', executionId: 'new', lastExecutionTry: '' } });
  expect(plan.ok && 'error' in plan.state).toBe(false);
  expect(retryFromFailedNode({ ...state, status: 'success' } as never, [failedRun], 'n')).toMatchObject({ ok: false });
  expect(retryFromFailedNode({ ...state, stack: [] } as never, [failedRun], 'n')).toMatchObject({ ok: false, reason: expect.stringMatching(/from the start/) });
});

test('a template stage runs on a template agent specialised in it; later stages see the one before', () => {
  const d = templatePipeline('web_development', BUILT_IN_TEMPLATES.web_development, { walnut: 'frontend', ironwood: 'backend', other: 'testing' });
  const params = (name: string) => d.nodes.find((n) => n.name === name)!.parameters as Record<string, string>;
  expect(params('Stage: frontend').specialization).toBe('frontend');
  expect(params('Stage: backend').specialization).toBe('backend');
  // "other" is not one of the template's agents.
  expect(params('Stage: testing').specialization).toBeUndefined();
  expect(params('Stage: backend').prompt).toContain("$('Stage: frontend').first().json.text");
  expect(pipelineProblems(d).filter((p) => /expression/.test(p.message))).toEqual([]);
});
