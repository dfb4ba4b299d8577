/**
 * The engine as the durable run drives it: steps for side effects, waits and
 * sub-workflows, resuming from JSON state, retries through the engine, run
 * data in n8n's shape, paired-item errors, and what Respond to Webhook records.
 */
import { createSandbox, loadSandboxEngine } from '../../../activities/pipeline/sandbox';
import { advance, createExecution } from '../../../domain/pipeline';
import type { EngineState, HttpActivityResult, HttpRequestActivity, JsonValue, N8nWorkflow, Sandbox } from '../../../domain/pipeline/types';
import { hostFor, runWorkflow } from './harness';

let sandbox: Sandbox;
beforeAll(async () => {
  await loadSandboxEngine();
  sandbox = createSandbox();
});
afterAll(() => sandbox?.dispose());

const NOW = Date.UTC(2026, 0, 15, 12, 0, 0);
const start = { name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} };
const chain = (...nodes: { name: string; [k: string]: unknown }[]): N8nWorkflow => {
  const all = [start, ...nodes];
  const connections: Record<string, object> = {};
  for (let i = 0; i < all.length - 1; i++) connections[all[i]!.name] = { main: [[{ node: all[i + 1]!.name, type: 'main', index: 0 }]] };
  return { nodes: all.map((n, i) => ({ position: [i * 200, 0], parameters: {}, ...n })), connections, settings: { executionOrder: 'v1' } } as unknown as N8nWorkflow;
};
const roundTrip = (s: EngineState) => JSON.parse(JSON.stringify(s)) as EngineState;
const ok = (body: unknown, statusCode = 200) => ({ ok: true as const, statusCode, statusMessage: 'OK', headers: { 'content-type': 'application/json' }, body: { encoding: 'text' as const, text: JSON.stringify(body) } });

describe('activity steps (HTTP Request)', () => {
  const http = {
    name: 'Post',
    type: 'n8n-nodes-base.httpRequest',
    typeVersion: 4.2,
    parameters: {
      method: 'POST',
      url: '=http://api.test/users/{{ $json.id }}',
      sendQuery: true,
      queryParameters: { parameters: [{ name: 'verbose', value: 'yes' }, { name: 'n', value: '={{ $json.id * 10 }}' }] },
      sendHeaders: true,
      headerParameters: { parameters: [{ name: 'X-Trace', value: '={{ $execution.id }}' }] },
      sendBody: true,
      contentType: 'json',
      specifyBody: 'json',
      jsonBody: '={{ JSON.stringify({ name: $json.name }) }}',
      options: { timeout: 5000 },
    },
  };

  it('resolves one request per item, stops for the activity, and resumes from stored JSON', () => {
    const host = hostFor(sandbox, NOW);
    const doc = chain(http, { name: 'After', type: 'n8n-nodes-base.noOp', typeVersion: 1 });
    let state = createExecution(doc, { executionId: 'e1', mode: 'manual', input: [{ json: { id: 1, name: 'Ann' } }, { json: { id: 2, name: 'Bob' } }] });
    const first = advance(state, undefined, host);
    expect(first.step).toEqual({ kind: 'activity', node: 'Post', nodeType: 'n8n-nodes-base.httpRequest', request: expect.anything() });
    const request = (first.step as { request: JsonValue }).request as unknown as HttpRequestActivity;
    expect(request.requests).toEqual([
      { method: 'POST', url: 'http://api.test/users/1', query: [['verbose', 'yes'], ['n', '10']], headers: { 'x-trace': 'exec-1' }, body: { type: 'json', json: { name: 'Ann' } }, responseFormat: 'autodetect', neverError: false, timeoutMs: 5000, followRedirects: true, maxRedirects: 21, allowUnauthorizedCerts: false },
      { method: 'POST', url: 'http://api.test/users/2', query: [['verbose', 'yes'], ['n', '20']], headers: { 'x-trace': 'exec-1' }, body: { type: 'json', json: { name: 'Bob' } }, responseFormat: 'autodetect', neverError: false, timeoutMs: 5000, followRedirects: true, maxRedirects: 21, allowUnauthorizedCerts: false },
    ]);
    state = roundTrip(first.state);
    expect(state.blocked?.node).toBe('Post');
    expect(Object.keys(state.runData)).toEqual(['Start']);
    expect(() => advance(state, undefined, host)).toThrow('the run waits for the result of node "Post"');
    const result: HttpActivityResult = { responses: [ok({ created: 1 }), ok({ created: 2 })] };
    const second = advance(state, { kind: 'activity', node: 'Post', result: result as unknown as JsonValue }, host);
    expect(second.step).toEqual({ kind: 'done' });
    expect(second.state.runData.After![0]!.data!.main[0]!.map((i) => i.json)).toEqual([{ created: 1 }, { created: 2 }]);
    expect(second.state.lastNodeExecuted).toBe('After');
    expect(second.state.order).toEqual(['Start', 'Post', 'After']);
  });

  it("hands retryOnFail to the durable run as the step's retry policy (n8n's bounds), and takes the last attempt as final", () => {
    const host = hostFor(sandbox, NOW);
    const doc = chain({ ...http, parameters: { url: 'http://api.test/flaky' }, retryOnFail: true, maxTries: 9, waitBetweenTries: 0 });
    const { state, step } = advance(createExecution(doc, { executionId: 'e2', mode: 'manual' }), undefined, host);
    // maxTries is bounded to 2–5; waitBetweenTries 0 counts as unset in n8n (0 || 1000).
    expect(step).toMatchObject({ kind: 'activity', retry: { maxTries: 5, waitBetweenTries: 1000 } });
    const failing = { responses: [ok({ error: 'busy' }, 503)] } as unknown as JsonValue;
    const next = advance(roundTrip(state), { kind: 'activity', node: 'Post', result: failing }, host);
    expect(next.step).toEqual({
      kind: 'error',
      error: expect.objectContaining({ node: 'Post', message: 'Service unavailable - try again later or consider setting this node to retry automatically (in the node settings)', httpCode: '503' }),
    });
  });

  it('without retryOnFail the step has no retry policy; neverError travels with each request', () => {
    const host = hostFor(sandbox, NOW);
    const doc = chain({ ...http, parameters: { url: 'http://api.test/x', options: { response: { response: { neverError: true } } } } });
    const { step } = advance(createExecution(doc, { executionId: 'e4', mode: 'manual' }), undefined, host);
    expect(step).not.toHaveProperty('retry');
    expect(((step as { request: JsonValue }).request as unknown as HttpRequestActivity).requests[0]!.neverError).toBe(true);
  });

  it('an activity that failed as a whole fails the node; continueRegularOutput passes the input on', () => {
    const host = hostFor(sandbox, NOW);
    const doc = chain({ ...http, parameters: { url: 'http://api.test/x' }, onError: 'continueRegularOutput' });
    const { state } = advance(createExecution(doc, { executionId: 'e3', mode: 'manual', input: [{ json: { keep: 1 } }] }), undefined, host);
    const next = advance(roundTrip(state), { kind: 'activityError', node: 'Post', error: { message: 'worker lost', node: 'Post' } }, host);
    expect(next.step).toEqual({ kind: 'done' });
    const run = next.state.runData.Post![0]!;
    expect(run.executionStatus).toBe('error');
    expect(run.error?.message).toBe('worker lost');
    expect(run.data!.main[0]!.map((i) => i.json)).toEqual([{ keep: 1 }]);
  });
});

describe('wait and child steps', () => {
  it('Wait asks for a durable timer until the resolved time', () => {
    const host = hostFor(sandbox, NOW);
    const doc = chain(
      { name: 'Wait', type: 'n8n-nodes-base.wait', typeVersion: 1.1, parameters: { amount: 3, unit: 'days' } },
      { name: 'Until', type: 'n8n-nodes-base.wait', typeVersion: 1.1, parameters: { resume: 'specificTime', dateTime: '2026-02-01T08:00:00' } },
    );
    let { state, step } = advance(createExecution(doc, { executionId: 'w', mode: 'manual' }), undefined, host);
    expect(step).toEqual({ kind: 'wait', node: 'Wait', until: NOW + 3 * 86_400_000 });
    expect(state.status).toBe('waiting');
    ({ state, step } = advance(roundTrip(state), { kind: 'waited', node: 'Wait' }, host));
    expect(step).toEqual({ kind: 'wait', node: 'Until', until: Date.UTC(2026, 1, 1, 8, 0, 0) });
    ({ state, step } = advance(roundTrip(state), { kind: 'waited', node: 'Until' }, host));
    expect(step).toEqual({ kind: 'done' });
    expect(state.status).toBe('success');
  });

  it('Execute Sub-workflow asks for one child run per item in mode each, one in mode once', () => {
    const host = hostFor(sandbox, NOW);
    const child = chain();
    const call = (mode: string) =>
      chain({ name: 'Call', type: 'n8n-nodes-base.executeWorkflow', typeVersion: 1.2, parameters: { source: 'parameter', workflowJson: JSON.stringify(child), mode, options: {} } });
    const input = [{ json: { a: 1 } }, { json: { a: 2 } }];
    const each = advance(createExecution(call('each'), { executionId: 'c', mode: 'manual', input }), undefined, host).step;
    expect(each).toEqual({ kind: 'child', node: 'Call', workflow: child, inputs: [[{ json: { a: 1 } }], [{ json: { a: 2 } }]], wait: true });
    const once = advance(createExecution(call('once'), { executionId: 'c', mode: 'manual', input }), undefined, host).step;
    expect(once).toMatchObject({ kind: 'child', inputs: [[{ json: { a: 1 } }, { json: { a: 2 } }]] });
  });
});

describe('run data', () => {
  it("records n8n's shape: start time, execution time, status, source with output and run, outputs with paired items", () => {
    const doc = chain({ name: 'IF', type: 'n8n-nodes-base.if', typeVersion: 2.2, parameters: { conditions: { options: { caseSensitive: true, typeValidation: 'strict' }, conditions: [{ leftValue: '={{ $json.n }}', rightValue: 1, operator: { type: 'number', operation: 'gt' } }], combinator: 'and' }, options: {} } });
    const { state } = runWorkflow(doc, { sandbox, input: [{ json: { n: 1 } }, { json: { n: 2 } }] });
    const run = state.runData.IF![0]!;
    expect(run).toEqual({
      startTime: NOW,
      executionTime: 0,
      executionStatus: 'success',
      source: [{ previousNode: 'Start', previousNodeOutput: 0, previousNodeRun: 0 }],
      data: { main: [[{ json: { n: 2 }, pairedItem: { item: 1 } }], [{ json: { n: 1 }, pairedItem: { item: 0 } }]] },
    });
    expect(state.lastNodeExecuted).toBe('IF');
  });

  it('Code console output lands in the run', () => {
    const doc = chain({ name: 'Code', type: 'n8n-nodes-base.code', typeVersion: 2, parameters: { jsCode: "console.log('hi', 1 + 1);\nreturn $input.all();" } });
    const { state } = runWorkflow(doc, { sandbox });
    expect(state.runData.Code![0]!.console).toEqual(['hi 2']);
  });

  it('Respond to Webhook records the response and passes items on', () => {
    const doc = chain({ name: 'Respond', type: 'n8n-nodes-base.respondToWebhook', typeVersion: 1.1, parameters: { respondWith: 'json', responseBody: '={{ JSON.stringify({ got: $json.q }) }}', options: { responseCode: 201 } } });
    const { state, nodes } = runWorkflow(doc, { sandbox, input: [{ json: { q: 'x' } }] });
    expect(state.webhookResponse).toEqual({ respondWith: 'json', statusCode: 201, headers: {}, body: { got: 'x' } });
    expect(nodes.Respond).toEqual([[{ q: 'x' }]]);
  });

  it('Execute Workflow Trigger with defined inputs keeps only those fields (missing ones null, types left to the caller)', () => {
    const doc = {
      nodes: [
        { name: 'In', type: 'n8n-nodes-base.executeWorkflowTrigger', typeVersion: 1.1, position: [0, 0], parameters: { workflowInputs: { values: [{ name: 'id', type: 'number' }, { name: 'tag' }] } } },
      ],
      connections: {},
      settings: { executionOrder: 'v1' },
    };
    expect(runWorkflow(doc, { sandbox, input: [{ json: { id: '7', other: true } }] }).nodes.In).toEqual([[{ id: '7', tag: null }]]);
  });
});

describe('paired items', () => {
  const aggregate = { name: 'Aggregate', type: 'n8n-nodes-base.aggregate', typeVersion: 1, parameters: { aggregate: 'aggregateAllItemData' } };
  const refer = { name: 'Refer', type: 'n8n-nodes-base.set', typeVersion: 3.4, parameters: { assignments: { assignments: [{ id: '1', name: 'x', value: "={{ $('Start').item.json.n }}", type: 'number' }] }, options: {} } };

  it('an item made from several items is ambiguous for $("X").item', () => {
    const result = runWorkflow(chain(aggregate, refer), { sandbox, input: [{ json: { n: 1 } }, { json: { n: 2 } }] });
    expect(result.status).toBe('error');
    expect(result.error).toMatchObject({ node: 'Refer', message: expect.stringContaining('Multiple matches') });
  });

  it('resolves when all of its origins are the same item', () => {
    const result = runWorkflow(chain(aggregate, refer), { sandbox, input: [{ json: { n: 5 } }] });
    expect(result.nodes.Refer).toEqual([[{ x: 5 }]]);
  });

  it('a node that drops lineage breaks the chain with n8n\'s message', () => {
    const code = { name: 'Code', type: 'n8n-nodes-base.code', typeVersion: 2, parameters: { jsCode: 'return [{ a: 1 }, { a: 2 }, { a: 3 }];' } };
    const result = runWorkflow(chain(code, refer), { sandbox, input: [{ json: { n: 1 } }, { json: { n: 2 } }] });
    expect(result.error).toMatchObject({ node: 'Refer', message: expect.stringContaining("Paired item data for item from node 'Code' is unavailable") });
  });

  it('$node["X"].json is positional while $("X").item follows lineage', () => {
    const sort = { name: 'Sort', type: 'n8n-nodes-base.sort', typeVersion: 1, parameters: { sortFieldsUi: { sortField: [{ fieldName: 'n', order: 'descending' }] } } };
    const both = {
      name: 'Both',
      type: 'n8n-nodes-base.set',
      typeVersion: 3.4,
      parameters: { assignments: { assignments: [{ id: '1', name: 'positional', value: '={{ $node["Start"].json.n }}', type: 'number' }, { id: '2', name: 'paired', value: "={{ $('Start').item.json.n }}", type: 'number' }] }, includeOtherFields: true, options: {} },
    };
    const result = runWorkflow(chain(sort, both), { sandbox, input: [{ json: { n: 1 } }, { json: { n: 2 } }] });
    expect(result.nodes.Both).toEqual([[{ n: 2, positional: 1, paired: 2 }, { n: 1, positional: 2, paired: 1 }]]);
  });
});

describe('endless-loop guard', () => {
  it('the same node and run index coming up twice in a row is an error', () => {
    const doc = chain();
    const state = { ...createExecution(doc, { executionId: 'l', mode: 'manual' }), lastExecutionTry: 'Start:0' };
    expect(advance(state, undefined, hostFor(sandbox, NOW)).step).toEqual({
      kind: 'error',
      error: { message: 'Stopped execution because it seems to be in an endless loop', node: 'Start', name: 'UserError' },
    });
  });
});

describe('retryOnFail on a pure node', () => {
  /** The real sandbox, counting how often the Code node runs. */
  const counting = () => {
    const calls = { runCode: 0 };
    const spy: Sandbox = {
      resolveParameters: (p, d) => sandbox.resolveParameters(p, d),
      evaluate: (e, d) => sandbox.evaluate(e, d),
      runCode: (c, m, d) => {
        calls.runCode++;
        return sandbox.runCode(c, m, d);
      },
      dispose: () => undefined,
    };
    return { spy, calls };
  };

  it('runs the node again in-process up to maxTries (n8n bounds it to 5), then fails with its error', () => {
    for (const [maxTries, runs] of [[4, 4], [9, 5], [undefined, 3]] as const) {
      const { spy, calls } = counting();
      const code = { name: 'Flaky', type: 'n8n-nodes-base.code', typeVersion: 2, retryOnFail: true, maxTries, parameters: { jsCode: "throw new Error('always');" } };
      const result = runWorkflow(chain(code), { sandbox: spy });
      expect(result.error?.message).toMatch(/^always/);
      expect(calls.runCode).toBe(runs);
    }
  });

  it('stops retrying once the node succeeds, and does not retry without retryOnFail', () => {
    const ok = counting();
    runWorkflow(chain({ name: 'Fine', type: 'n8n-nodes-base.code', typeVersion: 2, retryOnFail: true, parameters: { jsCode: 'return [{ ok: true }];' } }), { sandbox: ok.spy });
    expect(ok.calls.runCode).toBe(1);
    const plain = counting();
    runWorkflow(chain({ name: 'Fails', type: 'n8n-nodes-base.code', typeVersion: 2, parameters: { jsCode: "throw new Error('x');" } }), { sandbox: plain.spy });
    expect(plain.calls.runCode).toBe(1);
  });
});

describe('start node', () => {
  it('a sub-workflow run starts from its Execute Workflow Trigger, another run from the Manual Trigger', () => {
    const doc = {
      nodes: [
        { name: 'Sub', type: 'n8n-nodes-base.executeWorkflowTrigger', typeVersion: 1.1, position: [0, 300], parameters: { inputSource: 'passthrough' } },
        { name: 'Manual', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
      ],
      connections: {},
      settings: { executionOrder: 'v1' },
    } as unknown as N8nWorkflow;
    expect(createExecution(doc, { executionId: 's', mode: 'integrated' }).stack[0]!.node).toBe('Sub');
    expect(createExecution(doc, { executionId: 's', mode: 'manual' }).stack[0]!.node).toBe('Manual');
  });
});

describe('Code once per item with continueOnFail', () => {
  const codeNode = (settings: Record<string, unknown>) => ({
    name: 'Code',
    type: 'n8n-nodes-base.code',
    typeVersion: 2,
    ...settings,
    parameters: { mode: 'runOnceForEachItem', jsCode: "if ($json.n === 2) throw new Error('two is bad');\nreturn { json: { n: $json.n * 10 } };" },
  });
  const input = [{ json: { n: 1 } }, { json: { n: 2 } }, { json: { n: 3 } }];

  it('an item that throws becomes { error } and the other items still run, as n8n does', () => {
    for (const settings of [{ continueOnFail: true }, { onError: 'continueRegularOutput' }]) {
      const run = runWorkflow(chain(codeNode(settings)), { sandbox, input });
      expect(run.status).toBe('success');
      expect(run.nodes.Code).toEqual([[{ n: 10 }, { error: 'two is bad [line 1, for item 1]' }, { n: 30 }]]);
    }
  });

  it('without it, the first failing item stops the run with n8n’s message', () => {
    const run = runWorkflow(chain(codeNode({})), { sandbox, input });
    expect(run.status).toBe('error');
    expect(run.error).toMatchObject({ node: 'Code', message: 'two is bad [line 1, for item 1]' });
  });
});

describe('another node’s parameters and run index', () => {
  it("$('X').params and $node[\"X\"].parameter are X's parameters as written; runIndex is X's last run", () => {
    const doc = chain(
      { name: 'Config', type: 'n8n-nodes-base.set', typeVersion: 3.4, parameters: { mode: 'raw', jsonOutput: '{"a":1}', options: {} } },
      {
        name: 'Read',
        type: 'n8n-nodes-base.code',
        typeVersion: 2,
        parameters: {
          jsCode: "return [{ json: { mode: $('Config').params.mode, raw: $node['Config'].parameter.jsonOutput, run: $node['Config'].runIndex, own: $('Read').params.jsCode.length > 0 } }];",
        },
      },
    );
    const run = runWorkflow(doc, { sandbox });
    expect(run.status).toBe('success');
    expect(run.nodes.Read).toEqual([[{ mode: 'raw', raw: '{"a":1}', run: 0, own: true }]]);
  });

  it('a node that does not exist is an error, as in n8n', () => {
    const doc = chain({ name: 'Read', type: 'n8n-nodes-base.code', typeVersion: 2, parameters: { jsCode: "return [{ json: { p: $('Nope').params } }];" } });
    const run = runWorkflow(doc, { sandbox });
    expect(run.status).toBe('error');
    expect(run.error?.message).toBe("Referenced node doesn't exist [line 1]");
  });
});

describe('Execute Sub-workflow (once): what comes back, and where it pairs', () => {
  // Checked against n8n 1.123.81: the child's last node is a Filter that drops n = 2.
  const child = {
    nodes: [
      { name: 'T', type: 'n8n-nodes-base.executeWorkflowTrigger', typeVersion: 1.1, position: [0, 0], parameters: { inputSource: 'passthrough' } },
      {
        name: 'F',
        type: 'n8n-nodes-base.filter',
        typeVersion: 2.2,
        position: [200, 0],
        parameters: {
          conditions: {
            options: { caseSensitive: true, leftValue: '', typeValidation: 'strict', version: 2 },
            conditions: [{ id: 'a', leftValue: '={{ $json.n }}', rightValue: 2, operator: { type: 'number', operation: 'notEquals' } }],
            combinator: 'and',
          },
          options: {},
        },
      },
    ],
    connections: { T: { main: [[{ node: 'F', type: 'main', index: 0 }]] } },
    settings: { executionOrder: 'v1' },
  };
  const parent = chain(
    { name: 'Code', type: 'n8n-nodes-base.code', typeVersion: 2, parameters: { jsCode: 'return [{json:{n:1}},{json:{n:2}},{json:{n:3}}];' } },
    { name: 'Sub', type: 'n8n-nodes-base.executeWorkflow', typeVersion: 1.2, parameters: { source: 'parameter', workflowJson: JSON.stringify(child), mode: 'once', options: {} } },
    {
      name: 'After',
      type: 'n8n-nodes-base.code',
      typeVersion: 2,
      parameters: { jsCode: "return $input.all().map((it, i) => ({ json: { n: it.json.n, fromCode: $('Code').itemMatching(i).json.n } }));" },
    },
  );

  it('every output of the child’s last node comes back, each item paired with the input item it came from', () => {
    const run = runWorkflow(parent, { sandbox });
    expect(run.status).toBe('success');
    expect(run.nodes.Sub).toEqual([[{ n: 1 }, { n: 3 }], [{ n: 2 }]]);
    const sub = run.state.runData.Sub![0]!.data!.main;
    expect(sub.map((o) => o!.map((i) => i.pairedItem))).toEqual([[{ item: 0 }, { item: 2 }], [{ item: 1 }]]);
    // So $('Code').itemMatching follows n = 3 back to Code's third item, not its second.
    expect(run.nodes.After).toEqual([[{ n: 1, fromCode: 1 }, { n: 3, fromCode: 3 }]]);
  });
});
