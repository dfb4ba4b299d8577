/**
 * What WHOOSH reads from a stored n8n document without running it: the
 * problems that keep it a draft (each naming its node), its name and tags as
 * n8n exports them, and its trigger (the kind of the first enabled trigger
 * node, whose `notes` describe the pipeline to MCP clients).
 */
import { parameterExpressionProblems } from './expression-syntax';
import { schedulePlan } from './schedule-spec';
import { WEBHOOK_TYPE, webhookProblems } from './webhook-trigger';
import type { N8nNode, N8nWorkflow } from './types';
import { validateWorkflow } from './validate';

export interface PipelineProblem {
  readonly node: string | null;
  readonly message: string;
}

export type TriggerKind = 'webhook' | 'schedule' | 'manual' | 'executeWorkflow' | 'forge';

export const TRIGGER_TYPES: Readonly<Record<string, TriggerKind>> = {
  'n8n-nodes-base.webhook': 'webhook',
  'n8n-nodes-base.scheduleTrigger': 'schedule',
  'n8n-nodes-base.manualTrigger': 'manual',
  'n8n-nodes-base.executeWorkflowTrigger': 'executeWorkflow',
  'whoosh.forgeTrigger': 'forge',
};

/** Every problem of a document: the engine's (unsupported node or version, broken connection, duplicate name, …) and expression syntax. */
export function pipelineProblems(doc: N8nWorkflow): PipelineProblem[] {
  const problems: PipelineProblem[] = validateWorkflow(doc).map((p) => ({ node: p.node ?? null, message: p.message }));
  if (!Array.isArray(doc?.nodes)) return problems;
  for (const node of doc.nodes) {
    if (typeof node?.name !== 'string') continue;
    for (const p of parameterExpressionProblems(node.parameters ?? {})) {
      problems.push({ node: node.name, message: `Node "${node.name}": parameter "${p.parameter}": ${p.message}` });
    }
    if (node.disabled) continue;
    const own = node.type === WEBHOOK_TYPE ? webhookProblems(node) : node.type === 'n8n-nodes-base.scheduleTrigger' ? schedulePlan(node).problems : [];
    for (const m of own) problems.push({ node: node.name, message: `Node "${node.name}": ${m}` });
  }
  return problems;
}

export function pipelineName(doc: N8nWorkflow): string {
  return typeof doc.name === 'string' && doc.name.trim() !== '' ? doc.name : 'Untitled pipeline';
}

/** n8n exports tags as [{ id?, name }]; older exports and hand-written documents use plain strings. */
export function pipelineTags(doc: N8nWorkflow): string[] {
  const tags = (doc as { tags?: unknown }).tags;
  if (!Array.isArray(tags)) return [];
  const names = tags.map((t) => (typeof t === 'string' ? t : typeof (t as { name?: unknown })?.name === 'string' ? (t as { name: string }).name : undefined));
  return [...new Set(names.filter((n): n is string => n !== undefined && n !== ''))];
}

/** The enabled trigger nodes WHOOSH knows, in document order. */
export function triggerNodes(doc: N8nWorkflow): { node: N8nNode; kind: TriggerKind }[] {
  if (!Array.isArray(doc?.nodes)) return [];
  return doc.nodes.flatMap((node) => {
    const kind = TRIGGER_TYPES[node?.type];
    return kind && !node.disabled ? [{ node, kind }] : [];
  });
}

/** The pipeline's trigger: a webhook, schedule or forge trigger before a manual or sub-workflow one. */
export function pipelineTrigger(doc: N8nWorkflow): { kind: TriggerKind; notes: string | null } | null {
  const all = triggerNodes(doc);
  const rank: TriggerKind[] = ['webhook', 'schedule', 'forge', 'executeWorkflow', 'manual'];
  const first = [...all].sort((a, b) => rank.indexOf(a.kind) - rank.indexOf(b.kind))[0];
  if (!first) return null;
  const notes = (first.node as { notes?: unknown }).notes;
  return { kind: first.kind, notes: typeof notes === 'string' && notes !== '' ? notes : null };
}
