/**
 * Runs that would outgrow a workflow history if item data or every node went
 * through it: 10,000 items through 20 nodes, and a 1,000-iteration loop with a
 * side effect in each iteration, which continues as new on the way.
 */
import type { N8nNode, N8nWorkflow } from '../../../domain/pipeline/types';
import { eventually } from '../../helpers/eventually';
import { httpNode, manualTrigger, setNode, startPipelineStage, type PipelineStage } from './pipeline-stage';

let s: PipelineStage;

beforeAll(async () => {
  s = await startPipelineStage({ bodyLimit: '16mb' });
});
afterAll(async () => {
  await s.close();
});

const link = (from: string, to: string, output = 0): [string, number, string] => [from, output, to];
function wire(nodes: N8nNode[], links: [string, number, string][]): N8nWorkflow {
  const connections: N8nWorkflow['connections'] = {};
  for (const [from, output, to] of links) {
    const outs = ((connections[from] ??= { main: [] }).main ??= []);
    while (outs.length <= output) outs.push([]);
    outs[output]!.push({ node: to, type: 'main', index: 0 });
  }
  return { name: 'scale', nodes, connections, settings: { executionOrder: 'v1' } };
}

test('10,000 items through 20 nodes finish; the history stays small', async () => {
  const nodes = [manualTrigger(), ...Array.from({ length: 20 }, (_, i) => setNode(`Step ${i + 1}`, { [`s${i + 1}`]: `={{ $json.id * ${i + 1} }}` }, true))];
  const doc = wire(nodes, nodes.slice(1).map((n, i) => link(nodes[i]!.name, n.name)));
  const input = Array.from({ length: 10_000 }, (_, i) => ({ json: { id: i } }));
  const { status, body } = await s.run(doc, { input, timeoutSeconds: 300 });
  expect(status).toBe(200);
  expect(body.status).toBe('success');
  const last = body.nodes['Step 20'][0];
  expect(last).toHaveLength(10_000);
  expect(last[9_999]).toMatchObject({ id: 9_999, s1: '9999', s20: String(9_999 * 20) });
  const history = await s.h.client.workflow.getHandle(body.workflowId).fetchHistory();
  // Items travel by reference: the whole run's history is a few kilobytes.
  expect(JSON.stringify(history).length).toBeLessThan(50_000);
}, 300_000);

test('a 1,000-iteration loop with an HTTP request in each iteration finishes, continuing as new on the way', async () => {
  const before = s.http.count('/tick');
  const loop: N8nNode = { name: 'Loop', type: 'n8n-nodes-base.splitInBatches', typeVersion: 3, position: [400, 0], parameters: { batchSize: 1, options: {} } };
  const tick = httpNode('Tick', `={{ "${s.http.url}/tick?i=" + $json.i }}`);
  const done = setNode('Done', { total: '={{ $input.all().length }}' });
  const doc = wire([manualTrigger(), loop, tick, done], [link('Start', 'Loop'), link('Loop', 'Done', 0), link('Loop', 'Tick', 1), link('Tick', 'Loop')]);
  const input = Array.from({ length: 1_000 }, (_, i) => ({ json: { i } }));
  const { status, body } = await s.run(doc, { input, timeoutSeconds: 300 });
  expect(status).toBe(200);
  expect(body.status).toBe('success');
  expect(s.http.count('/tick') - before).toBe(1_000);
  expect(body.nodes.Loop[0]).toHaveLength(1_000);
  const runs = await s.h.pool.query<{ n: number }>("SELECT count(*)::int AS n FROM pipeline_node_runs WHERE execution_id = $1 AND node = 'Tick'", [body.id]);
  expect(runs.rows[0]!.n).toBe(1_000);

  // More than one run of the same workflow id: it continued as new.
  const statuses = await eventually(async () => {
    const found: string[] = [];
    for await (const e of s.h.client.workflow.list({ query: `WorkflowId = '${body.workflowId}'` })) found.push(e.status.name);
    return found.includes('CONTINUED_AS_NEW') && found.includes('COMPLETED') ? found : undefined;
  }, 'the runs of the workflow in visibility');
  expect(statuses.filter((x) => x === 'CONTINUED_AS_NEW').length).toBeGreaterThanOrEqual(1);
}, 300_000);
