/**
 * Runs a workflow document through the engine core the way the durable run
 * does (createExecution, then advance until done or error), answering
 * activity, wait and child steps in-process: HTTP Request through a given
 * responder, waits at once, sub-workflows by running them here too.
 */
import { advance, createExecution, nodesOutput, type NodesOutput } from '../../../domain/pipeline';
import { tracedOutputs } from '../../../domain/pipeline/sub-workflow-pairing';
import type { EngineHost, EngineState, Item, JsonValue, NodeErrorInfo, ResumeResult, Sandbox, Step } from '../../../domain/pipeline/types';

export interface RunOptions {
  readonly input?: Item[];
  readonly sandbox: Sandbox;
  readonly now?: number;
  /** Answers an activity step (e.g. HTTP Request); required when the workflow has one. */
  readonly activity?: (step: Extract<Step, { kind: 'activity' }>) => JsonValue;
  readonly startNode?: string;
  readonly destinationNode?: string;
  /** Hands each node run to this as it is recorded (as the durable run stores them); not passed to sub-workflow runs. */
  readonly recordRun?: EngineHost['recordRun'];
}

export interface RunResult {
  readonly status: 'success' | 'error';
  readonly nodes: NodesOutput;
  readonly error?: NodeErrorInfo;
  readonly state: EngineState;
  readonly steps: Step[];
}

export function hostFor(sandbox: Sandbox, now = Date.UTC(2026, 0, 15, 12, 0, 0)): EngineHost {
  return {
    sandbox,
    now,
    timezone: 'UTC',
    vars: { greeting: 'hello' },
    execution: { id: 'exec-1', mode: 'manual', resumeUrl: 'http://localhost/webhook-waiting/exec-1' },
    workflow: { id: 'wf-1', name: 'Test', active: false },
  };
}

export function runWorkflow(doc: unknown, opts: RunOptions): RunResult {
  const host: EngineHost = { ...hostFor(opts.sandbox, opts.now), ...(opts.recordRun ? { recordRun: opts.recordRun } : {}) };
  let state = createExecution(doc as never, { executionId: 'exec-1', mode: 'manual', input: opts.input, startNode: opts.startNode, ...(opts.destinationNode ? { destinationNode: opts.destinationNode } : {}) });
  let resume: ResumeResult | undefined;
  const steps: Step[] = [];
  for (let guard = 0; guard < 10_000; guard++) {
    // Each step's state goes through JSON, as the durable run stores it.
    const next = advance(JSON.parse(JSON.stringify(state)) as EngineState, resume, host);
    state = next.state;
    const step = next.step;
    steps.push(step);
    switch (step.kind) {
      case 'done':
      case 'error':
        return { status: step.kind === 'done' ? 'success' : 'error', nodes: nodesOutput(state), error: step.kind === 'error' ? step.error : undefined, state, steps };
      case 'activity':
        if (!opts.activity) throw new Error(`no activity responder for node ${step.node}`);
        resume = { kind: 'activity', node: step.node, result: opts.activity(step) };
        break;
      case 'wait':
        resume = { kind: 'waited', node: step.node };
        break;
      case 'child': {
        const outputs = step.wait
          ? step.inputs.map((items) => {
              const child = runWorkflow(step.workflow, { ...opts, input: items, startNode: undefined, destinationNode: undefined, recordRun: undefined });
              if (child.status === 'error') return { error: child.error! };
              // As the durable run does (activities/pipeline/child-outputs.ts).
              return tracedOutputs((node) => child.state.runData[node], child.state.lastNodeExecuted);
            })
          : [];
        resume = { kind: 'child', node: step.node, outputs };
        break;
      }
    }
  }
  throw new Error('the run did not end');
}
