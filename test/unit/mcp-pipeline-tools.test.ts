import { inputSchema, isToolPipeline, slug, toolDescription, toolNames, toolTriggerNode } from '../../domain/mcp/pipeline-tools';

const p = (id: string, name: string, trigger: string | null = 'manual', active = true) => ({ id, name, trigger, active, notes: null });

test('only active pipelines with a webhook, manual or Execute Workflow trigger are tools', () => {
  expect(isToolPipeline(p('a', 'x', 'webhook'))).toBe(true);
  expect(isToolPipeline(p('a', 'x', 'executeWorkflow'))).toBe(true);
  expect(isToolPipeline(p('a', 'x', 'manual', false))).toBe(false);
  expect(isToolPipeline(p('a', 'x', 'schedule'))).toBe(false);
  expect(isToolPipeline(p('a', 'x', 'forge'))).toBe(false);
  expect(isToolPipeline(p('a', 'x', null))).toBe(false);
});

test('names are slugs, unique against own tools and each other, stable by pipeline id', () => {
  expect(slug('Résumé: Build & Deploy!')).toBe('resume_build_deploy');
  expect(slug('***')).toBe('pipeline');
  expect(slug('x'.repeat(100))).toHaveLength(56);
  const names = toolNames([p('pl_b', 'Deploy'), p('pl_a', 'deploy'), p('pl_c', 'List agents')], ['list_agents']);
  expect(Object.fromEntries(names)).toEqual({ pl_a: 'deploy', pl_b: 'deploy_2', pl_c: 'list_agents_2' });
});

test('the input schema comes from the Execute Workflow Trigger’s fields, else a free object', () => {
  const trigger = {
    type: 'n8n-nodes-base.executeWorkflowTrigger',
    parameters: { workflowInputs: { values: [{ name: 'repo', type: 'string' }, { name: 'n', type: 'number' }, { name: 'flags', type: 'array' }, { name: 'extra' }] } },
  };
  expect(inputSchema(trigger)).toEqual({
    type: 'object',
    properties: { repo: { type: 'string' }, n: { type: 'number' }, flags: { type: 'array' }, extra: {} },
    required: ['repo', 'n', 'flags', 'extra'],
    additionalProperties: false,
  });
  const free = { type: 'object', additionalProperties: true };
  expect(inputSchema({ ...trigger, parameters: { inputSource: 'passthrough' } })).toEqual(free);
  expect(inputSchema({ ...trigger, typeVersion: 1 })).toEqual(free);
  expect(inputSchema({ type: 'n8n-nodes-base.webhook', parameters: { path: 'x' } })).toEqual(free);
  expect(inputSchema(undefined)).toEqual(free);
});

test('the trigger is the first enabled tool trigger node; the description is its notes or says what runs', () => {
  const nodes = [
    { type: 'n8n-nodes-base.set' },
    { type: 'n8n-nodes-base.manualTrigger', disabled: true },
    { type: 'n8n-nodes-base.webhook' },
  ];
  expect(toolTriggerNode(nodes)).toBe(nodes[2]);
  expect(toolDescription({ ...p('a', 'Nightly'), notes: '  Checks things  ' })).toBe('Checks things');
  expect(toolDescription(p('a', 'Nightly'))).toContain('"Nightly"');
});
