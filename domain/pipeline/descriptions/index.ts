/**
 * Every node description, by n8n type name, and the catalog the editor reads
 * (GET /api/v1/pipelines/node-types): each registered node type with its
 * description, versions and kind. A registered type without a description
 * (one added by another part of WHOOSH before its description) gets a generic
 * one whose parameters are edited as JSON.
 */
import type { NodeKind } from '../node-type';
import { nodeTypes } from '../registry';
import { codeDescription, httpRequestDescription, respondToWebhookDescription } from './code-http';
import {
  aggregateDescription,
  cryptoDescription,
  dateTimeDescription,
  itemListsDescription,
  limitDescription,
  removeDuplicatesDescription,
  renameKeysDescription,
  setDescription,
  sortDescription,
  splitOutDescription,
  summarizeDescription,
} from './data';
import { executeWorkflowDescription, filterDescription, ifDescription, mergeDescription, noOpDescription, splitInBatchesDescription, stopAndErrorDescription, switchDescription, waitDescription } from './flow';
import { executeWorkflowTriggerDescription, manualTriggerDescription, scheduleTriggerDescription, webhookDescription } from './triggers';
import type { NodeDescription } from './types';
import { WHOOSH_DESCRIPTIONS } from './whoosh';

export * from './types';

const ALL: readonly NodeDescription[] = [
  manualTriggerDescription,
  scheduleTriggerDescription,
  webhookDescription,
  executeWorkflowTriggerDescription,
  ifDescription,
  filterDescription,
  switchDescription,
  mergeDescription,
  splitInBatchesDescription,
  waitDescription,
  stopAndErrorDescription,
  noOpDescription,
  executeWorkflowDescription,
  setDescription,
  splitOutDescription,
  aggregateDescription,
  summarizeDescription,
  sortDescription,
  limitDescription,
  removeDuplicatesDescription,
  renameKeysDescription,
  itemListsDescription,
  dateTimeDescription,
  cryptoDescription,
  codeDescription,
  httpRequestDescription,
  respondToWebhookDescription,
  ...WHOOSH_DESCRIPTIONS,
];

const byType = new Map(ALL.map((d) => [d.type, d]));

/** The description of a node type, if it has one of its own. */
export const describedType = (type: string): NodeDescription | undefined => byType.get(type);

export const nodeDescriptions = (): readonly NodeDescription[] => ALL;

/** What a catalog entry adds to the description: what the engine runs. */
export interface NodeTypeEntry extends NodeDescription {
  readonly versions: readonly number[];
  readonly kind: NodeKind;
  /** True when the type has no description of its own and its parameters are edited as JSON. */
  readonly generic: boolean;
}

const GROUP_OF_PREFIX: [RegExp, NodeDescription['group']][] = [[/^whoosh\./, 'whoosh']];

/** A description for a type that has none: its parameters as one JSON field each, from the registry's list. */
function genericDescription(type: string, kind: NodeKind, parameters: readonly string[], inputs: number, outputs: number): NodeDescription {
  const short = type.replace(/^.*\./, '');
  const displayName = short.charAt(0).toUpperCase() + short.slice(1).replace(/([a-z])([A-Z])/g, '$1 $2');
  return {
    type,
    displayName,
    group: GROUP_OF_PREFIX.find(([re]) => re.test(type))?.[1] ?? (kind === 'trigger' ? 'triggers' : 'data'),
    description: `${displayName} (parameters edited as JSON)`,
    defaultName: displayName,
    inputs: Array.from({ length: inputs }, () => ''),
    outputs: Array.from({ length: outputs }, () => ''),
    parameters: parameters.map((name) => ({ name, displayName: name, type: 'json' as const })),
  };
}

/** Every node type the engine runs, with its description, for the editor. */
export function nodeCatalog(): NodeTypeEntry[] {
  return nodeTypes().map((t) => {
    const probe = { name: 'probe', type: t.type, typeVersion: t.versions[t.versions.length - 1]!, parameters: {} };
    const own = byType.get(t.type);
    const d = own ?? genericDescription(t.type, t.kind, t.parameters, t.inputs(probe), t.outputs(probe));
    return { ...d, versions: t.versions, kind: t.kind, generic: own === undefined };
  });
}
