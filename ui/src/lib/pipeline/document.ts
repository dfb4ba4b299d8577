/**
 * Pure operations on an n8n document, as the editor performs them: each takes
 * a document and returns a new one (the undo history keeps the old). Node
 * names are unique and are the keys of `connections`, as in n8n.
 */
import type { Clipboard, N8nConnection, N8nConnections, N8nNode, N8nWorkflow, NodeTypeEntry } from './types';

export const emptyDocument = (name = 'My pipeline'): N8nWorkflow => ({ name, nodes: [], connections: {}, settings: { executionOrder: 'v1' } });

/** `base`, or `base1`, `base2`… — the first name no node has (n8n numbers copies this way). */
export function uniqueName(doc: N8nWorkflow, base: string, taken: ReadonlySet<string> = new Set()): string {
  const used = new Set([...doc.nodes.map((n) => n.name), ...taken]);
  if (!used.has(base)) return base;
  const stem = base.replace(/\d+$/, '');
  for (let i = 1; ; i++) if (!used.has(`${stem}${i}`)) return `${stem}${i}`;
}

const newId = (): string => globalThis.crypto.randomUUID();

/** Default values of the parameters a new node starts with (those n8n writes for a fresh node). */
export function defaultParameters(entry: NodeTypeEntry): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const p of entry.parameters) {
    if (p.type === 'notice' || p.show) continue;
    if (p.default !== undefined) out[p.name] = structuredClone(p.default);
  }
  return out;
}

export function addNode(doc: N8nWorkflow, entry: NodeTypeEntry, position: [number, number], name?: string): { doc: N8nWorkflow; name: string } {
  const unique = uniqueName(doc, name ?? entry.defaultName);
  const node: N8nNode = {
    id: newId(),
    name: unique,
    type: entry.type,
    typeVersion: entry.versions[entry.versions.length - 1]!,
    position,
    parameters: defaultParameters(entry),
    ...(entry.type === 'n8n-nodes-base.webhook' ? { webhookId: newId() } : {}),
  };
  return { doc: { ...doc, nodes: [...doc.nodes, node] }, name: unique };
}

export function updateNode(doc: N8nWorkflow, name: string, change: (node: N8nNode) => N8nNode): N8nWorkflow {
  return { ...doc, nodes: doc.nodes.map((n) => (n.name === name ? change(n) : n)) };
}

export const moveNode = (doc: N8nWorkflow, name: string, position: [number, number]): N8nWorkflow => updateNode(doc, name, (n) => ({ ...n, position }));

export const setParameters = (doc: N8nWorkflow, name: string, parameters: Record<string, unknown>): N8nWorkflow => updateNode(doc, name, (n) => ({ ...n, parameters }));

export const toggleDisabled = (doc: N8nWorkflow, names: readonly string[]): N8nWorkflow => {
  const set = new Set(names);
  const disable = doc.nodes.some((n) => set.has(n.name) && !n.disabled);
  return { ...doc, nodes: doc.nodes.map((n) => (set.has(n.name) ? withFlag(n, 'disabled', disable) : n)) };
};

/** A node setting (disabled, executeOnce, notesInFlow…): true sets it, false removes it, as n8n writes them. */
export function withFlag(node: N8nNode, key: string, on: boolean): N8nNode {
  const { [key]: _drop, ...rest } = node as N8nNode & Record<string, unknown>;
  void _drop;
  return (on ? { ...rest, [key]: true } : rest) as N8nNode;
}

export function setNotes(doc: N8nWorkflow, name: string, notes: string, showOnCanvas: boolean): N8nWorkflow {
  return updateNode(doc, name, (n) => {
    const { notes: _n, notesInFlow: _f, ...rest } = n;
    void _n;
    void _f;
    return { ...rest, ...(notes ? { notes } : {}), ...(notes && showOnCanvas ? { notesInFlow: true } : {}) } as N8nNode;
  });
}

// ---------------------------------------------------------------- connections

type Targets = (N8nConnection[] | null)[];

export function connect(doc: N8nWorkflow, source: string, output: number, target: string, input: number): N8nWorkflow {
  if (source === target) return doc;
  const main: Targets = [...(doc.connections[source]?.main ?? [])];
  while (main.length <= output) main.push([]);
  const existing = main[output] ?? [];
  if (existing.some((t) => t.node === target && t.index === input)) return doc;
  main[output] = [...existing, { node: target, type: 'main', index: input }];
  return { ...doc, connections: { ...doc.connections, [source]: { ...doc.connections[source], main } } };
}

export function disconnect(doc: N8nWorkflow, source: string, output: number, target: string, input: number): N8nWorkflow {
  const main = doc.connections[source]?.main;
  if (!main?.[output]) return doc;
  const next = main.map((targets, o) => (o === output ? (targets ?? []).filter((t) => !(t.node === target && t.index === input)) : targets));
  return { ...doc, connections: { ...doc.connections, [source]: { ...doc.connections[source], main: next } } };
}

/** Every main connection, flat. */
export function connectionList(doc: N8nWorkflow): { source: string; output: number; target: string; input: number }[] {
  const out: { source: string; output: number; target: string; input: number }[] = [];
  for (const [source, types] of Object.entries(doc.connections ?? {})) {
    (types?.main ?? []).forEach((targets, output) => {
      for (const t of targets ?? []) out.push({ source, output, target: t.node, input: t.index ?? 0 });
    });
  }
  return out;
}

function connectionsAmong(connections: N8nConnections, keep: (name: string) => boolean): N8nConnections {
  const out: Record<string, N8nConnections[string]> = {};
  for (const [source, types] of Object.entries(connections)) {
    if (!keep(source)) continue;
    const main = (types?.main ?? []).map((targets) => (targets ?? []).filter((t) => keep(t.node)));
    out[source] = { ...types, main };
  }
  return out;
}

export function removeNodes(doc: N8nWorkflow, names: readonly string[]): N8nWorkflow {
  const gone = new Set(names);
  const pinData = doc.pinData ? Object.fromEntries(Object.entries(doc.pinData).filter(([k]) => !gone.has(k))) : undefined;
  return { ...doc, nodes: doc.nodes.filter((n) => !gone.has(n.name)), connections: connectionsAmong(doc.connections ?? {}, (n) => !gone.has(n)), ...(pinData ? { pinData } : {}) };
}

// ---------------------------------------------------------------- clipboard

/** What n8n puts on the clipboard for a selection: the nodes and the connections among them. */
export function copyNodes(doc: N8nWorkflow, names: readonly string[]): Clipboard {
  const set = new Set(names);
  return { nodes: doc.nodes.filter((n) => set.has(n.name)), connections: connectionsAmong(doc.connections ?? {}, (n) => set.has(n)) };
}

/** Reads clipboard text: n8n's { nodes, connections }, a whole workflow, or one node object. */
export function parseClipboard(text: string): Clipboard | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!value || typeof value !== 'object') return undefined;
  const v = value as { nodes?: unknown; connections?: unknown; name?: unknown; type?: unknown };
  const isNode = (n: unknown): n is N8nNode => !!n && typeof n === 'object' && typeof (n as N8nNode).name === 'string' && typeof (n as N8nNode).type === 'string';
  if (Array.isArray(v.nodes) && v.nodes.every(isNode)) return { nodes: v.nodes, connections: (v.connections && typeof v.connections === 'object' ? v.connections : {}) as N8nConnections };
  if (isNode(v)) return { nodes: [v], connections: {} };
  return undefined;
}

/**
 * Adds the clipboard's nodes, renamed where a name is taken (connections and
 * expressions among them follow), moved so their top-left corner is at `at`
 * (or offset from where they were). Returns the new names.
 */
export function pasteNodes(doc: N8nWorkflow, clip: Clipboard, at?: [number, number], rename?: (d: N8nWorkflow, from: string, to: string) => N8nWorkflow): { doc: N8nWorkflow; names: string[] } {
  if (clip.nodes.length === 0) return { doc, names: [] };
  const xs = clip.nodes.map((n) => n.position?.[0] ?? 0);
  const ys = clip.nodes.map((n) => n.position?.[1] ?? 0);
  const [dx, dy] = at ? [at[0] - Math.min(...xs), at[1] - Math.min(...ys)] : [40, 40];
  // The pasted nodes as a document of their own, renamed one by one so their references follow.
  let pasted: N8nWorkflow = { nodes: clip.nodes, connections: connectionsAmong(clip.connections ?? {}, (n) => clip.nodes.some((c) => c.name === n)) };
  const taken = new Set<string>();
  for (const original of clip.nodes.map((n) => n.name)) {
    const name = uniqueName(doc, original, taken);
    taken.add(name);
    if (name !== original && rename) pasted = rename(pasted, original, `\u0000${name}`);
  }
  if (rename) for (const n of pasted.nodes.filter((p) => p.name.startsWith('\u0000'))) pasted = rename(pasted, n.name, n.name.slice(1));
  const nodes = pasted.nodes.map((n) => ({ ...n, id: newId(), position: [(n.position?.[0] ?? 0) + dx, (n.position?.[1] ?? 0) + dy] as [number, number] }));
  return { doc: { ...doc, nodes: [...doc.nodes, ...nodes], connections: { ...doc.connections, ...pasted.connections } }, names: nodes.map((n) => n.name) };
}

// ---------------------------------------------------------------- placing new nodes

/** The first of `outputs` outputs of `name` with nothing connected (else 0): a second node added after an If goes to false. */
export function freeOutput(doc: N8nWorkflow, name: string, outputs: number): number {
  const main = doc.connections[name]?.main ?? [];
  for (let o = 0; o < outputs; o++) if ((main[o] ?? []).length === 0) return o;
  return 0;
}

/** A spot right of `from` (then below or above it) that no node covers. */
export function freeSpot(doc: N8nWorkflow, from: readonly [number, number], dx = 240, dy = 120): [number, number] {
  const taken = (x: number, y: number) => doc.nodes.some((n) => n.position && Math.abs(n.position[0] - x) < 150 && Math.abs(n.position[1] - y) < 80);
  for (let k = 0; k < 50; k++) {
    const y = from[1] + (k % 2 === 0 ? 1 : -1) * Math.ceil(k / 2) * dy;
    if (!taken(from[0] + dx, y)) return [from[0] + dx, y];
  }
  return [from[0] + dx, from[1]];
}
