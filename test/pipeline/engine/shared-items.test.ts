/**
 * Large runs stay cheap in memory: 10,000 items through 20 nodes share unchanged
 * item data instead of copying it. (Time per node is measured by
 * `npm run bench -- pipeline`, never asserted in tests.)
 */
import { createSandbox, loadSandboxEngine } from '../../../activities/pipeline/sandbox';
import { advance, createExecution } from '../../../domain/pipeline';
import type { N8nWorkflow, Sandbox } from '../../../domain/pipeline/types';
import { hostFor } from './harness';

let sandbox: Sandbox;
beforeAll(async () => {
  await loadSandboxEngine();
  sandbox = createSandbox();
});
afterAll(() => sandbox?.dispose());

function chainOf(count: number, make: (i: number) => object): N8nWorkflow {
  const nodes = [{ name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} }];
  const connections: Record<string, object> = {};
  for (let i = 1; i <= count; i++) {
    nodes.push({ name: `N${i}`, position: [i * 200, 0], ...make(i) } as never);
    connections[nodes[i - 1]!.name] = { main: [[{ node: `N${i}`, type: 'main', index: 0 }]] };
  }
  return { nodes, connections, settings: { executionOrder: 'v1' } } as unknown as N8nWorkflow;
}

it('10,000 items through 20 nodes share unchanged item data instead of copying it', () => {
  const items = Array.from({ length: 10_000 }, (_, i) => ({ json: { i, name: `item ${i}`, tags: ['a', 'b'], nested: { deep: { value: i } } } }));
  const nodes = chainOf(20, (i) =>
    i % 2 === 0
      ? { type: 'n8n-nodes-base.noOp', typeVersion: 1, parameters: {} }
      : { type: 'n8n-nodes-base.filter', typeVersion: 2.2, parameters: { conditions: { options: { caseSensitive: true, typeValidation: 'strict' }, conditions: [{ leftValue: true, operator: { type: 'boolean', operation: 'true', singleValue: true } }], combinator: 'and' }, options: {} } },
  );
  const { step, state } = advance(createExecution(nodes, { executionId: 'm', mode: 'manual', input: items }), undefined, hostFor(sandbox));
  expect(step).toEqual({ kind: 'done' });
  const last = state.runData.N20![0]!.data!.main[0]!;
  expect(last).toHaveLength(10_000);
  // The json of the last node's items is the very object that came in: nothing was deep-copied on the way.
  expect(last[9_999]!.json).toBe(state.runData.Start![0]!.data!.main[0]![9_999]!.json);
});
