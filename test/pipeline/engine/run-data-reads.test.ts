/**
 * Which documents let the engine drop a recorded node's items: only those whose
 * user code cannot read another node's run data, by name or dynamically.
 */
import { readsRunData } from '../../../domain/pipeline/run-data-reads';
import type { N8nWorkflow } from '../../../domain/pipeline/types';

function docWith(parameters: Record<string, unknown>, type = 'n8n-nodes-base.set'): N8nWorkflow {
  return {
    nodes: [
      { name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
      { name: 'A', type, typeVersion: 3.4, position: [200, 0], parameters },
    ],
    connections: { Start: { main: [[{ node: 'A', type: 'main', index: 0 }]] } },
  } as N8nWorkflow;
}

it.each([
  '={{ $json.a + 1 }}',
  '={{ $input.all().length }} {{ $input.item.json.x }} {{ $itemIndex }} {{ $runIndex }}',
  '={{ $now.toISO() }} {{ $today }} {{ $vars.x }} {{ $execution.id }} {{ $workflow.name }} {{ $prevNode.name }}',
  '={{ $if($json.a, 1, 2) }} {{ $ifEmpty($json.b, 0) }} {{ $jmespath($json, "a") }} {{ $min(1, 2) }}',
  'a plain value',
  '={{ a$node }}',
])('%s reads only the node’s own input', (value) => {
  expect(readsRunData(docWith({ assignments: { assignments: [{ name: 'x', value, type: 'string' }] } }))).toBe(false);
});

it.each([
  "={{ $('Start').item.json.a }}",
  '={{ $ ("Start").first().json }}',
  '={{ $node["Start"].json.a }}',
  "={{ $items('Start')[0].json }}",
  '={{ $item(0).$node.Start.json }}',
  "={{ eval('$' + 'node') }}",
  'Price in $',
  '={{ $unknownVariable }}',
])('%s may read other nodes’ run data', (value) => {
  expect(readsRunData(docWith({ assignments: { assignments: [{ name: 'x', value, type: 'string' }] } }))).toBe(true);
});

it.each([
  'return $input.all();',
  'return items.map((i) => ({ json: { ...i.json, n: $itemIndex } }));',
])('Code %s reads only its input', (jsCode) => {
  expect(readsRunData(docWith({ jsCode }, 'n8n-nodes-base.code'))).toBe(false);
});

it.each([
  "const f = $; return [f('Start').first()];",
  'return [arguments[9]("Start").first()];',
  "return $('Start').all();",
])('Code %s may read other nodes’ run data', (jsCode) => {
  expect(readsRunData(docWith({ jsCode }, 'n8n-nodes-base.code'))).toBe(true);
});
