/**
 * Auto-layout for documents without positions (or with every node at one
 * spot): dagre ranks the graph left to right, as n8n's canvas reads.
 */
import dagre from '@dagrejs/dagre';
import { connectionList } from './document';
import type { N8nWorkflow } from './types';

export const NODE_WIDTH = 180;
export const NODE_HEIGHT = 64;

/** True when the canvas would pile nodes up: some have no position, or all share one. */
export function needsLayout(doc: N8nWorkflow): boolean {
  if (doc.nodes.length < 2) return doc.nodes.some((n) => !Array.isArray(n.position));
  if (doc.nodes.some((n) => !Array.isArray(n.position) || n.position.length !== 2)) return true;
  return new Set(doc.nodes.map((n) => `${n.position![0]},${n.position![1]}`)).size === 1;
}

/** n8n positions (top-left corners) for every node, ranked by connections. */
export function layoutPositions(doc: N8nWorkflow): Map<string, [number, number]> {
  const g = new dagre.graphlib.Graph();
  g.setGraph({ rankdir: 'LR', nodesep: 50, ranksep: 90, marginx: 0, marginy: 0 });
  g.setDefaultEdgeLabel(() => ({}));
  for (const n of doc.nodes) g.setNode(n.name, { width: NODE_WIDTH, height: NODE_HEIGHT });
  for (const c of connectionList(doc)) if (g.hasNode(c.source) && g.hasNode(c.target)) g.setEdge(c.source, c.target);
  dagre.layout(g);
  const out = new Map<string, [number, number]>();
  for (const n of doc.nodes) {
    const p = g.node(n.name);
    out.set(n.name, [Math.round(p.x - NODE_WIDTH / 2), Math.round(p.y - NODE_HEIGHT / 2)]);
  }
  return out;
}

export function autoLayout(doc: N8nWorkflow): N8nWorkflow {
  const positions = layoutPositions(doc);
  return { ...doc, nodes: doc.nodes.map((n) => ({ ...n, position: positions.get(n.name) ?? [0, 0] })) };
}
