/**
 * Routing of an LLM call: given what the call needs (a model, or a
 * specialization and capabilities) and the nodes' health and load, choose the
 * node — and so the task queue — that serves it. Pure and deterministic; the
 * reservation activity runs it under a lock with fresh load figures.
 */

export type NodeStatus = 'up' | 'degraded' | 'down' | 'unknown';

export interface CallNeeds {
  /** A model name (e.g. `llama3.1:8b`); omitted = the chosen node's first model. */
  readonly model?: string;
  readonly specialization?: string;
  readonly capabilities?: readonly string[];
  /** Route only to this node. */
  readonly node?: string;
}

export interface NodeView {
  readonly id: string;
  readonly status: NodeStatus;
  /** Models the node reported in /api/tags; empty when never checked. */
  readonly installedModels: readonly string[];
  /** Models the registry says the node has. */
  readonly configuredModels: readonly string[];
  readonly specialization?: string | null;
  readonly capabilities: readonly string[];
  readonly parallel: number;
  /** Calls reserved or running on the node now. */
  readonly active: number;
  readonly tokensPerSecond?: number | null;
}

export type RouteDecision =
  | { readonly ok: true; readonly nodeId: string; readonly model: string; readonly load: number; readonly considered: number }
  | { readonly ok: false; readonly reason: NoRouteReason; readonly message: string };

export type NoRouteReason = 'unknown-node' | 'no-node-has-model' | 'no-node-matches' | 'all-eligible-down' | 'all-excluded';

export const taskQueueForNode = (nodeId: string): string => `llm:${nodeId}`;

const sameModel = (a: string, b: string): boolean => a === b || a === `${b}:latest` || b === `${a}:latest`;

function modelsOf(n: NodeView): readonly string[] {
  return n.installedModels.length > 0 ? n.installedModels : n.configuredModels;
}

function pickModel(n: NodeView, wanted: string | undefined): string | undefined {
  const models = modelsOf(n);
  if (wanted === undefined) return n.configuredModels[0] ?? models[0];
  return models.find((m) => sameModel(m, wanted));
}

const STATUS_PENALTY: Record<NodeStatus, number> = { up: 0, unknown: 0.5, degraded: 1, down: Number.POSITIVE_INFINITY };

export function routeCall(needs: CallNeeds, nodes: readonly NodeView[], exclude: readonly string[] = []): RouteDecision {
  if (needs.node !== undefined && !nodes.some((n) => n.id === needs.node)) {
    return { ok: false, reason: 'unknown-node', message: `no agent node "${needs.node}" is registered` };
  }
  const pool = needs.node !== undefined ? nodes.filter((n) => n.id === needs.node) : nodes;
  const withModel = pool.filter((n) => pickModel(n, needs.model) !== undefined);
  if (withModel.length === 0) {
    return { ok: false, reason: 'no-node-has-model', message: `no agent node has model "${needs.model}"` };
  }
  const wantedCaps = needs.capabilities ?? [];
  const matching = withModel.filter((n) => wantedCaps.every((c) => n.capabilities.includes(c)));
  if (matching.length === 0) {
    return { ok: false, reason: 'no-node-matches', message: `no agent node with the model has capabilities ${wantedCaps.join(', ')}` };
  }
  const candidates = matching.filter((n) => !exclude.includes(n.id));
  if (candidates.length === 0) {
    return { ok: false, reason: 'all-excluded', message: 'every eligible agent node already failed this call' };
  }
  const alive = candidates.filter((n) => n.status !== 'down');
  if (alive.length === 0) {
    return { ok: false, reason: 'all-eligible-down', message: `every eligible agent node is down (${candidates.map((n) => n.id).join(', ')})` };
  }

  // A specialist is preferred when one is alive; anyone with the model otherwise.
  const wanted = needs.specialization?.toLowerCase();
  const specialists = wanted === undefined ? [] : alive.filter((n) => n.specialization?.toLowerCase().includes(wanted));
  const chosenFrom = specialists.length > 0 ? specialists : alive;

  // Lowest load first (calls per slot, plus a penalty for doubtful health); then the faster node; then id.
  const scored = chosenFrom.map((n) => ({ n, load: n.active / Math.max(1, n.parallel) + STATUS_PENALTY[n.status] }));
  scored.sort((a, b) => a.load - b.load || (b.n.tokensPerSecond ?? 0) - (a.n.tokensPerSecond ?? 0) || a.n.id.localeCompare(b.n.id));
  const best = scored[0]!;
  return { ok: true, nodeId: best.n.id, model: pickModel(best.n, needs.model)!, load: best.load, considered: chosenFrom.length };
}
