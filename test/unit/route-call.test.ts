import { routeCall, taskQueueForNode, type NodeView } from '../../domain/routing/route-call';

const node = (id: string, over: Partial<NodeView> = {}): NodeView => ({
  id,
  status: 'up',
  installedModels: ['llama3.1:8b'],
  configuredModels: ['llama3.1:8b'],
  specialization: null,
  capabilities: [],
  parallel: 1,
  active: 0,
  tokensPerSecond: null,
  ...over,
});

test('picks the least loaded node per slot', () => {
  const nodes = [node('a', { active: 2, parallel: 2 }), node('b', { active: 1, parallel: 2 }), node('c', { active: 1, parallel: 1 })];
  expect(routeCall({ model: 'llama3.1:8b' }, nodes)).toMatchObject({ ok: true, nodeId: 'b', model: 'llama3.1:8b', load: 0.5 });
});

test('only nodes that have the model; `x` matches `x:latest`', () => {
  const nodes = [node('a'), node('b', { installedModels: ['qwen2.5-coder:latest'], configuredModels: ['qwen2.5-coder'] })];
  expect(routeCall({ model: 'qwen2.5-coder' }, nodes)).toMatchObject({ ok: true, nodeId: 'b', model: 'qwen2.5-coder:latest' });
  expect(routeCall({ model: 'mistral' }, nodes)).toMatchObject({ ok: false, reason: 'no-node-has-model' });
});

test('installed models (from /api/tags) win over the registry once known', () => {
  const nodes = [node('a', { installedModels: ['phi3'], configuredModels: ['llama3.1:8b'] })];
  expect(routeCall({ model: 'llama3.1:8b' }, nodes)).toMatchObject({ ok: false, reason: 'no-node-has-model' });
  const unchecked = [node('a', { installedModels: [], configuredModels: ['llama3.1:8b'], status: 'unknown' })];
  expect(routeCall({ model: 'llama3.1:8b' }, unchecked)).toMatchObject({ ok: true, nodeId: 'a' });
});

test('down nodes are never chosen; degraded ones only when up ones are busier', () => {
  const nodes = [node('a', { status: 'down' }), node('b', { status: 'degraded' }), node('c', { active: 1, parallel: 2 })];
  expect(routeCall({}, nodes)).toMatchObject({ ok: true, nodeId: 'c' });
  expect(routeCall({}, [node('a', { status: 'down' }), node('b', { status: 'degraded' }), node('c', { active: 3 })])).toMatchObject({ nodeId: 'b' });
  expect(routeCall({}, [node('a', { status: 'down' })])).toMatchObject({ ok: false, reason: 'all-eligible-down' });
});

test('excluded nodes (that already failed this call) are skipped', () => {
  const nodes = [node('a'), node('b', { active: 5 })];
  expect(routeCall({}, nodes, ['a'])).toMatchObject({ ok: true, nodeId: 'b' });
  expect(routeCall({}, nodes, ['a', 'b'])).toMatchObject({ ok: false, reason: 'all-excluded' });
});

test('capabilities are required; a specialist is preferred while one is alive', () => {
  const nodes = [
    node('gen', { capabilities: ['python'] }),
    node('sec', { capabilities: ['python', 'threat-modeling'], specialization: 'Security & compliance', active: 3, parallel: 1 }),
  ];
  expect(routeCall({ capabilities: ['threat-modeling'] }, nodes)).toMatchObject({ nodeId: 'sec' });
  expect(routeCall({ capabilities: ['rust'] }, nodes)).toMatchObject({ ok: false, reason: 'no-node-matches' });
  expect(routeCall({ specialization: 'security' }, nodes)).toMatchObject({ nodeId: 'sec' });
  expect(routeCall({ specialization: 'security' }, nodes, ['sec'])).toMatchObject({ nodeId: 'gen' });
});

test('without a model the node’s first configured model is used', () => {
  expect(routeCall({}, [node('a', { configuredModels: ['mixtral', 'phi3'], installedModels: ['phi3', 'mixtral'] })])).toMatchObject({ model: 'mixtral' });
});

test('ties go to the faster node, then by id, so the choice is deterministic', () => {
  expect(routeCall({}, [node('b', { tokensPerSecond: 10 }), node('a', { tokensPerSecond: 30 })])).toMatchObject({ nodeId: 'a' });
  expect(routeCall({}, [node('b'), node('a')])).toMatchObject({ nodeId: 'a' });
});

test('pinning a node', () => {
  const nodes = [node('a'), node('b', { active: 9 })];
  expect(routeCall({ node: 'b' }, nodes)).toMatchObject({ ok: true, nodeId: 'b' });
  expect(routeCall({ node: 'zz' }, nodes)).toMatchObject({ ok: false, reason: 'unknown-node' });
  expect(taskQueueForNode('b')).toBe('llm:b');
});
