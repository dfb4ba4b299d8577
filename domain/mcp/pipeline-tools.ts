/**
 * Which stored pipelines are MCP tools, and how each looks to an assistant:
 * a name slugged from the pipeline's name (unique among all tools), the
 * trigger's notes as the description, and an input JSON Schema from the
 * trigger's declared fields (the Execute Workflow Trigger's `workflowInputs`),
 * else a free object. Pure, so both MCP transports list the same tools.
 */

/** Triggers that take arguments from a caller; schedules and forge events do not. */
export const TOOL_TRIGGERS = ['webhook', 'manual', 'executeWorkflow'] as const;
export type ToolTrigger = (typeof TOOL_TRIGGERS)[number];

export interface ToolPipeline {
  readonly id: string;
  readonly name: string;
  readonly active: boolean;
  readonly trigger: string | null;
  readonly notes: string | null;
}

export interface TriggerNode {
  readonly type: string;
  readonly typeVersion?: number;
  readonly parameters?: Record<string, unknown>;
  readonly disabled?: boolean;
}

export type JsonSchema = { type: 'object'; properties?: Record<string, object>; required?: string[]; additionalProperties?: boolean };

export const isToolPipeline = (p: ToolPipeline): boolean => p.active && (TOOL_TRIGGERS as readonly string[]).includes(p.trigger ?? '');

/** MCP tool names: letters, digits, `_` and `-`, at most 64 characters (what assistants accept). */
export function slug(name: string): string {
  const s = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .slice(0, 56)
    .replace(/_+$/, '');
  return s === '' ? 'pipeline' : s;
}

/**
 * One unique name per pipeline, stable for a given set: pipelines are named in
 * id order, and a name already taken (by WHOOSH's own tools or an earlier
 * pipeline) gets `_2`, `_3`...
 */
export function toolNames(pipelines: readonly ToolPipeline[], reserved: Iterable<string>): Map<string, string> {
  const taken = new Set(reserved);
  const names = new Map<string, string>();
  for (const p of [...pipelines].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))) {
    const base = slug(p.name);
    let name = base;
    for (let n = 2; taken.has(name); n++) name = `${base}_${n}`;
    taken.add(name);
    names.set(p.id, name);
  }
  return names;
}

const FREE: JsonSchema = { type: 'object', additionalProperties: true };

const FIELD_TYPES: Record<string, object> = {
  string: { type: 'string' },
  number: { type: 'number' },
  boolean: { type: 'boolean' },
  array: { type: 'array' },
  object: { type: 'object' },
  any: {},
};

/** The trigger node a tool call starts: the first enabled node of a tool trigger type. */
export function toolTriggerNode<N extends TriggerNode>(nodes: readonly N[]): N | undefined {
  return nodes.find((n) => !n.disabled && /\.(executeWorkflowTrigger|manualTrigger|webhook)$/.test(n.type));
}

/**
 * The input schema: the Execute Workflow Trigger's `workflowInputs.values`
 * ([{ name, type }]) as properties (every one required, as n8n's form marks
 * them), or a free object for other triggers and for `passthrough` input.
 */
export function inputSchema(trigger: TriggerNode | undefined): JsonSchema {
  if (!trigger || !trigger.type.endsWith('.executeWorkflowTrigger')) return FREE;
  const p = trigger.parameters ?? {};
  // Version 1 always passes its input through, as n8n's does.
  if ((trigger.typeVersion ?? 1.1) < 1.1) return FREE;
  if (p.inputSource === 'passthrough' || p.inputSource === 'jsonExample') return FREE;
  const values = (p.workflowInputs as { values?: unknown } | undefined)?.values;
  if (!Array.isArray(values) || values.length === 0) return FREE;
  const properties: Record<string, object> = {};
  for (const v of values as { name?: unknown; type?: unknown }[]) {
    if (typeof v?.name !== 'string' || v.name === '') continue;
    properties[v.name] = FIELD_TYPES[typeof v.type === 'string' ? v.type : 'any'] ?? {};
  }
  const required = Object.keys(properties);
  return required.length === 0 ? FREE : { type: 'object', properties, required, additionalProperties: false };
}

export function toolDescription(p: ToolPipeline): string {
  return p.notes?.trim() || `Runs the WHOOSH pipeline "${p.name}" and answers with its result.`;
}
