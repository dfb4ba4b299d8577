/**
 * Fixed values and expressions in parameters, as n8n stores them: an
 * expression is a string starting with "=" (`={{ $json.x }}`, or text with
 * `{{ }}` parts). Switching a field to an expression keeps what it held.
 */
export const isExpression = (value: unknown): value is string => typeof value === 'string' && value.startsWith('=');

export function toExpression(value: unknown): string {
  if (isExpression(value)) return value;
  if (value === undefined || value === null || value === '') return '=';
  if (typeof value === 'string') return `=${value}`;
  return `={{ ${JSON.stringify(value)} }}`;
}

/** Back to a fixed value: a lone `{{ literal }}` becomes that literal, other text loses its "=". */
export function toFixed(value: string): unknown {
  const body = value.slice(1);
  const lone = /^\{\{\s*([\s\S]*?)\s*\}\}$/.exec(body);
  if (lone) {
    try {
      return JSON.parse(lone[1]!);
    } catch {
      return body;
    }
  }
  return body;
}
