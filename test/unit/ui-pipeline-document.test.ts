/**
 * The editor's document operations, pure: rename with expression references
 * following (as n8n does), connect / disconnect, delete, copy and paste in
 * n8n's clipboard format, undo / redo, auto-layout, and the ports the canvas
 * draws — whose counts must agree with the engine's for every fixture.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { nodeCatalog } from '../../domain/pipeline/descriptions';
import { nodeTypeOf } from '../../domain/pipeline/registry';
import type { N8nWorkflow } from '../../domain/pipeline/types';
import { toFlow } from '../../ui/src/lib/pipeline/canvas-model';
import { addNode, connect, connectionList, copyNodes, disconnect, emptyDocument, parseClipboard, pasteNodes, removeNodes, toggleDisabled, uniqueName } from '../../ui/src/lib/pipeline/document';
import { isExpression, toExpression, toFixed } from '../../ui/src/lib/pipeline/expressions';
import { isShown } from '../../ui/src/lib/pipeline/fields';
import { UndoStack } from '../../ui/src/lib/pipeline/history';
import { autoLayout, needsLayout } from '../../ui/src/lib/pipeline/layout';
import { inputLabels, outputLabels } from '../../ui/src/lib/pipeline/ports';
import { renameInExpression, renameNode } from '../../ui/src/lib/pipeline/rename';

const catalog = new Map(nodeCatalog().map((e) => [e.type, e]));
const entry = (type: string) => catalog.get(`n8n-nodes-base.${type}`)!;

function build(): N8nWorkflow {
  let doc = emptyDocument();
  doc = addNode(doc, entry('webhook'), [0, 0]).doc;
  doc = addNode(doc, entry('set'), [200, 0]).doc;
  doc = addNode(doc, entry('if'), [400, 0]).doc;
  doc = connect(doc, 'Webhook', 0, 'Edit Fields', 0);
  doc = connect(doc, 'Edit Fields', 0, 'If', 0);
  return doc;
}

test('rename: the node, its connections and every expression that names it follow', () => {
  const doc = build();
  const withRefs: N8nWorkflow = {
    ...doc,
    nodes: doc.nodes.map((n) =>
      n.name === 'If'
        ? {
            ...n,
            parameters: {
              a: '={{ $("Edit Fields").item.json.x }}',
              b: "={{ $node['Edit Fields'].json.y + $items(\"Edit Fields\").length }}",
              nested: { list: ['={{ $(\'Edit Fields\').first().json }}', 'plain $("Edit Fields") text is not an expression'] },
              other: '={{ $("Edit Fields2").item }}',
            },
          }
        : n,
    ),
    pinData: { 'Edit Fields': [{ json: {} }] },
  };
  const renamed = renameNode(withRefs, 'Edit Fields', 'Prepare');
  expect(renamed.nodes.map((n) => n.name)).toEqual(['Webhook', 'Prepare', 'If']);
  expect(renamed.nodes[2]!.parameters).toEqual({
    a: '={{ $("Prepare").item.json.x }}',
    b: "={{ $node['Prepare'].json.y + $items(\"Prepare\").length }}",
    nested: { list: ["={{ $('Prepare').first().json }}", 'plain $("Edit Fields") text is not an expression'] },
    other: '={{ $("Edit Fields2").item }}',
  });
  expect(connectionList(renamed)).toEqual([
    { source: 'Webhook', output: 0, target: 'Prepare', input: 0 },
    { source: 'Prepare', output: 0, target: 'If', input: 0 },
  ]);
  expect(Object.keys(renamed.pinData!)).toEqual(['Prepare']);
  expect(() => renameNode(renamed, 'Prepare', 'If')).toThrow(/exists already/);
});

test('rename: $node.Name dotted access, quotes and $ in new names', () => {
  expect(renameInExpression('={{ $node.Start.json.a + $node.Starter.json.b }}', 'Start', 'Begin')).toBe('={{ $node.Begin.json.a + $node.Starter.json.b }}');
  expect(renameInExpression('={{ $node.Start.json }}', 'Start', 'My start')).toBe('={{ $node["My start"].json }}');
  expect(renameInExpression('={{ $("A").item }}', 'A', 'say "hi" $1')).toBe('={{ $("say \\"hi\\" $1").item }}');
  expect(renameInExpression("={{ $('A').item }}", 'A', "it's")).toBe("={{ $('it\\'s').item }}");
});

test('connect, disconnect, delete, disable', () => {
  let doc = build();
  doc = addNode(doc, entry('noOp'), [600, 0]).doc;
  doc = connect(doc, 'If', 1, 'No Operation, do nothing', 0);
  expect(connect(doc, 'If', 1, 'No Operation, do nothing', 0)).toBe(doc); // no duplicate
  expect(doc.connections.If!.main).toEqual([[], [{ node: 'No Operation, do nothing', type: 'main', index: 0 }]]);
  doc = disconnect(doc, 'If', 1, 'No Operation, do nothing', 0);
  expect(connectionList(doc).filter((c) => c.source === 'If')).toEqual([]);
  doc = removeNodes(doc, ['Edit Fields']);
  expect(doc.nodes.map((n) => n.name)).toEqual(['Webhook', 'If', 'No Operation, do nothing']);
  expect(connectionList(doc)).toEqual([]);
  doc = toggleDisabled(doc, ['If']);
  expect(doc.nodes[1]!.disabled).toBe(true);
  expect('disabled' in toggleDisabled(doc, ['If']).nodes[1]!).toBe(false);
  expect(uniqueName(doc, 'If')).toBe('If1');
});

test('copy and paste use n8n’s clipboard format; pasted names that clash are numbered and references follow', () => {
  const doc = build();
  const clip = copyNodes(doc, ['Edit Fields', 'If']);
  expect(Object.keys(clip)).toEqual(['nodes', 'connections']);
  expect(clip.connections).toEqual({ 'Edit Fields': { main: [[{ node: 'If', type: 'main', index: 0 }]] } });
  const withRef = { ...clip, nodes: clip.nodes.map((n) => (n.name === 'If' ? { ...n, parameters: { x: '={{ $("Edit Fields").item.json }}' } } : n)) };
  const text = JSON.stringify(withRef);
  const { doc: after, names } = pasteNodes(doc, parseClipboard(text)!, [1000, 500], renameNode);
  expect(names).toEqual(['Edit Fields1', 'If1']);
  expect(after.nodes.find((n) => n.name === 'If1')!.parameters).toEqual({ x: '={{ $("Edit Fields1").item.json }}' });
  expect(after.nodes.find((n) => n.name === 'Edit Fields1')!.position).toEqual([1000, 500]);
  expect(connectionList(after)).toContainEqual({ source: 'Edit Fields1', output: 0, target: 'If1', input: 0 });
  // A node copied from n8n alone, and a whole workflow, paste too; other text does not.
  expect(parseClipboard(JSON.stringify(doc.nodes[0]))!.nodes).toHaveLength(1);
  expect(parseClipboard(JSON.stringify(doc))!.nodes).toHaveLength(3);
  expect(parseClipboard('hello')).toBeUndefined();
  expect(parseClipboard('{"nodes": [1]}')).toBeUndefined();
});

test('undo and redo, with bursts merged and the saved mark', () => {
  let t = 0;
  const h = new UndoStack('a', 200, 1000, () => t);
  h.push('b');
  h.push('bc', 'typing');
  t += 100;
  h.push('bcd', 'typing');
  expect(h.dirty).toBe(true);
  expect(h.undo()).toBe('b');
  expect(h.undo()).toBe('a');
  expect(h.canUndo).toBe(false);
  expect(h.redo()).toBe('b');
  h.markSaved();
  expect(h.dirty).toBe(false);
  h.push('x');
  expect(h.canRedo).toBe(false);
  expect(h.undo()).toBe('b');
  expect(h.dirty).toBe(false);
});

test('expressions switch on and off keeping the value', () => {
  expect(toExpression('hello')).toBe('=hello');
  expect(toExpression(5)).toBe('={{ 5 }}');
  expect(toFixed('={{ 5 }}')).toBe(5);
  expect(toFixed('=hello {{ $json.a }}')).toBe('hello {{ $json.a }}');
  expect(isExpression('={{ 1 }}')).toBe(true);
  expect(isExpression('1')).toBe(false);
});

test('auto-layout ranks a document without positions left to right', () => {
  const doc = build();
  const bare: N8nWorkflow = { ...doc, nodes: doc.nodes.map(({ position: _p, ...n }) => n) };
  expect(needsLayout(doc)).toBe(false);
  expect(needsLayout(bare)).toBe(true);
  const laid = autoLayout(bare);
  const x = laid.nodes.map((n) => n.position![0]);
  expect(x[0]).toBeLessThan(x[1]!);
  expect(x[1]).toBeLessThan(x[2]!);
  expect(needsLayout(laid)).toBe(false);
});

test('ports and edge labels: If true/false, Loop done/loop, Switch from its rules, Merge inputs, error output', () => {
  const node = (type: string, parameters: Record<string, unknown> = {}, extra = {}) => ({ name: 'n', type: `n8n-nodes-base.${type}`, typeVersion: 1, parameters, ...extra });
  expect(outputLabels(node('if'), entry('if'))).toEqual(['true', 'false']);
  expect(outputLabels(node('splitInBatches'), entry('splitInBatches'))).toEqual(['done', 'loop']);
  expect(outputLabels(node('switch', { rules: { values: [{ renameOutput: true, outputKey: 'big' }, {}] }, options: { fallbackOutput: 'extra' } }), entry('switch'))).toEqual(['big', '1', 'Fallback']);
  expect(outputLabels(node('set', {}, { onError: 'continueErrorOutput' }), entry('set'))).toEqual(['', 'error']);
  expect(inputLabels(node('merge', { numberInputs: 3 }), entry('merge'))).toEqual(['input 1', 'input 2', 'input 3']);
  const doc = connect(build(), 'If', 1, 'Webhook', 0);
  const flow = toFlow(doc, catalog, { nodes: { If: { status: 'success', runs: 1, items: [2, 3], totalItems: [2, 3], error: null } }, current: { node: 'Edit Fields', kind: 'activity' } });
  expect(flow.edges.find((e) => e.source === 'If')!.label).toBe('3 items');
  expect(flow.nodes.find((n) => n.id === 'If')!.data.outputs).toEqual(['true', 'false']);
  expect(flow.nodes.find((n) => n.id === 'Edit Fields')!.data.status).toBe('running');
});

test('the canvas has as many handles as the engine has inputs and outputs, for every fixture node', () => {
  const dir = path.join(__dirname, '..', 'pipeline', 'fixtures');
  let checked = 0;
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.json'))) {
    const fixture = JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as { workflow?: N8nWorkflow } & N8nWorkflow;
    for (const n of (fixture.workflow ?? fixture).nodes) {
      const t = nodeTypeOf(n);
      if (!t) continue;
      const e = catalog.get(n.type);
      expect({ file, node: n.name, outputs: outputLabels(n, e).length, inputs: inputLabels(n, e).length }).toEqual({
        file,
        node: n.name,
        outputs: t.outputs(n) + (n.onError === 'continueErrorOutput' ? 1 : 0),
        inputs: t.inputs(n),
      });
      checked++;
    }
  }
  expect(checked).toBeGreaterThan(100);
});

test('the panel shows a field when its controlling siblings say so, and legacy fields only when present', () => {
  const set = entry('set').parameters;
  const field = (name: string) => set.find((f) => f.name === name)!;
  expect(isShown(field('assignments'), {}, set)).toBe(true);
  expect(isShown(field('jsonOutput'), {}, set)).toBe(false);
  expect(isShown(field('jsonOutput'), { mode: 'raw' }, set)).toBe(true);
  // include shows only with includeOtherFields on; includeFields only when include is selected.
  expect(isShown(field('includeFields'), { include: 'selected' }, set)).toBe(false);
  expect(isShown(field('includeFields'), { includeOtherFields: true, include: 'selected' }, set)).toBe(true);
  expect(isShown(field('fields'), {}, set)).toBe(false);
  expect(isShown(field('fields'), { fields: { values: [] } }, set)).toBe(true);
});
