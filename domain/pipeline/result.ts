/**
 * The summary the API shows of a run: node name → its last run's outputs as
 * lists of json, in the order nodes first ran.
 */
import type { EngineState, JsonObject } from './types';

export type NodesOutput = Record<string, JsonObject[][]>;

export function nodesOutput(state: Pick<EngineState, 'order' | 'runData'>): NodesOutput {
  const out: NodesOutput = {};
  for (const name of state.order) {
    const runs = state.runData[name];
    const last = runs?.[runs.length - 1];
    out[name] = (last?.data?.main ?? []).map((items) => (items ?? []).map((i) => i.json));
  }
  return out;
}
