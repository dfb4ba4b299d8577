/**
 * Wait 1.1 on webhook in the engine core: the step it stops at (method,
 * suffix, authentication, limit), what it outputs when called or when the
 * limit passed, and the documents refused before they run.
 */
import { advance, createExecution, nodesOutput, validateWorkflow } from '../../../domain/pipeline';
import type { N8nWorkflow, ResumeResult, Sandbox, Step } from '../../../domain/pipeline/types';
import { createSandbox, loadSandboxEngine } from '../../../activities/pipeline/sandbox';
import { hostFor } from './harness';

let sandbox: Sandbox;
beforeAll(async () => {
  await loadSandboxEngine();
  sandbox = createSandbox();
});
afterAll(() => sandbox?.dispose());

const NOW = Date.UTC(2026, 0, 15, 12, 0, 0);
const doc = (parameters: Record<string, unknown>, credentials?: object): N8nWorkflow =>
  ({
    nodes: [
      { name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
      { name: 'Hold', type: 'n8n-nodes-base.wait', typeVersion: 1.1, position: [200, 0], parameters: { resume: 'webhook', ...parameters }, ...(credentials ? { credentials } : {}) },
    ],
    connections: { Start: { main: [[{ node: 'Hold', type: 'main', index: 0 }]] } },
    settings: { executionOrder: 'v1' },
  }) as unknown as N8nWorkflow;

function stopAt(d: N8nWorkflow): { step: Step; resume: (r: ResumeResult) => ReturnType<typeof advance> } {
  const state = createExecution(d, { executionId: 'exec-1', mode: 'manual', input: [{ json: { n: 1 } }] });
  const first = advance(state, undefined, hostFor(sandbox, NOW));
  return { step: first.step, resume: (r) => advance(JSON.parse(JSON.stringify(first.state)), r, hostFor(sandbox, NOW)) };
}

test('stops at a webhookWait step: GET by default (n8n), no suffix, no authentication, no limit', () => {
  const { step } = stopAt(doc({}));
  expect(step).toEqual({ kind: 'webhookWait', node: 'Hold', webhook: { method: 'GET', suffix: '', auth: { kind: 'none' } } });
});

test('the method, the suffix as a path, header authentication with its credential, and a limit after an interval or at a time', () => {
  const { step } = stopAt(doc({ httpMethod: 'post', incomingAuthentication: 'headerAuth', limitWaitTime: true, resumeAmount: 90, resumeUnit: 'seconds', options: { webhookSuffix: '/done/' } }, { httpHeaderAuth: { id: 'c1', name: 'Secret' } }));
  expect(step).toEqual({ kind: 'webhookWait', node: 'Hold', until: NOW + 90_000, webhook: { method: 'POST', suffix: 'done', auth: { kind: 'headerAuth', credential: { id: 'c1', name: 'Secret', type: 'httpHeaderAuth' } } } });
  const at = stopAt(doc({ limitWaitTime: true, limitType: 'atSpecifiedTime', maxDateAndTime: '2026-01-16T08:00:00' }));
  expect(at.step).toMatchObject({ kind: 'webhookWait', until: Date.UTC(2026, 0, 16, 8, 0, 0) });
});

test('called: one item { headers, params, query, body }; the limit passed: the input items', () => {
  const call = { json: { headers: { 'content-type': 'application/json' }, params: {}, query: { a: '1' }, body: { ok: true } } };
  const called = stopAt(doc({})).resume({ kind: 'webhookResumed', node: 'Hold', item: call });
  expect(called.step).toEqual({ kind: 'done' });
  expect(nodesOutput(called.state).Hold).toEqual([[call.json]]);
  const timedOut = stopAt(doc({ limitWaitTime: true })).resume({ kind: 'waited', node: 'Hold' });
  expect(nodesOutput(timedOut.state).Hold).toEqual([[{ n: 1 }]]);
});

test('form resume, unknown authentication, a credential-less authentication and a non-immediate answer are refused', () => {
  const messages = (d: N8nWorkflow) => validateWorkflow(d).map((p) => p.message);
  expect(validateWorkflow(doc({}))).toEqual([]);
  expect(messages(doc({ resume: 'form' }))).toEqual([expect.stringContaining('resume by form')]);
  expect(messages(doc({ incomingAuthentication: 'jwtAuth' }))).toEqual([expect.stringContaining('"jwtAuth" is not supported')]);
  expect(messages(doc({ incomingAuthentication: 'basicAuth' }))).toEqual([expect.stringContaining('needs a httpBasicAuth credential')]);
  expect(messages(doc({ responseMode: 'lastNode' }))).toEqual([expect.stringContaining('"responseMode" "lastNode" is not supported')]);
});
