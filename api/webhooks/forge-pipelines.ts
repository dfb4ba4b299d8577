/**
 * Forge-triggered pipelines (whoosh.forgeTrigger) in the intake. The receiver
 * asks which stored pipelines take an event and, if any do, keeps the event
 * with the delivery; the relay starts them from it, once per delivery and
 * pipeline (the workflow id is made of both, so a repeated delivery or a
 * retried relay pass finds the run already there).
 *
 * The pipeline store is reached through `ForgePipelines`, which the process
 * wiring provides (stored pipelines live beside this, not in it).
 */
import { createHash } from 'node:crypto';
import type { RepoKey } from '../../domain/intake/route-event';
import { forgeTriggerEventOf, forgeTriggerItem, forgeTriggerMatches, type ForgeEvent, type ForgeTriggerEvent } from '../../domain/pipeline/nodes/whoosh-forge-trigger';
import type { Item, N8nWorkflow } from '../../domain/pipeline/types';

/** A forge event as the intake keeps it for pipelines (pull requests say whether they were merged, and their branches). */
export type PipelineForgeEvent = ForgeEvent;

export interface ForgeTriggeredPipeline {
  readonly pipelineId: string;
  /** The version the triggers run (pinned at activation), and its document. */
  readonly version: number;
  readonly document: N8nWorkflow;
}

export interface ForgePipelines {
  /** Active pipelines whose forgeTrigger names this repository and event. */
  findForgeTriggeredPipelines(repo: RepoKey, event: ForgeTriggerEvent): Promise<ForgeTriggeredPipeline[]>;
  /**
   * Starts the stored pipeline's `version` at `triggerNode` with `items`, as the run
   * `runKey` names; a key already used answers 'existing' and starts nothing.
   */
  startStoredPipeline(input: { pipelineId: string; version: number; runKey: string; triggerNode: string; items: Item[]; deliveryId: string }): Promise<'started' | 'existing'>;
}

/** The event, when some active pipeline takes it (the receiver keeps it with the delivery). */
export async function eventForPipelines(p: ForgePipelines | undefined, e: PipelineForgeEvent | undefined): Promise<PipelineForgeEvent | undefined> {
  if (!p || !e) return undefined;
  const name = forgeTriggerEventOf(e);
  if (!name) return undefined;
  const found = await p.findForgeTriggeredPipelines(e.repo, name);
  return found.some((f) => f.document.nodes.some((n) => n.type === 'whoosh.forgeTrigger' && forgeTriggerMatches(n, e))) ? e : undefined;
}

/** The run's key: one per delivery and pipeline. */
export function forgePipelineRunKey(pipelineId: string, deliveryKey: string): string {
  return `pipeline-forge:${pipelineId}:${createHash('sha256').update(deliveryKey).digest('hex').slice(0, 24)}`;
}

/** Starts every active pipeline whose forgeTrigger takes the event; returns what each start did. */
export async function startForgeTriggeredPipelines(p: ForgePipelines, e: PipelineForgeEvent, deliveryKey: string): Promise<string[]> {
  const name = forgeTriggerEventOf(e);
  if (!name) return [];
  const outcomes: string[] = [];
  for (const found of await p.findForgeTriggeredPipelines(e.repo, name)) {
    const trigger = found.document.nodes.find((n) => n.type === 'whoosh.forgeTrigger' && forgeTriggerMatches(n, e));
    if (!trigger) continue;
    const runKey = forgePipelineRunKey(found.pipelineId, deliveryKey);
    const status = await p.startStoredPipeline({ pipelineId: found.pipelineId, version: found.version, runKey, triggerNode: trigger.name, items: [forgeTriggerItem(e)], deliveryId: deliveryKey });
    outcomes.push(`${status} ${runKey}`);
  }
  return outcomes;
}
