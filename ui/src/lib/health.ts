import type { Dependency, Probe, Readiness } from './api';

// Exhaustive, so a dependency added to the API's readiness type must be named here.
const LABELS: Record<Dependency, string> = { temporal: 'Temporal', postgres: 'PostgreSQL' };

export interface HealthRow {
  readonly id: Dependency;
  readonly label: string;
  /** Missing until the first answer, or while the API cannot be reached. */
  readonly probe?: Probe;
}

export function healthRows(readiness?: Readiness): HealthRow[] {
  return (Object.keys(LABELS) as Dependency[]).map((id) => ({ id, label: LABELS[id], probe: readiness?.checks[id] }));
}

export function formatLatency(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}
