/**
 * The editor's state: the document under edit with its undo history, the
 * selection, and every edit as one call that records an undo step. The
 * operations themselves are the pure functions of document.ts and rename.ts;
 * this class only keeps Svelte informed.
 */
import { addNode, connect, copyNodes, disconnect, moveNode, pasteNodes, removeNodes, toggleDisabled, updateNode } from './document';
import { UndoStack } from './history';
import { autoLayout, needsLayout } from './layout';
import { renameNode } from './rename';
import type { Clipboard, N8nNode, N8nWorkflow, NodeTypeEntry } from './types';

export class EditorState {
  doc = $state.raw<N8nWorkflow>({ nodes: [], connections: {} });
  selected = $state.raw<ReadonlySet<string>>(new Set());
  /** The node whose panel is open. */
  open = $state<string | undefined>();
  canUndo = $state(false);
  canRedo = $state(false);
  dirty = $state(false);
  private history: UndoStack<N8nWorkflow>;

  constructor(doc: N8nWorkflow) {
    const start = needsLayout(doc) ? autoLayout(doc) : doc;
    this.history = new UndoStack(start);
    this.doc = start;
  }

  private sync(): void {
    this.doc = this.history.current;
    this.canUndo = this.history.canUndo;
    this.canRedo = this.history.canRedo;
    this.dirty = this.history.dirty;
    const names = new Set(this.doc.nodes.map((n) => n.name));
    if ([...this.selected].some((n) => !names.has(n))) this.selected = new Set([...this.selected].filter((n) => names.has(n)));
    if (this.open && !names.has(this.open)) this.open = undefined;
  }

  apply(next: N8nWorkflow, mergeKey?: string): void {
    this.history.push(next, mergeKey);
    this.sync();
  }

  /** A loaded document replaces everything (no undo back past it). */
  load(doc: N8nWorkflow): void {
    this.history.reset(needsLayout(doc) ? autoLayout(doc) : doc);
    this.sync();
  }

  markSaved(): void {
    this.history.markSaved();
    this.sync();
  }

  undo(): void {
    this.history.undo();
    this.sync();
  }

  redo(): void {
    this.history.redo();
    this.sync();
  }

  select(names: readonly string[]): void {
    this.selected = new Set(names);
  }

  /** Adds a node; after `after` (connected from `output`) when given, as n8n does for the node open. */
  add(entry: NodeTypeEntry, position: [number, number], after?: { name: string; output: number }): string {
    const r = addNode(this.doc, entry, position);
    let next = r.doc;
    if (after && entry.inputs.length > 0) next = connect(next, after.name, after.output, r.name, 0);
    this.apply(next);
    this.selected = new Set([r.name]);
    this.open = r.name;
    return r.name;
  }

  connect(c: { source: string; output: number; target: string; input: number }): void {
    this.apply(connect(this.doc, c.source, c.output, c.target, c.input));
  }

  disconnect(list: { source: string; output: number; target: string; input: number }[]): void {
    this.apply(list.reduce((d, c) => disconnect(d, c.source, c.output, c.target, c.input), this.doc));
  }

  remove(names: readonly string[]): void {
    if (names.length > 0) this.apply(removeNodes(this.doc, names));
  }

  move(moves: { name: string; position: [number, number] }[]): void {
    this.apply(moves.reduce((d, m) => moveNode(d, m.name, m.position), this.doc));
  }

  /** Returns an error message, or undefined when renamed. */
  rename(from: string, to: string): string | undefined {
    if (this.doc.nodes.some((n) => n.name === to)) return `A node named "${to}" exists already`;
    this.apply(renameNode(this.doc, from, to));
    if (this.open === from) this.open = to;
    this.selected = new Set([...this.selected].map((n) => (n === from ? to : n)));
    return undefined;
  }

  replaceNode(name: string, node: N8nNode, mergeKey: string): void {
    this.apply(updateNode(this.doc, name, () => node), `${name}:${mergeKey}`);
  }

  toggleDisabled(names: readonly string[]): void {
    if (names.length > 0) this.apply(toggleDisabled(this.doc, names));
  }

  copy(names: readonly string[]): Clipboard {
    return copyNodes(this.doc, names);
  }

  paste(clip: Clipboard, at?: [number, number]): string[] {
    const r = pasteNodes(this.doc, clip, at, renameNode);
    this.apply(r.doc);
    this.selected = new Set(r.names);
    return r.names;
  }

  duplicate(names: readonly string[]): string[] {
    return names.length > 0 ? this.paste(this.copy(names)) : [];
  }

  layout(): void {
    this.apply(autoLayout(this.doc));
  }

  renameDocument(name: string): void {
    this.apply({ ...this.doc, name }, 'document-name');
  }

  node(name: string | undefined): N8nNode | undefined {
    return name === undefined ? undefined : this.doc.nodes.find((n) => n.name === name);
  }
}
