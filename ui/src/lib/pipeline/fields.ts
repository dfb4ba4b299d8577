/**
 * Helpers of the generated parameter panel, pure: which fields show for the
 * current values (n8n's displayOptions.show), the value a field starts with,
 * and new entries of assignments and conditions as n8n writes them.
 */
import type { ParameterField } from './types';

export function isShown(field: ParameterField, values: Readonly<Record<string, unknown>>, siblings: readonly ParameterField[]): boolean {
  if (field.legacy && !(field.name in values)) return false;
  if (!field.show) return true;
  return Object.entries(field.show).every(([key, allowed]) => {
    const sibling = siblings.find((s) => s.name === key);
    const value = key in values ? values[key] : sibling?.default;
    // A controlling sibling that is itself hidden hides this one too.
    if (sibling && !isShown(sibling, values, siblings)) return false;
    return allowed.some((a) => a === value);
  });
}

export const initialValue = (field: ParameterField): unknown => {
  if (field.default !== undefined) return structuredClone(field.default);
  switch (field.type) {
    case 'number':
      return 0;
    case 'boolean':
      return false;
    case 'options':
      return field.options?.[0]?.value ?? '';
    case 'collection':
    case 'fixedCollection':
      return {};
    case 'multiOptions':
      return [];
    case 'assignments':
      return { assignments: [] };
    default:
      return '';
  }
};

const id = () => globalThis.crypto.randomUUID();

export const newAssignment = () => ({ id: id(), name: '', value: '', type: 'string' });

export const newCondition = () => ({ id: id(), leftValue: '', rightValue: '', operator: { type: 'string', operation: 'equals' } });

/** The operators the engine's conditions understand, by type (unary ones take no right value). */
export const OPERATORS: Readonly<Record<string, readonly string[]>> = {
  string: ['equals', 'notEquals', 'contains', 'notContains', 'startsWith', 'notStartsWith', 'endsWith', 'notEndsWith', 'regex', 'notRegex', 'exists', 'notExists', 'empty', 'notEmpty'],
  number: ['equals', 'notEquals', 'gt', 'lt', 'gte', 'lte', 'exists', 'notExists', 'empty', 'notEmpty'],
  boolean: ['true', 'false', 'equals', 'notEquals', 'exists', 'notExists', 'empty', 'notEmpty'],
  dateTime: ['equals', 'notEquals', 'after', 'before', 'afterOrEquals', 'beforeOrEquals', 'exists', 'notExists', 'empty', 'notEmpty'],
  array: ['contains', 'notContains', 'lengthEquals', 'lengthNotEquals', 'lengthGt', 'lengthLt', 'lengthGte', 'lengthLte', 'exists', 'notExists', 'empty', 'notEmpty'],
  object: ['exists', 'notExists', 'empty', 'notEmpty'],
};

const UNARY = new Set(['exists', 'notExists', 'empty', 'notEmpty', 'true', 'false']);
export const isUnary = (operation: string): boolean => UNARY.has(operation);
