/**
 * The durable run's activities. `advancePipeline` (a local activity) runs
 * every node the engine can run until it needs the world — a side-effect
 * node, a Wait, a sub-workflow — or the run ends, and stores the result as
 * the next immutable step; `runPipelineNode` performs a side-effect node's
 * request. Item data stays in Postgres: the workflow history carries only
 * execution ids, step numbers and small descriptors.
 */
import { createHash, randomUUID } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/common';
import type { Pool } from 'pg';
import { nonRetryableFailure, type FailureType } from '../../domain/failures';
import { advance, createExecution } from '../../domain/pipeline';
import type {
  EngineState,
  Item,
  N8nWorkflow,
  NodeErrorInfo,
  ResumeResult,
  RunData,
  Sandbox,
  Step,
} from '../../domain/pipeline/types';
import type { WhooshConfig } from '../../infra/config';
import type { JobRunner } from '../docker/job-runner';
import { childOutputs } from './child-outputs';
import { DOCKER_TYPE, runNodeActivity } from './node-activities';
import { documentToRun } from './pipeline-catalog';
import type { McpServers } from './mcp-tool';
import {
  getExecution,
  getExecutionSource,
  getNodeRuns,
  getResume,
  getStep,
  getStepDescriptor,
  runRecord,
  storeResume,
  storeStep,
  updateExecution,
  type ExecutionUpdate,
  type NewExecution,
  type StoredNodeRun,
} from './pipeline-store';
import { createSandbox, loadSandboxEngine } from './sandbox';
import { StateCache } from './state-cache';
import { waitResumeOf, waitResumeStored } from './wait-webhook';
import { resumeUrlOf } from '../../domain/pipeline/webhook-trigger';
import { whooshDescriptorOf, whooshResumeOf, type WhooshResumeInput, type WhooshStepDescriptor } from './whoosh-steps';


/** The pipeline a document runs as: its stored id later; its content hash now. */
export function documentHash(doc: N8nWorkflow): string {
  return createHash('sha256').update(JSON.stringify({ nodes: doc.nodes, connections: doc.connections, settings: doc.settings ?? {} })).digest('hex').slice(0, 16);
}

export function pipelineWorkflowId(pipelineKey: string, executionId: string): string {
  return `pipeline:${pipelineKey}:${executionId}`;
}

/** A sub-workflow run the durable run starts as a child workflow. */
export interface ChildRef {
  readonly executionId: string;
  readonly workflowId: string;
  readonly pipelineKey: string;
}

/** What the workflow must do next: small, since it is recorded in history. */
export type StepDescriptor =
  | { readonly kind: 'done'; readonly seq: number }
  | { readonly kind: 'error'; readonly seq: number; readonly error: { readonly node: string; readonly message: string } }
  | { readonly kind: 'activity'; readonly seq: number; readonly node: string; readonly nodeType: string; readonly retry?: { readonly maxTries: number; readonly waitBetweenTries: number } }
  | { readonly kind: 'wait'; readonly seq: number; readonly node: string; readonly until: number }
  | { readonly kind: 'webhookWait'; readonly seq: number; readonly node: string; readonly until?: number }
  | { readonly kind: 'child'; readonly seq: number; readonly node: string; readonly wait: boolean; readonly children: readonly ChildRef[] }
  | WhooshStepDescriptor;

/**
 * How the workflow resumes step `seq`: results that carry items are read from
 * Postgres (`stored`: what the node activity stored; `children`: the
 * children's last outputs); the small ones travel as they are.
 */
export type ResumeInput =
  | { readonly kind: 'stored' }
  | { readonly kind: 'children' }
  | { readonly kind: 'waited'; readonly node: string }
  /** A Wait on webhook was called or its limit passed: which of the two is read from Postgres (the first stored wins). */
  | { readonly kind: 'webhookWait'; readonly node: string }
  | { readonly kind: 'activityError'; readonly node: string; readonly error: NodeErrorInfo }
  | WhooshResumeInput;

export interface AdvanceInput {
  readonly executionId: string;
  /** The step to go on from (0: a new run). */
  readonly seq: number;
  readonly resume?: ResumeInput;
  /** Workflow time (epoch ms): $now, so replay is exact. */
  readonly now: number;
}

/** As stored in pipeline_states.step: the engine's step (children's inputs live in their rows) and the children it starts. */
interface StoredStepInfo {
  readonly step: Step;
  readonly children?: ChildRef[];
  /** A stored sub-workflow that could not be run (missing, or a draft): each child run fails with this. */
  readonly unresolved?: { readonly message: string; readonly runs: number };
}

export interface PipelineActivityOptions {
  /** Sandbox per advance; tests and benchmarks may pass their own factory. */
  readonly sandbox?: () => Sandbox;
  readonly timezone?: string;
  readonly vars?: Record<string, string>;
  readonly cacheSize?: number;
  /** For the HTTP Request node; tests pass a counting one. */
  readonly fetch?: typeof fetch;
  /** The credentials' encryption key (read when a node first needs a credential). */
  readonly credentialKey?: () => Buffer;
  /** Runs whoosh.docker's containers (absent: the node fails with Misconfigured). */
  readonly jobRunner?: () => JobRunner;
  /** Forge tokens by base URL, for the whoosh.forge node. */
  readonly config?: WhooshConfig;
  /** whoosh.yaml's mcp_servers, for the whoosh.mcpTool node. */
  readonly mcpServers?: McpServers;
  /** WHOOSH's public URL (server.public_url), the base of $execution.resumeUrl. */
  readonly publicUrl?: string;
}

/** The engine failed in a way retrying cannot fix: the run fails with it. */
const ENGINE_ERROR = 'PipelineEngineError' satisfies FailureType;

function descriptorOf(seq: number, info: StoredStepInfo): StepDescriptor {
  const s = info.step;
  switch (s.kind) {
    case 'done':
      return { kind: 'done', seq };
    case 'error':
      return { kind: 'error', seq, error: { node: s.error.node, message: s.error.message } };
    case 'activity':
      return { kind: 'activity', seq, node: s.node, nodeType: s.nodeType, ...(s.retry ? { retry: s.retry } : {}) };
    case 'wait':
      return { kind: 'wait', seq, node: s.node, until: s.until };
    case 'webhookWait':
      return { kind: 'webhookWait', seq, node: s.node, ...(s.until !== undefined ? { until: s.until } : {}) };
    case 'child':
      return { kind: 'child', seq, node: s.node, wait: s.wait, children: info.children ?? [] };
    default:
      return whooshDescriptorOf(seq, s);
  }
}

/** The engine state as stored: without its run data, which lives in pipeline_node_runs. */
function withoutRunData(state: EngineState): Omit<EngineState, 'runData'> {
  const { runData: _runData, ...rest } = state;
  return rest;
}

function runDataOf(runs: readonly StoredNodeRun[]): RunData {
  const data: RunData = {};
  for (const r of runs) (data[r.node] ??= [])[r.runIndex] = r.run;
  return data;
}

function updateFor(state: EngineState, step: Step, seq: number, stoppedAt: number): ExecutionUpdate {
  const base = { seq, lastNode: state.lastNodeExecuted ?? null };
  switch (step.kind) {
    case 'done':
      return { ...base, status: 'success', stoppedAt, waitTill: null };
    case 'error':
      return { ...base, status: 'error', error: step.error, stoppedAt, waitTill: null };
    case 'wait':
      return { ...base, status: 'waiting', waitTill: step.until };
    case 'approval':
    case 'webhookWait':
      return { ...base, status: 'waiting', waitTill: step.until ?? null };
    default:
      return { ...base, status: 'running', waitTill: null };
  }
}

export function createPipelineActivities(pool: Pool, opts: PipelineActivityOptions = {}) {
  const cache = new StateCache(opts.cacheSize ?? 32);
  const newSandbox = opts.sandbox ?? (() => createSandbox());
  let engineLoaded: Promise<void> | undefined;

  async function loadState(executionId: string, seq: number): Promise<EngineState> {
    if (seq === 0) {
      const source = await getExecutionSource(pool, executionId);
      if (!source) throw nonRetryableFailure(ENGINE_ERROR, `no pipeline execution ${executionId}`);
      return createExecution(source.document, { executionId, mode: source.mode, ...(source.input ? { input: source.input } : {}), ...(source.startNode ? { startNode: source.startNode } : {}),
        ...(source.destinationNode ? { destinationNode: source.destinationNode } : {}),
      });
    }
    const stored = await getStep<Omit<EngineState, 'runData'>, StoredStepInfo>(pool, executionId, seq);
    if (!stored) throw nonRetryableFailure(ENGINE_ERROR, `pipeline execution ${executionId} has no step ${seq}`);
    const runs = await getNodeRuns(pool, executionId, seq);
    return { ...stored.state, runData: runDataOf(runs) } as EngineState;
  }

  async function resumeOf(executionId: string, seq: number, input: ResumeInput | undefined): Promise<ResumeResult | undefined> {
    if (!input) return undefined;
    switch (input.kind) {
      case 'waited':
      case 'activityError':
        return input;
      case 'webhookWait':
        return waitResumeOf(pool, executionId, seq, input.node);
      case 'stored': {
        const r = await getResume<ResumeResult>(pool, executionId, seq);
        if (!r) throw nonRetryableFailure(ENGINE_ERROR, `step ${seq} of ${executionId} has no stored result`);
        return r;
      }
      case 'children': {
        const info = await getStepDescriptor<StoredStepInfo>(pool, executionId, seq);
        if (!info || info.step.kind !== 'child') throw nonRetryableFailure(ENGINE_ERROR, `step ${seq} of ${executionId} started no sub-workflow`);
        const { unresolved } = info;
        const node = info.step.node;
        if (unresolved) return { kind: 'child', node, outputs: Array.from({ length: Math.max(1, unresolved.runs) }, () => ({ error: { node, message: unresolved.message } })) };
        if (!info.step.wait) return { kind: 'child', node: info.step.node, outputs: [] };
        const outputs: (Item[][] | { error: NodeErrorInfo })[] = [];
        for (const child of info.children ?? []) {
          const row = await getExecution(pool, child.executionId);
          if (!row || row.status !== 'success') {
            outputs.push({ error: row?.error ?? { node: info.step.node, message: `the sub-workflow ended ${row?.status ?? 'without a record'}` } });
            continue;
          }
          outputs.push(await childOutputs(pool, child.executionId, row.lastNode ?? undefined));
        }
        return { kind: 'child', node: info.step.node, outputs };
      }
      default:
        return whooshResumeOf(pool, input);
    }
  }

  /** The document a sub-workflow step runs: inline, or a stored pipeline's active (else latest) version. */
  async function subWorkflowTarget(step: Extract<Step, { kind: 'child' }>): Promise<{ document: N8nWorkflow; key: string; hash: string; version?: number } | { message: string }> {
    if (step.workflow) {
      const hash = documentHash(step.workflow);
      return { document: step.workflow, key: hash, hash };
    }
    const id = step.pipelineId ?? '';
    const stored = await documentToRun(pool, id);
    if (!stored) return { message: `No stored pipeline "${id}" to run as a sub-workflow` };
    if (stored.problems.length > 0) return { message: `The sub-workflow "${id}" (version ${stored.version}) cannot run: ${stored.problems.map((p) => p.message).join('; ')}` };
    return { document: stored.document, key: id, hash: documentHash(stored.document), version: stored.version };
  }

  return {
    /**
     * Step seq → step seq + 1. Idempotent: a retry after the step was stored
     * returns it without running any node again.
     */
    async advancePipeline(input: AdvanceInput): Promise<StepDescriptor> {
      const { executionId, seq } = input;
      const next = seq + 1;
      // This worker stored step seq and holds its state: the usual path, no read before the work.
      // A retry elsewhere (or after a restart) first looks for step seq + 1 and returns it.
      let state = cache.take(executionId, seq);
      if (!state) {
        const existing = await getStepDescriptor<StoredStepInfo>(pool, executionId, next);
        if (existing) return descriptorOf(next, existing);
        state = await loadState(executionId, seq);
      }
      const resume = await resumeOf(executionId, seq, input.resume);
      const doc = state.workflow;
      // Each node run is serialised as it is recorded: the engine then need not keep its items (see EngineHost.recordRun).
      const runs: string[] = [];
      await (engineLoaded ??= loadSandboxEngine());
      const sandbox = newSandbox();
      let result: { state: EngineState; step: Step };
      try {
        result = advance(state, resume, {
          sandbox,
          now: input.now,
          // Run data timing is wall-clock; $now stays the workflow's time.
          clock: Date.now,
          timezone: doc.settings?.timezone ?? opts.timezone ?? 'UTC',
          vars: opts.vars ?? {},
          execution: { id: executionId, mode: state.mode, resumeUrl: resumeUrlOf(opts.publicUrl ?? '', executionId) },
          workflow: { id: doc.id ?? '', name: doc.name ?? '', active: doc.active ?? false },
          recordRun: (run) => runs.push(runRecord(run)),
        });
      } catch (err) {
        throw ApplicationFailure.create({ type: ENGINE_ERROR, message: `the engine failed: ${err instanceof Error ? err.message : String(err)}`, nonRetryable: true, cause: err instanceof Error ? err : undefined });
      } finally {
        sandbox.dispose();
      }
      const { state: after, step } = result;

      let children: ChildRef[] | undefined;
      let childRows: NewExecution[] = [];
      let storedStep: Step = step;
      let unresolved: StoredStepInfo['unresolved'];
      if (step.kind === 'child') {
        const target = await subWorkflowTarget(step);
        if ('message' in target) {
          unresolved = { message: target.message, runs: step.inputs.length };
          children = [];
        } else {
          childRows = step.inputs.map((items) => {
            const id = randomUUID();
            return { id, workflowId: pipelineWorkflowId(target.key, id), pipelineKey: target.key, document: target.document, documentHash: target.hash, input: items, mode: 'integrated', parentExecutionId: executionId, parentNode: step.node, ...(target.version !== undefined ? { pipelineVersion: target.version } : {}) };
          });
          children = childRows.map((c) => ({ executionId: c.id, workflowId: c.workflowId, pipelineKey: c.pipelineKey }));
        }
        // The children's items are in their own rows.
        storedStep = { ...step, inputs: [] };
      }
      const info: StoredStepInfo = { step: storedStep, ...(children ? { children } : {}), ...(unresolved ? { unresolved } : {}) };
      const stored = await storeStep(pool, {
        executionId,
        seq: next,
        state: withoutRunData(after),
        step: info,
        runs,
        children: childRows,
        update: updateFor(after, step, next, Date.now()),
      });
      if (!stored) {
        // Another attempt stored this step first: its answer is the one the workflow must see.
        const winner = await getStepDescriptor<StoredStepInfo>(pool, executionId, next);
        return descriptorOf(next, winner!);
      }
      if (step.kind === 'done' || step.kind === 'error') cache.forget(executionId);
      else cache.put(executionId, next, after);
      return descriptorOf(next, info);
    },

    /**
     * A side-effect node's work for step `seq`; its result is stored for the
     * next advance. With the node's retryOnFail, a failed request throws so
     * Temporal retries the node; the last attempt hands the failure to the
     * engine, which applies n8n's rules (onError, neverError).
     */
    async runPipelineNode(input: { executionId: string; seq: number }): Promise<void> {
      const info = await getStepDescriptor<StoredStepInfo>(pool, input.executionId, input.seq);
      if (!info || info.step.kind !== 'activity') throw nonRetryableFailure(ENGINE_ERROR, `step ${input.seq} of ${input.executionId} has no activity`);
      const step = info.step;
      const result = await runNodeActivity({ pool, ...opts }, step);
      await storeResume(pool, input.executionId, input.seq, { kind: 'activity', node: step.node, result } satisfies ResumeResult);
    },

    /** Whether a call resumed the Wait on webhook at step `seq` (a check in case its signal never came). */
    async waitResumeStored(input: { executionId: string; seq: number }): Promise<boolean> {
      return waitResumeStored(pool, input.executionId, input.seq);
    },

    /** A run cancelled in Temporal: the record says so. */
    async finishPipeline(input: { executionId: string; status: 'canceled' | 'error'; message?: string }): Promise<void> {
      cache.forget(input.executionId);
      // A cancelled run leaves no container of its Docker nodes behind.
      if (input.status === 'canceled' && opts.jobRunner) {
        const source = await getExecutionSource(pool, input.executionId);
        if (source?.document.nodes.some((n) => n.type === DOCKER_TYPE)) await opts.jobRunner().removeExecution(input.executionId);
      }
      await updateExecution(pool, input.executionId, {
        status: input.status,
        stoppedAt: Date.now(),
        waitTill: null,
        ...(input.message ? { error: { node: '', message: input.message } } : {}),
      });
    },
  };
}

export type PipelineActivities = ReturnType<typeof createPipelineActivities>;
