/**
 * One description per node type: the editor's parameter panel and the
 * engine's validation read the same parameter names, and every field is
 * well formed (options have choices, groups have fields, `show` names a
 * sibling parameter).
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describedType, nodeCatalog, nodeDescriptions, parameterNames, NODE_GROUPS, type ParameterField } from '../../../domain/pipeline/descriptions';
import { nodeTypes } from '../../../domain/pipeline/registry';
import { validateWorkflow } from '../../../domain/pipeline/validate';
import type { N8nWorkflow } from '../../../domain/pipeline/types';

test('every described node type names exactly the parameters the engine understands; every n8n core type is described', () => {
  for (const t of nodeTypes()) {
    const d = describedType(t.type);
    expect({ type: t.type, described: d !== undefined }).toEqual({ type: t.type, described: true });
    if (!d) continue;
    expect({ type: t.type, names: [...parameterNames(d)].sort() }).toEqual({ type: t.type, names: [...t.parameters].sort() });
  }
  // …and no description is left over for a type the engine does not run.
  const registered = new Set(nodeTypes().map((t) => t.type));
  expect(nodeDescriptions().filter((d) => !registered.has(d.type)).map((d) => d.type)).toEqual([]);
});

function checkFields(type: string, fields: readonly ParameterField[]): string[] {
  const problems: string[] = [];
  const names = new Set(fields.map((f) => f.name));
  for (const f of fields) {
    if ((f.type === 'options' || f.type === 'multiOptions') && !(f.options?.length)) problems.push(`${type} ${f.name}: options without choices`);
    if (f.type === 'collection') problems.push(...checkFields(type, f.fields ?? []));
    if (f.type === 'fixedCollection') {
      if (!f.groups?.length) problems.push(`${type} ${f.name}: fixedCollection without groups`);
      for (const g of f.groups ?? []) problems.push(...checkFields(type, g.fields));
    }
    for (const key of Object.keys(f.show ?? {})) if (!names.has(key)) problems.push(`${type} ${f.name}: shown by "${key}", which is not a sibling`);
  }
  return problems;
}

test('descriptions are well formed and grouped for the palette', () => {
  const problems = nodeDescriptions().flatMap((d) => checkFields(d.type, d.parameters));
  expect(problems).toEqual([]);
  for (const d of nodeDescriptions()) expect(NODE_GROUPS).toContain(d.group);
  // Triggers and sub-nodes (a chain's model) have no main input; the others have at least one.
  for (const d of nodeCatalog()) expect({ type: d.type, inputs: d.inputs.length === 0 }).toEqual({ type: d.type, inputs: d.kind === 'trigger' || d.kind === 'subNode' });
  // Every node type has a description of its own: none is edited as raw JSON.
  expect(nodeCatalog().filter((e) => e.generic).map((e) => e.type)).toEqual([]);
});

test('described ports match what the engine gives a node of the type with default parameters', () => {
  for (const t of nodeTypes()) {
    const d = describedType(t.type)!;
    const probe = { name: 'probe', type: t.type, typeVersion: t.versions[t.versions.length - 1]!, parameters: {} };
    if (!d.dynamicInputs) expect({ type: t.type, inputs: d.inputs.length }).toEqual({ type: t.type, inputs: t.inputs(probe) });
    if (!d.dynamicOutputs) expect({ type: t.type, outputs: d.outputs.length }).toEqual({ type: t.type, outputs: t.outputs(probe) });
  }
});

test('WHOOSH nodes have typed fields: choices from the node, JSON schema as JSON, the forge token credential', () => {
  const byName = (type: string) => new Map(describedType(type)!.parameters.map((p) => [p.name, p]));
  const llm = byName('whoosh.llm');
  expect(llm.get('operation')).toMatchObject({ type: 'options', options: [expect.objectContaining({ value: 'chat' }), expect.objectContaining({ value: 'generate' })] });
  expect(llm.get('jsonSchema')!.type).toBe('json');
  expect(llm.get('options')!.type).toBe('collection');
  const forge = describedType('whoosh.forge')!;
  expect(forge.credentials).toEqual(['forgeToken']);
  expect(byName('whoosh.forge').get('operation')!.options!.map((o) => o.value)).toContain('reviewPullRequest');
  expect(byName('whoosh.forgeTrigger').get('events')).toMatchObject({ type: 'multiOptions', default: ['issueOpened'] });
  expect(describedType('whoosh.approval')!.outputs).toEqual(['approved', 'rejected', 'timeout']);
  for (const t of nodeTypes().filter((x) => x.type.startsWith('whoosh.'))) expect({ type: t.type, group: describedType(t.type)!.group }).toEqual({ type: t.type, group: 'whoosh' });
  // A document the nodes accept validates against the descriptions too.
  const doc: N8nWorkflow = {
    nodes: [
      { name: 'T', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
      { name: 'L', type: 'whoosh.llm', typeVersion: 1, position: [200, 0], parameters: { operation: 'generate', prompt: '=Say {{ $json.x }}', output: 'json', jsonSchema: '{"type":"object"}', options: { temperature: 0.2 } } },
      { name: 'F', type: 'whoosh.forge', typeVersion: 1, position: [400, 0], parameters: { repository: 'o/r', operation: 'comment', issueNumber: 1, body: 'hi' }, credentials: { forgeToken: { id: 'c1', name: 'bot' } } },
    ],
    connections: { T: { main: [[{ node: 'L', type: 'main', index: 0 }]] }, L: { main: [[{ node: 'F', type: 'main', index: 0 }]] } },
    settings: { executionOrder: 'v1' },
  };
  expect(validateWorkflow(doc)).toEqual([]);
});

test('the catalog lists every registered type with its versions and kind', () => {
  const catalog = nodeCatalog();
  expect(catalog.map((e) => e.type)).toEqual(nodeTypes().map((t) => t.type));
  const ifEntry = catalog.find((e) => e.type === 'n8n-nodes-base.if')!;
  expect(ifEntry).toMatchObject({ displayName: 'If', group: 'flow', outputs: ['true', 'false'], kind: 'pure', generic: false });
  expect(ifEntry.versions).toContain(2.2);
  expect(catalog.find((e) => e.type === 'n8n-nodes-base.splitInBatches')!.outputs).toEqual(['done', 'loop']);
  // The catalog is plain JSON, as the API serves it.
  expect(JSON.parse(JSON.stringify(catalog))).toEqual(catalog);
});

test('validation still accepts every fixture document and refuses a parameter the description does not name', () => {
  const dir = path.join(__dirname, '..', 'fixtures');
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.json'))) {
    const fixture = JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as { workflow?: N8nWorkflow } & N8nWorkflow;
    const doc = fixture.workflow ?? fixture;
    expect({ file, problems: validateWorkflow(doc).filter((p) => p.parameter !== undefined) }).toEqual({ file, problems: [] });
  }
  const doc: N8nWorkflow = {
    nodes: [{ name: 'S', type: 'n8n-nodes-base.set', typeVersion: 3.4, position: [0, 0], parameters: { assignments: { assignments: [] }, colour: 'red' } }],
    connections: {},
    settings: { executionOrder: 'v1' },
  };
  expect(validateWorkflow(doc)).toEqual([expect.objectContaining({ node: 'S', parameter: 'colour' })]);
});
