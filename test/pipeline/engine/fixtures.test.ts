/**
 * The parity suite: every document in test/pipeline/fixtures runs through the
 * engine (and the real sandbox) and must give what n8n's semantics give, as
 * written beside it: status, each node's last run (outputs as lists of json)
 * in the order nodes first ran, and the error.
 */
import { createHash, createHmac, randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { createSandbox, loadSandboxEngine } from '../../../activities/pipeline/sandbox';
import { nodesOutput } from '../../../domain/pipeline';
import { readsRunData } from '../../../domain/pipeline/run-data-reads';
import type { CryptoActivity, CryptoActivityResult, JsonValue, N8nWorkflow, RecordedRun, RunData, Sandbox, Step } from '../../../domain/pipeline/types';
import { runWorkflow } from './harness';

const dir = path.join(__dirname, '..', 'fixtures');
const files = readdirSync(dir).filter((f) => f.endsWith('.json')).sort();

interface Fixture {
  workflow: unknown;
  input?: unknown[];
  http?: Record<string, { status: number; body: unknown; headers?: Record<string, string> }>;
  expected: { status: 'success' | 'error'; nodes: Record<string, unknown[][]>; error?: { node?: string; message?: string } };
}

const STATUS_TEXT: Record<number, string> = { 200: 'OK', 404: 'Not Found', 500: 'Internal Server Error' };

/** The Crypto node's activity, as the durable run implements it. */
function cryptoActivity(request: CryptoActivity): CryptoActivityResult {
  return {
    values: request.operations.map((op) => {
      if (op.action === 'generate') return randomUUID();
      if (op.action === 'hmac') return createHmac(op.algorithm, op.secret).update(op.value).digest(op.encoding);
      return createHash(op.algorithm).update(op.value).digest(op.encoding);
    }),
  };
}

let sandbox: Sandbox;
beforeAll(async () => {
  await loadSandboxEngine();
  sandbox = createSandbox();
});
afterAll(() => sandbox?.dispose());

describe.each(files)('%s', (file) => {
  const fixture = JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as Fixture;
  const activity = (step: Extract<Step, { kind: 'activity' }>): JsonValue => {
        if (step.nodeType === 'n8n-nodes-base.crypto') return cryptoActivity(step.request as unknown as CryptoActivity) as unknown as JsonValue;
        const request = step.request as { requests: { url: string }[] };
        return {
          responses: request.requests.map((r) => {
            const answer = fixture.http?.[r.url];
            if (!answer) return { ok: false, message: `connect ECONNREFUSED ${r.url}`, code: 'ECONNREFUSED' };
            const text = typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body);
            return { ok: true, statusCode: answer.status, statusMessage: STATUS_TEXT[answer.status] ?? 'OK', headers: { 'content-type': typeof answer.body === 'string' ? 'text/plain' : 'application/json', ...answer.headers }, body: { encoding: 'text', text } };
          }),
        } as unknown as JsonValue;
  };
  it('runs as n8n runs it', () => {
    const result = runWorkflow(fixture.workflow, { sandbox, input: fixture.input as never, activity });
    expect({ status: result.status, error: result.error?.message }).toEqual({ status: fixture.expected.status, error: fixture.expected.error?.message });
    if (fixture.expected.error?.node) expect(result.error?.node).toBe(fixture.expected.error.node);
    expect(Object.keys(result.nodes)).toEqual(Object.keys(fixture.expected.nodes));
    expect(result.nodes).toEqual(fixture.expected.nodes);
  });

  // As the durable run stores them: each run handed over as it is recorded, and
  // the state keeping items only when user code could read them later.
  it('hands every node run over as it is recorded, and keeps items only when they may be read', () => {
    const recorded: RecordedRun[] = [];
    const result = runWorkflow(fixture.workflow, { sandbox, input: fixture.input as never, activity, recordRun: (r) => recorded.push(r) });
    expect({ status: result.status, error: result.error?.message }).toEqual({ status: fixture.expected.status, error: fixture.expected.error?.message });
    const runData: RunData = {};
    for (const r of recorded) (runData[r.node] ??= [])[r.runIndex] = r.run;
    const order = [...new Set([...recorded].sort((a, b) => a.firstOrder - b.firstOrder).map((r) => r.node))];
    expect(order).toEqual(result.state.order);
    expect(nodesOutput({ order, runData })).toEqual(fixture.expected.nodes);
    const kept = Object.values(result.state.runData).flat().some((run) => run.data !== undefined);
    expect(kept).toBe(readsRunData(fixture.workflow as N8nWorkflow) && recorded.some((r) => r.run.data !== undefined));
  });
});
