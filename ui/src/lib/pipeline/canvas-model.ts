/**
 * The document as the canvas draws it: one flow node per n8n node (at its
 * position, with its input and output handles and their labels) and one edge
 * per connection (labelled with the output's name, and, during or after a run,
 * with the items it carried). Pure, so 200 nodes map in well under a frame.
 */
import { connectionList } from './document';
import { NODE_HEIGHT, NODE_WIDTH } from './layout';
import { inputLabels, outputLabels } from './ports';
import type { N8nWorkflow, NodeTypeEntry } from './types';

export type NodeRunState = 'running' | 'waiting' | 'success' | 'error' | 'canceled';

export interface RunOverlay {
  readonly nodes: Readonly<Record<string, { readonly status: NodeRunState; readonly runs: number; readonly items: readonly number[]; readonly totalItems: readonly number[]; readonly error: { readonly message: string } | null }>>;
  readonly current: { readonly node: string; readonly kind: string; readonly message?: string } | null;
}

export interface CanvasNodeData extends Record<string, unknown> {
  readonly name: string;
  readonly type: string;
  readonly displayName: string;
  readonly group: string;
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  readonly disabled: boolean;
  readonly notes: string;
  readonly unknown: boolean;
  readonly status: NodeRunState | undefined;
  readonly runs: number;
  readonly error: string;
  /** Set while the run waits at this node for a person's approval: the Approval node's message. */
  readonly approval?: string;
}

export interface FlowNode {
  readonly id: string;
  readonly type: 'pipeline';
  readonly position: { x: number; y: number };
  /** The size a node is drawn at before it is measured, so fit view need not wait for 200 measurements. */
  readonly initialWidth: number;
  readonly initialHeight: number;
  readonly data: CanvasNodeData;
  readonly selected?: boolean;
}

export interface FlowEdge {
  readonly id: string;
  readonly source: string;
  readonly target: string;
  readonly sourceHandle: string;
  readonly targetHandle: string;
  readonly label?: string;
  readonly class?: string;
}

export const edgeId = (source: string, output: number, target: string, input: number): string => JSON.stringify([source, output, target, input]);

export function parseEdgeId(id: string): { source: string; output: number; target: string; input: number } | undefined {
  try {
    const [source, output, target, input] = JSON.parse(id) as [string, number, string, number];
    return { source, output, target, input };
  } catch {
    return undefined;
  }
}

const plural = (n: number) => `${n} item${n === 1 ? '' : 's'}`;

export function toFlow(doc: N8nWorkflow, catalog: ReadonlyMap<string, NodeTypeEntry>, run?: RunOverlay, selected: ReadonlySet<string> = new Set()): { nodes: FlowNode[]; edges: FlowEdge[] } {
  const nodes: FlowNode[] = doc.nodes.map((n) => {
    const entry = catalog.get(n.type);
    const r = run?.nodes[n.name];
    const here = run?.current?.node === n.name ? run.current : undefined;
    const status: NodeRunState | undefined = here ? (here.kind === 'wait' || here.kind === 'approval' ? 'waiting' : 'running') : r?.status;
    return {
      id: n.name,
      type: 'pipeline',
      position: { x: n.position?.[0] ?? 0, y: n.position?.[1] ?? 0 },
      initialWidth: NODE_WIDTH,
      initialHeight: NODE_HEIGHT,
      ...(selected.has(n.name) ? { selected: true } : {}),
      data: {
        name: n.name,
        type: n.type,
        displayName: entry?.displayName ?? n.type,
        group: entry?.group ?? 'data',
        inputs: inputLabels(n, entry),
        outputs: outputLabels(n, entry),
        disabled: n.disabled === true,
        notes: n.notesInFlow && typeof n.notes === 'string' ? n.notes : '',
        unknown: entry === undefined,
        status,
        runs: r?.runs ?? 0,
        error: r?.error?.message ?? '',
        ...(here?.kind === 'approval' ? { approval: here.message ?? '' } : {}),
      },
    };
  });
  const byName = new Map(doc.nodes.map((n) => [n.name, n]));
  const edges: FlowEdge[] = connectionList(doc)
    .filter((c) => byName.has(c.source) && byName.has(c.target))
    .map((c) => {
      const source = byName.get(c.source)!;
      const labels = outputLabels(source, catalog.get(source.type));
      const name = labels.length > 1 ? (labels[c.output] ?? String(c.output)) : '';
      const r = run?.nodes[c.source];
      const count = r ? (r.runs > 1 ? r.totalItems[c.output] : r.items[c.output]) : undefined;
      // An output that carried nothing stays quiet, as in n8n.
      const carried = count ? `${plural(count)}${r && r.runs > 1 ? ` (${r.runs} runs)` : ''}` : '';
      // The handles carry the output names (true/false, done/loop…); an edge says what it carried.
      const label = carried;
      return {
        id: edgeId(c.source, c.output, c.target, c.input),
        source: c.source,
        target: c.target,
        sourceHandle: `out-${c.output}`,
        targetHandle: `in-${c.input}`,
        ...(label ? { label } : {}),
        ...(count !== undefined && count > 0 ? { class: 'carried' } : name === 'error' ? { class: 'error-output' } : {}),
      };
    });
  return { nodes, edges };
}
