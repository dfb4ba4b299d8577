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
    // Types added elsewhere (whoosh.*, AI nodes) may come before their description: the editor edits them as JSON.
    if (t.type.startsWith('n8n-nodes-base.')) expect({ type: t.type, described: d !== undefined }).toEqual({ type: t.type, described: true });
    if (!d) continue;
    expect({ type: t.type, names: [...parameterNames(d)].sort() }).toEqual({ type: t.type, names: [...t.parameters].sort() });
  }
  const generic = nodeCatalog().filter((e) => e.generic);
  for (const e of generic) expect(e.parameters.every((p) => p.type === 'json')).toBe(true);
  // …and no description is left over for a type the engine does not run.
  const registered = new Set(nodeTypes().map((t) => t.type));
  expect(nodeDescriptions().filter((d) => !registered.has(d.type)).map((d) => d.type)).toEqual([]);
});

function checkFields(type: string, fields: readonly ParameterField[]): string[] {
  const problems: string[] = [];
  const names = new Set(fields.map((f) => f.name));
  for (const f of fields) {
    if (f.type === 'options' && !(f.options?.length)) problems.push(`${type} ${f.name}: options without choices`);
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
  // Triggers have no input; the others have at least one.
  for (const d of nodeCatalog()) expect({ type: d.type, inputs: d.inputs.length === 0 }).toEqual({ type: d.type, inputs: d.kind === 'trigger' });
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
