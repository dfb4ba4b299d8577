/**
 * The stored pipelines behind the intake's forge trigger: the active pipelines
 * whose pinned version has a whoosh.forgeTrigger for the event, and their start
 * under an execution id derived from the run key (pipeline + delivery), so a
 * delivery received or relayed twice runs each pipeline once.
 */
import { forgeTriggerListensTo } from '../../domain/pipeline/nodes/whoosh-forge-trigger';
import { activePipelinesWithTrigger } from '../../activities/pipeline/pipeline-catalog';
import { getExecution } from '../../activities/pipeline/pipeline-store';
import { derivedUuid, startStoredPipeline, type PipelineStartDeps } from '../../activities/pipeline/start-pipeline';
import type { ForgePipelines } from './forge-pipelines';

const FORGE_TRIGGER = 'whoosh.forgeTrigger';

export function storedForgePipelines(deps: PipelineStartDeps): ForgePipelines {
  return {
    async findForgeTriggeredPipelines(repo, event) {
      const active = await activePipelinesWithTrigger(deps.pool, FORGE_TRIGGER);
      return active
        .filter((p) => p.document.nodes.some((n) => n.type === FORGE_TRIGGER && forgeTriggerListensTo(n, repo, event)))
        .map((p) => ({ pipelineId: p.id, version: p.version, document: p.document }));
    },
    async startStoredPipeline({ pipelineId, version, runKey, triggerNode, items }) {
      const executionId = derivedUuid(runKey);
      const existed = (await getExecution(deps.pool, executionId)) !== undefined;
      await startStoredPipeline(deps, { pipelineId, version, trigger: 'forge', mode: 'trigger', startNode: triggerNode, input: items, executionId });
      return existed ? 'existing' : 'started';
    },
  };
}
