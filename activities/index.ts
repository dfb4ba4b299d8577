/**
 * All activities, built from their dependencies (samples-typescript's
 * dependency-injection pattern): workers pass real clients, tests pass real
 * servers or simulators. Workflows import only the *type* of this.
 */
import type { Client } from '@temporalio/client';
import type { Pool } from 'pg';
import type { WhooshConfig } from '../infra/config';
import { resolveEncryptionKey } from '../infra/encryption-key';
import { createHealthActivities } from './agents/health-activities';
import { createRoutingActivities } from './agents/routing-activities';
import { createCouncilActivities } from './council/council-activities';
import { createJobRunner } from './docker/job-runner';
import { createIssueActivities } from './forge/issue-activities';
import { createAgentWorkflowActivities } from './pipeline/agent-workflow-activities';
import { createApprovalActivities } from './pipeline/approval-activities';
import { createLlmToolActivities } from './pipeline/llm-tool-activities';
import { createPipelineActivities } from './pipeline/pipeline-activities';
import { createPipelineTriggerActivities } from './pipeline/trigger-activities';
import { createSyncActivities } from './intake/sync-activities';
import { createSystemActivities } from './system/system-activities';
import { createTeamActivities, dockerTarget } from './team/team-activities';
import { publicUrlOf } from '../infra/endpoints';

export interface ActivityDeps {
  readonly pool: Pool;
  readonly config: WhooshConfig;
  /** For activities that start or signal workflows (the repository sync). */
  readonly temporal?: Client;
}

function once<T>(make: () => T): () => T {
  let value: { v: T } | undefined;
  return () => (value ??= { v: make() }).v;
}

export function createActivities(deps: ActivityDeps) {
  return {
    ...createSystemActivities(deps.pool),
    ...createRoutingActivities(deps.pool, deps.config.llm),
    ...createHealthActivities(deps.pool, deps.config),
    ...createSyncActivities(deps.pool, deps.config, deps.temporal),
    ...createIssueActivities(deps.pool, deps.config),
    ...createTeamActivities(deps.pool, deps.config),
    ...createCouncilActivities(deps.pool, deps.config),
    ...createPipelineTriggerActivities(deps.pool, deps.temporal),
    ...createPipelineActivities(deps.pool, {
      config: deps.config,
      credentialKey: once(() => resolveEncryptionKey(deps.config)),
      mcpServers: deps.config.mcp_servers,
      publicUrl: publicUrlOf(deps.config),
      jobRunner: once(() => createJobRunner(dockerTarget(deps.config.docker.host), deps.config.docker.api_version ? { apiVersion: deps.config.docker.api_version } : {})),
    }),
    ...createLlmToolActivities(deps.config.mcp_servers),
    ...createApprovalActivities(deps.pool, deps.config),
    ...createAgentWorkflowActivities(deps.pool, deps.config),
  };
}

export type Activities = ReturnType<typeof createActivities>;
