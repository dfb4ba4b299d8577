/**
 * The condition evaluator IF 2.x, Filter 2.x and Switch 3.x share (n8n's
 * "filter" parameter): and/or of conditions, each an operator of a type
 * (string, number, boolean, dateTime, array, object, any) applied to resolved
 * left and right values, with strict or loose type validation and case
 * sensitivity. Errors carry n8n's messages ("Wrong type: ... [condition 0, item 2]").
 */
import { type DateTime } from 'luxon';
import { NodeOperationError } from '../errors';
import type { NodeExecution, NodeType } from '../node-type';
import type { Item } from '../types';
import { validateFieldType, type FieldType } from '../values';

export interface Condition {
  leftValue?: unknown;
  rightValue?: unknown;
  operator: { type: string; operation: string; rightType?: string; singleValue?: boolean };
}

export interface FilterValue {
  options?: { caseSensitive?: boolean; typeValidation?: 'strict' | 'loose'; leftValue?: string; version?: number };
  conditions?: Condition[];
  combinator?: 'and' | 'or';
}

export class FilterError extends NodeOperationError {}

const typeHint = (strict: boolean) =>
  strict ? "Try changing the type of comparison. Alternatively you can enable 'Convert types where required'." : 'Try changing the type of the comparison.';

const article = (noun: string) => `${'aeiou'.includes(noun.charAt(0)) ? 'an' : 'a'} ${noun}`;

/** One side of a condition, parsed to the operator's type (n8n's parseSingleFilterValue, filter versions 1–3). */
function parse(value: unknown, type: string, strict: boolean, version: number, zone: string): { valid: boolean; value: unknown } {
  if (type === 'any' || value === null || value === undefined) return { valid: true, value };
  if (type === 'boolean' && !strict) {
    if (version >= 2) {
      const result = validateFieldType('filter', value, 'boolean');
      if (result.valid) return { valid: true, value: result.value };
    }
    return { valid: true, value: Boolean(value) };
  }
  if (type === 'number') {
    if (typeof value === 'number' && Number.isNaN(value)) return { valid: true, value };
    // Number('') and Number([]) are 0, which nobody means: from filter version 3 they are empty.
    if (version >= 3 && ((typeof value === 'string' && value.trim() === '') || (Array.isArray(value) && value.length === 0))) return { valid: true, value: null };
  }
  const result = validateFieldType('filter', value, type as FieldType, { strict, parseStrings: true, zone });
  return result.valid ? { valid: true, value: result.value } : { valid: false, value };
}

function regex(pattern: string): RegExp {
  const m = (pattern || '').match(/^\/(.*?)\/([gimusy]*)$/);
  return m ? new RegExp(m[1]!, m[2]) : new RegExp(String(pattern || ''));
}

export function evaluateCondition(c: Condition, opts: { caseSensitive: boolean; strict: boolean; version: number; index: number; itemIndex: number; zone: string }): boolean {
  const { operator } = c;
  const rightType = operator.rightType ?? operator.type;
  const left = parse(c.leftValue, operator.type, opts.strict, opts.version, opts.zone);
  const right = parse(c.rightValue, rightType, opts.strict, opts.version, opts.zone);
  const suffix = `[condition ${opts.index}, item ${opts.itemIndex}]`;
  const invalid = (type: string, value: unknown) => {
    const from = (typeof value).toLocaleLowerCase();
    const message = opts.strict
      ? `Wrong type: '${String(value)}' is ${article(from)} but was expecting ${article(type)} ${suffix}`
      : `Conversion error: the ${from} '${String(value)}' can't be converted to ${article(type)} ${suffix}`;
    return new FilterError(message, typeHint(opts.strict), opts.itemIndex);
  };
  const rightValid = right.valid || operator.singleValue === true;
  if (!left.valid && !rightValid && typeof c.leftValue === typeof c.rightValue) {
    throw new FilterError(`Comparison type expects ${article(operator.type)} but both fields are ${article(typeof c.leftValue)}`, typeHint(opts.strict), opts.itemIndex);
  }
  if (!left.valid) throw invalid(operator.type, c.leftValue);
  if (!rightValid) throw invalid(rightType, c.rightValue);
  let l = left.valid ? left.value : undefined;
  let r = right.valid ? right.value : undefined;
  const exists = l !== undefined && l !== null && !(typeof l === 'number' && Number.isNaN(l));
  if (operator.operation === 'exists') return exists;
  if (operator.operation === 'notExists') return !exists;
  const ignoreCase = !opts.caseSensitive;
  switch (operator.type) {
    case 'string': {
      if (ignoreCase) {
        if (typeof l === 'string') l = l.toLocaleLowerCase();
        if (typeof r === 'string' && operator.operation !== 'regex' && operator.operation !== 'notRegex') r = r.toLocaleLowerCase();
      }
      const a = (l ?? '') as string;
      const b = (r ?? '') as string;
      switch (operator.operation) {
        case 'empty': return a.length === 0;
        case 'notEmpty': return a.length !== 0;
        case 'equals': return a === b;
        case 'notEquals': return a !== b;
        case 'contains': return a.includes(b);
        case 'notContains': return !a.includes(b);
        case 'startsWith': return a.startsWith(b);
        case 'notStartsWith': return !a.startsWith(b);
        case 'endsWith': return a.endsWith(b);
        case 'notEndsWith': return !a.endsWith(b);
        case 'regex': return regex(b).test(a);
        case 'notRegex': return !regex(b).test(a);
      }
      break;
    }
    case 'number': {
      const a = l as number;
      const b = r as number;
      switch (operator.operation) {
        case 'empty': return !exists;
        case 'notEmpty': return exists;
        case 'equals': return a === b;
        case 'notEquals': return a !== b;
        case 'gt': return a > b;
        case 'lt': return a < b;
        case 'gte': return a >= b;
        case 'lte': return a <= b;
      }
      break;
    }
    case 'dateTime': {
      if (operator.operation === 'empty') return !exists;
      if (operator.operation === 'notEmpty') return exists;
      if (!l || !r) return false;
      const a = (l as DateTime).toMillis();
      const b = (r as DateTime).toMillis();
      switch (operator.operation) {
        case 'equals': return a === b;
        case 'notEquals': return a !== b;
        case 'after': return a > b;
        case 'before': return a < b;
        case 'afterOrEquals': return a >= b;
        case 'beforeOrEquals': return a <= b;
      }
      break;
    }
    case 'boolean': {
      switch (operator.operation) {
        case 'empty': return !exists;
        case 'notEmpty': return exists;
        case 'true': return l as boolean;
        case 'false': return !l;
        case 'equals': return l === r;
        case 'notEquals': return l !== r;
      }
      break;
    }
    case 'array': {
      const a = (l ?? []) as unknown[];
      const contains = () =>
        ignoreCase && typeof r === 'string' ? a.some((x) => typeof x === 'string' && x.toLocaleLowerCase() === (r as string).toLocaleLowerCase()) : a.includes(r);
      switch (operator.operation) {
        case 'contains': return contains();
        case 'notContains': return !contains();
        case 'lengthEquals': return a.length === r;
        case 'lengthNotEquals': return a.length !== r;
        case 'lengthGt': return a.length > (r as number);
        case 'lengthLt': return a.length < (r as number);
        case 'lengthGte': return a.length >= (r as number);
        case 'lengthLte': return a.length <= (r as number);
        case 'empty': return a.length === 0;
        case 'notEmpty': return a.length !== 0;
      }
      break;
    }
    case 'object': {
      switch (operator.operation) {
        case 'empty': return !l || Object.keys(l as object).length === 0;
        case 'notEmpty': return !!l && Object.keys(l as object).length !== 0;
      }
      break;
    }
  }
  throw new NodeOperationError(`Unknown filter operator "${operator.type}:${operator.operation}"`);
}

const OPERATIONS: Record<string, string[]> = {
  string: ['exists', 'notExists', 'empty', 'notEmpty', 'equals', 'notEquals', 'contains', 'notContains', 'startsWith', 'notStartsWith', 'endsWith', 'notEndsWith', 'regex', 'notRegex'],
  number: ['exists', 'notExists', 'empty', 'notEmpty', 'equals', 'notEquals', 'gt', 'lt', 'gte', 'lte'],
  dateTime: ['exists', 'notExists', 'empty', 'notEmpty', 'equals', 'notEquals', 'after', 'before', 'afterOrEquals', 'beforeOrEquals'],
  boolean: ['exists', 'notExists', 'empty', 'notEmpty', 'true', 'false', 'equals', 'notEquals'],
  array: ['exists', 'notExists', 'empty', 'notEmpty', 'contains', 'notContains', 'lengthEquals', 'lengthNotEquals', 'lengthGt', 'lengthLt', 'lengthGte', 'lengthLte'],
  object: ['exists', 'notExists', 'empty', 'notEmpty'],
  any: ['exists', 'notExists'],
};

/** Problems with a filter parameter's operators, for validation before the run. */
export function checkFilter(value: unknown, where: string): string[] {
  const f = value as FilterValue | undefined;
  const problems: string[] = [];
  (f?.conditions ?? []).forEach((c, i) => {
    const ops = OPERATIONS[c.operator?.type ?? ''];
    if (!ops || !ops.includes(c.operator?.operation ?? '')) {
      problems.push(`parameter "${where}" condition ${i} has an unsupported operator "${c.operator?.type}:${c.operator?.operation}"`);
    }
  });
  if (f?.combinator !== undefined && f.combinator !== 'and' && f.combinator !== 'or') problems.push(`parameter "${where}" has an unknown combinator "${String(f.combinator)}"`);
  return problems;
}

/**
 * Evaluate the filter parameter at `path` for one item. As in n8n, the options
 * stored with the conditions decide (the editor writes the node's "ignore case"
 * and "convert types" settings into them): typeValidation "strict" or not,
 * caseSensitive (missing means case-insensitive), version.
 */
export function passes(ex: NodeExecution, path: string, itemIndex: number): boolean {
  const filter = ex.param<FilterValue>(path, itemIndex, {});
  const opts = {
    caseSensitive: filter.options?.caseSensitive === true,
    strict: filter.options?.typeValidation === 'strict',
    version: Number(filter.options?.version ?? 1),
    itemIndex,
    zone: ex.host.timezone,
  };
  const conditions = filter.conditions ?? [];
  const check = (c: Condition, index: number) => evaluateCondition(c, { ...opts, index });
  return (filter.combinator ?? 'and') === 'or' ? conditions.some(check) : conditions.every(check);
}

const conditionParams = ['conditions', 'looseTypeValidation', 'options'];

export const ifNode: NodeType = {
  type: 'n8n-nodes-base.if',
  versions: [2, 2.1, 2.2, 2.3],
  kind: 'pure',
  inputs: () => 1,
  outputs: () => 2,
  parameters: conditionParams,
  check: (node) => checkFilter(node.parameters?.conditions, 'conditions'),
  execute(ex) {
    const yes: Item[] = [];
    const no: Item[] = [];
    ex.items.forEach((item, i) => {
      try {
        (passes(ex, 'conditions', i) ? yes : no).push(item);
      } catch (error) {
        if (!ex.continueOnFail) throw error;
        no.push(item);
      }
    });
    return [yes, no];
  },
};

export const filter: NodeType = {
  type: 'n8n-nodes-base.filter',
  versions: [2, 2.1, 2.2, 2.3],
  kind: 'pure',
  inputs: () => 1,
  outputs: () => 1,
  parameters: conditionParams,
  check: (node) => checkFilter(node.parameters?.conditions, 'conditions'),
  execute(ex) {
    const kept: Item[] = [];
    const discarded: Item[] = [];
    ex.items.forEach((item, i) => {
      try {
        (passes(ex, 'conditions', i) ? kept : discarded).push(item);
      } catch (error) {
        if (!ex.continueOnFail) throw error;
        discarded.push(item);
      }
    });
    return [kept, discarded];
  },
};

interface Rule {
  conditions?: FilterValue;
  renameOutput?: boolean;
  outputKey?: string;
}

function switchOutputs(node: { parameters?: Record<string, unknown> }): number {
  const p = node.parameters ?? {};
  if (p.mode === 'expression') return Number(p.numberOutputs ?? 4);
  const rules = ((p.rules as { values?: Rule[] } | undefined)?.values ?? []).length;
  const fallback = (p.options as { fallbackOutput?: unknown } | undefined)?.fallbackOutput;
  return rules + (fallback === 'extra' ? 1 : 0);
}

export const switchNode: NodeType = {
  type: 'n8n-nodes-base.switch',
  versions: [3, 3.1, 3.2, 3.3, 3.4],
  kind: 'pure',
  inputs: () => 1,
  outputs: switchOutputs,
  parameters: ['mode', 'rules', 'numberOutputs', 'output', 'looseTypeValidation', 'options'],
  check(node) {
    const rules = ((node.parameters?.rules as { values?: Rule[] } | undefined)?.values ?? []);
    const mode = node.parameters?.mode ?? 'rules';
    const problems = mode === 'rules' || mode === 'expression' ? [] : [`parameter "mode" has an unsupported value "${String(mode)}"`];
    rules.forEach((r, i) => problems.push(...checkFilter(r.conditions, `rules.values[${i}].conditions`)));
    return problems;
  },
  execute(ex) {
    const count = switchOutputs(ex.node);
    const out: Item[][] = Array.from({ length: count }, () => []);
    const mode = ex.parameters.mode ?? 'rules';
    ex.items.forEach((item, i) => {
      try {
        if (mode === 'expression') {
          const index = Number(ex.param('output', i, 0));
          if (!(index >= 0 && index < count)) throw new NodeOperationError(`The ouput ${index} is not allowed. It has to be between 0 and ${count - 1}!`, undefined, i);
          out[index]!.push(item);
          return;
        }
        const rules = ((ex.parameters.rules as { values?: Rule[] } | undefined)?.values ?? []);
        if (rules.length === 0) return;
        const options = ex.param<Record<string, unknown>>('options', i, {});
        let matched = false;
        for (let r = 0; r < rules.length; r++) {
          if (passes(ex, `rules.values.${r}.conditions`, i)) {
            matched = true;
            out[r]!.push(item);
            if (!options.allMatchingOutputs) break;
          }
        }
        const fallback = options.fallbackOutput;
        if (!matched && fallback !== undefined && fallback !== 'none') {
          if (fallback === 'extra') out[count - 1]!.push(item);
          else out[Number(fallback)]?.push(item);
        }
      } catch (error) {
        if (!ex.continueOnFail) throw error;
        out[0]!.push({ json: { error: (error as Error).message }, pairedItem: { item: i } });
      }
    });
    return out;
  },
};
