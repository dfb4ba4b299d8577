/**
 * A syntax check of n8n expressions before a pipeline is saved: a parameter
 * string starting with "=" is a template whose `{{ … }}` parts are JavaScript.
 * It finds what would fail every run — an unclosed `{{`, an empty `{{ }}`,
 * unbalanced brackets or an unterminated string inside — without evaluating
 * anything (the sandbox does that at run time).
 */

/** The first syntax problem of an expression template ("=…"), or undefined. */
export function expressionSyntaxProblem(template: string): string | undefined {
  if (!template.startsWith('=')) return undefined;
  const text = template.slice(1);
  let i = 0;
  while (i < text.length) {
    const open = text.indexOf('{{', i);
    if (open < 0) return undefined;
    const end = scanCode(text, open + 2);
    if (typeof end === 'string') return end;
    const code = text.slice(open + 2, end).trim();
    if (code === '') return `empty expression "{{ }}" at position ${open + 1}`;
    i = end + 2;
  }
  return undefined;
}

const CLOSER: Record<string, string> = { '(': ')', '[': ']', '{': '}' };

/** From `start` (after "{{"): the index of the closing "}}", or what is wrong. */
function scanCode(text: string, start: number): number | string {
  const stack: string[] = [];
  let i = start;
  while (i < text.length) {
    const c = text[i]!;
    if (c === '"' || c === "'" || c === '`') {
      const close = skipString(text, i);
      if (close < 0) return `unterminated string in the expression at position ${start - 1}`;
      i = close + 1;
      continue;
    }
    if (c === '}' && text[i + 1] === '}' && stack.at(-1) !== '}') return stack.length === 0 ? i : unclosed(stack, start);
    if (c in CLOSER) stack.push(CLOSER[c]!);
    else if (c === ')' || c === ']' || c === '}') {
      const want = stack.pop();
      if (want !== c) return `unbalanced "${c}" in the expression at position ${start - 1}`;
    }
    i++;
  }
  return stack.length > 0 ? unclosed(stack, start) : `"{{" at position ${start - 1} is never closed with "}}"`;
}

function unclosed(stack: string[], start: number): string {
  const open = Object.keys(CLOSER).find((k) => CLOSER[k] === stack.at(-1))!;
  return `unclosed "${open}" in the expression at position ${start - 1}`;
}

/** The index of the quote that ends the string opened at `from`, or -1. */
function skipString(text: string, from: number): number {
  const quote = text[from];
  for (let i = from + 1; i < text.length; i++) {
    if (text[i] === '\\') i++;
    else if (text[i] === quote) return i;
  }
  return -1;
}

/** Every expression problem in a node's parameters, with where it is ("options.url"). */
export function parameterExpressionProblems(parameters: unknown, path = ''): { parameter: string; message: string }[] {
  if (typeof parameters === 'string') {
    const problem = expressionSyntaxProblem(parameters);
    return problem ? [{ parameter: path, message: problem }] : [];
  }
  if (parameters === null || typeof parameters !== 'object') return [];
  const array = Array.isArray(parameters);
  return Object.entries(parameters).flatMap(([k, v]) => parameterExpressionProblems(v, array ? `${path}[${k}]` : path ? `${path}.${k}` : k));
}
