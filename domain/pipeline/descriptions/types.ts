/**
 * What the editor and the engine know about a node type besides its code: its
 * name on the canvas, its palette group, the labels of its inputs and outputs,
 * and its parameters as typed fields. One description per node type; the
 * registry's `parameters` lists must name exactly the top-level fields here
 * (a unit test holds them together), and the editor draws its parameter panel
 * from the same fields. Plain JSON, so the API can serve it as it is.
 */

export type NodeGroup = 'triggers' | 'flow' | 'data' | 'code' | 'whoosh' | 'http';

export const NODE_GROUPS: readonly NodeGroup[] = ['triggers', 'flow', 'data', 'code', 'whoosh', 'http'];

export type FieldType =
  | 'string'
  | 'number'
  | 'boolean'
  | 'options'
  /** A list of values picked from `options` (n8n's multiOptions). */
  | 'multiOptions'
  | 'collection'
  | 'fixedCollection'
  | 'assignments'
  | 'conditions'
  | 'json'
  | 'code'
  /** Text shown in the panel, no value (n8n's "notice"); kept so documents that carry one stay valid. */
  | 'notice';

export type Scalar = string | number | boolean;

export interface FieldOption {
  readonly name: string;
  readonly value: Scalar;
  readonly description?: string;
}

/** A fixedCollection's named group of fields (e.g. Switch's `rules.values`). */
export interface FieldGroup {
  readonly name: string;
  readonly displayName: string;
  readonly fields: readonly ParameterField[];
}

export interface ParameterField {
  readonly name: string;
  readonly displayName: string;
  readonly type: FieldType;
  readonly default?: unknown;
  readonly description?: string;
  readonly placeholder?: string;
  /** string: shown as a text area of this many rows (n8n's typeOptions.rows). */
  readonly rows?: number;
  /** options, multiOptions: the choices. */
  readonly options?: readonly FieldOption[];
  /** collection: the optional sub-fields a user adds one by one. */
  readonly fields?: readonly ParameterField[];
  /** fixedCollection: its groups; `multiple` when a group is a list of entries. */
  readonly groups?: readonly FieldGroup[];
  readonly multiple?: boolean;
  /** code: the language of the editor. */
  readonly language?: 'javascript' | 'python' | 'json';
  /** Shown only when the named sibling parameters have one of these values. */
  readonly show?: Readonly<Record<string, readonly Scalar[]>>;
  readonly required?: boolean;
  /** Kept for documents of older type versions: the panel shows it only when the node has it. */
  readonly legacy?: boolean;
}

/**
 * Outputs whose number depends on the node's parameters: `switch` (one per
 * rule, named by its output key, plus the fallback "extra" output, or
 * `numberOutputs` in expression mode); `numberInputs` for Merge's inputs.
 */
export type DynamicPorts = 'switch' | 'numberInputs';

export interface NodeDescription {
  readonly type: string;
  readonly displayName: string;
  readonly group: NodeGroup;
  readonly description: string;
  /** The name a new node of this type gets (made unique by the editor). */
  readonly defaultName: string;
  /** Labels of the main inputs (empty for triggers). */
  readonly inputs: readonly string[];
  readonly dynamicInputs?: DynamicPorts;
  /** Labels of the main outputs ('' when a single output has no name). An error output is added when onError is continueErrorOutput. */
  readonly outputs: readonly string[];
  readonly dynamicOutputs?: DynamicPorts;
  readonly parameters: readonly ParameterField[];
  /** Credential types the node can use (n8n's `credentials` key on the node). */
  readonly credentials?: readonly string[];
}

// ---------------------------------------------------------------- field builders

type Extra = Omit<ParameterField, 'name' | 'displayName' | 'type'>;

const field = (type: FieldType) => (name: string, displayName: string, extra: Extra = {}): ParameterField => ({ name, displayName, type, ...extra });

export const str = field('string');
export const num = field('number');
export const bool = field('boolean');
export const json = field('json');
export const notice = (name: string, text: string, extra: Extra = {}): ParameterField => ({ name, displayName: text, type: 'notice', ...extra });
export const assignments = field('assignments');
export const conditions = field('conditions');

export const options = (name: string, displayName: string, choices: readonly (string | FieldOption)[], extra: Extra = {}): ParameterField => ({
  name,
  displayName,
  type: 'options',
  options: choices.map((c) => (typeof c === 'string' ? { name: c, value: c } : c)),
  default: extra.default ?? (typeof choices[0] === 'string' ? choices[0] : choices[0]?.value),
  ...extra,
});

export const multiOptions = (name: string, displayName: string, choices: readonly (string | FieldOption)[], extra: Extra = {}): ParameterField => ({
  name,
  displayName,
  type: 'multiOptions',
  options: choices.map((c) => (typeof c === 'string' ? { name: c, value: c } : c)),
  default: [],
  ...extra,
});

export const collection = (name: string, displayName: string, fields: readonly ParameterField[], extra: Extra = {}): ParameterField => ({
  name,
  displayName,
  type: 'collection',
  fields,
  default: {},
  ...extra,
});

export const fixedCollection = (name: string, displayName: string, groups: readonly FieldGroup[], extra: Extra = {}): ParameterField => ({
  name,
  displayName,
  type: 'fixedCollection',
  groups,
  default: {},
  ...extra,
});

export const code = (name: string, displayName: string, language: 'javascript' | 'python' | 'json', extra: Extra = {}): ParameterField => ({
  name,
  displayName,
  type: 'code',
  language,
  ...extra,
});

/** The top-level parameter names of a description. */
export const parameterNames = (d: NodeDescription): string[] => d.parameters.map((p) => p.name);
