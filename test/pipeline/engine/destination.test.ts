/**
 * "Execute up to a node" (n8n's destinationNode) on a branching document: only
 * the destination and the nodes it depends on run; nothing after it, nothing
 * beside it; a run without a destination runs everything.
 */
import { createSandbox, loadSandboxEngine } from '../../../activities/pipeline/sandbox';
import { createExecution } from '../../../domain/pipeline';
import { destinationFilter } from '../../../domain/pipeline/destination';
import { WorkflowValidationError } from '../../../domain/pipeline/errors';
import type { N8nWorkflow, Sandbox } from '../../../domain/pipeline/types';
import { runWorkflow } from './harness';

let sandbox: Sandbox;
beforeAll(async () => {
  await loadSandboxEngine();
  sandbox = createSandbox();
});
afterAll(() => sandbox?.dispose());

const noOp = (name: string, x: number, y = 0) => ({ name, type: 'n8n-nodes-base.noOp', typeVersion: 1, position: [x, y], parameters: {} });
const to = (...targets: [string, number?][]) => ({ main: [targets.map(([node, index]) => ({ node, type: 'main', index: index ?? 0 }))] });

//            ┌→ A ──→ Merge(in 0) → After
//   Start ───┼→ X ──→ Merge(in 1)
//            └→ Side        A → Beside
const doc = {
  name: 'branching',
  nodes: [
    { name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
    noOp('A', 200, 0),
    noOp('X', 200, 200),
    noOp('Side', 200, 400),
    noOp('Beside', 400, -200),
    { name: 'Merge', type: 'n8n-nodes-base.merge', typeVersion: 3, position: [400, 100], parameters: {} },
    noOp('After', 600, 100),
  ],
  connections: {
    Start: to(['A'], ['X'], ['Side']),
    A: to(['Merge', 0], ['Beside']),
    X: to(['Merge', 1]),
    Merge: to(['After']),
  },
  settings: { executionOrder: 'v1' },
} as unknown as N8nWorkflow;

test('the filter is the destination and its ancestors through main connections, in document order', () => {
  expect(destinationFilter(doc, 'Merge')).toEqual(['Start', 'A', 'X', 'Merge']);
  expect(destinationFilter(doc, 'A')).toEqual(['Start', 'A']);
  expect(destinationFilter(doc, 'Start')).toEqual(['Start']);
});

test('a run up to the Merge runs it and what it depends on, nothing after or beside it', () => {
  const r = runWorkflow(doc, { sandbox, destinationNode: 'Merge' });
  expect(r.status).toBe('success');
  expect(Object.keys(r.state.runData).sort()).toEqual(['A', 'Merge', 'Start', 'X']);
  expect(r.state.lastNodeExecuted).toBe('Merge');
  // Both inputs arrived: the Merge appended A's item and X's.
  expect(r.state.runData.Merge![0]!.data!.main[0]).toHaveLength(2);
});

test('a run up to a node in a chain stops there; without a destination everything runs', () => {
  expect(Object.keys(runWorkflow(doc, { sandbox, destinationNode: 'A' }).state.runData).sort()).toEqual(['A', 'Start']);
  expect(Object.keys(runWorkflow(doc, { sandbox }).state.runData).sort()).toEqual(['A', 'After', 'Beside', 'Merge', 'Side', 'Start', 'X']);
});

test('the destination survives the JSON round trip of the state, and an unknown one is refused', () => {
  const state = createExecution(doc, { executionId: 'e', mode: 'manual', destinationNode: 'A' });
  expect(JSON.parse(JSON.stringify(state))).toMatchObject({ destinationNode: 'A', runNodeFilter: ['Start', 'A'] });
  expect(() => createExecution(doc, { executionId: 'e', mode: 'manual', destinationNode: 'Nope' })).toThrow(WorkflowValidationError);
});
