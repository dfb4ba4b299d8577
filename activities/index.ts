/**
 * All activities, built from their dependencies (samples-typescript's
 * dependency-injection pattern): workers pass real clients, tests pass real
 * servers or simulators. Workflows import only the *type* of this.
 */
import type { Client } from '@temporalio/client';
import type { Pool } from 'pg';
import type { WhooshConfig } from '../infra/config';
import { createHealthActivities } from './agents/health-activities';
import { createRoutingActivities } from './agents/routing-activities';
import { createCouncilActivities } from './council/council-activities';
import { createIssueActivities } from './forge/issue-activities';
import { createPipelineActivities } from './pipeline/pipeline-activities';
import { createPipelineTriggerActivities } from './pipeline/trigger-activities';
import { createSyncActivities } from './intake/sync-activities';
import { createSystemActivities } from './system/system-activities';
import { createTeamActivities } from './team/team-activities';

export interface ActivityDeps {
  readonly pool: Pool;
  readonly config: WhooshConfig;
  /** For activities that start or signal workflows (the repository sync). */
  readonly temporal?: Client;
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
    ...createPipelineActivities(deps.pool, { mcpServers: deps.config.mcp_servers }),
    ...createPipelineTriggerActivities(deps.pool),
  };
}

export type Activities = ReturnType<typeof createActivities>;
