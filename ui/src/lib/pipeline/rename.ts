/**
 * Renaming a node as n8n does: the node's name, the connections from and to
 * it, its pinned data, and every expression in the document's parameters that
 * names it — `$('Old')`, `$node["Old"]`, `$node.Old`, `$items("Old")` — follow
 * the new name. Text that is not an expression (no leading "=") is left alone.
 */
import type { N8nConnections, N8nNode, N8nWorkflow } from './types';

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const quoteFor = (q: string, name: string) => name.replaceAll('\\', '\\\\').replaceAll(q, `\\${q}`);

/** One expression text with references to `from` pointing at `to`. */
export function renameInExpression(text: string, from: string, to: string): string {
  let out = text;
  for (const q of ['"', "'", '`']) {
    const old = escape(quoteFor(q, from));
    const next = quoteFor(q, to).replaceAll('$', '$$$$');
    out = out
      .replace(new RegExp(`(\\$\\(\\s*${q})${old}(${q}\\s*\\))`, 'g'), `$1${next}$2`)
      .replace(new RegExp(`(\\$node\\[\\s*${q})${old}(${q}\\s*\\])`, 'g'), `$1${next}$2`)
      .replace(new RegExp(`(\\$items\\(\\s*${q})${old}(${q})`, 'g'), `$1${next}$2`);
  }
  // $node.Old only exists for names that are identifiers; the new name may need brackets.
  if (/^[A-Za-z_$][\w$]*$/.test(from)) {
    const dotted = /^[A-Za-z_$][\w$]*$/.test(to) ? `.${to}` : `["${quoteFor('"', to)}"]`;
    out = out.replace(new RegExp(`\\$node\\.${escape(from)}(?![\\w$])`, 'g'), `$node${dotted.replaceAll('$', '$$$$')}`);
  }
  return out;
}

/** Every expression string in a parameter value, rewritten. */
export function renameInValue(value: unknown, from: string, to: string): unknown {
  if (typeof value === 'string') return value.startsWith('=') ? renameInExpression(value, from, to) : value;
  if (Array.isArray(value)) return value.map((v) => renameInValue(v, from, to));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, renameInValue(v, from, to)]));
  return value;
}

function renameInConnections(connections: N8nConnections, from: string, to: string): N8nConnections {
  const out: Record<string, N8nConnections[string]> = {};
  for (const [source, types] of Object.entries(connections)) {
    const renamedTypes: Record<string, (N8nConnections[string][string][number])[]> = {};
    for (const [kind, outputs] of Object.entries(types ?? {})) {
      renamedTypes[kind] = (outputs ?? []).map((targets) => (targets ? targets.map((t) => (t.node === from ? { ...t, node: to } : t)) : targets));
    }
    out[source === from ? to : source] = renamedTypes;
  }
  return out;
}

export function renameNode(doc: N8nWorkflow, from: string, to: string): N8nWorkflow {
  if (from === to) return doc;
  if (doc.nodes.some((n) => n.name === to)) throw new Error(`A node named "${to}" exists already`);
  const nodes: N8nNode[] = doc.nodes.map((n) => {
    const parameters = n.parameters ? (renameInValue(n.parameters, from, to) as Record<string, unknown>) : n.parameters;
    return n.name === from ? { ...n, name: to, ...(parameters ? { parameters } : {}) } : parameters === n.parameters ? n : { ...n, parameters };
  });
  const pinData = doc.pinData && from in doc.pinData ? Object.fromEntries(Object.entries(doc.pinData).map(([k, v]) => [k === from ? to : k, v])) : doc.pinData;
  return { ...doc, nodes, connections: renameInConnections(doc.connections ?? {}, from, to), ...(pinData ? { pinData } : {}) };
}
