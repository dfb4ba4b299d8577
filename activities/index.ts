/**
 * All activities, built from their dependencies (samples-typescript's
 * dependency-injection pattern): workers pass real clients, tests pass real
 * servers or simulators. Workflows import only the *type* of this.
 */
import type { Pool } from 'pg';
import { createSystemActivities } from './system/system-activities';

export interface ActivityDeps {
  readonly pool: Pool;
}

export function createActivities(deps: ActivityDeps) {
  return {
    ...createSystemActivities(deps.pool),
  };
}

export type Activities = ReturnType<typeof createActivities>;
