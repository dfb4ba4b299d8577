/**
 * Reading what the sandbox answers. Values and errors come out as JSON text
 * (never a QuickJS object), read here without own "__proto__" keys; errors are
 * reworded as V8 and n8n word them, and a Code node's error gets n8n's
 * "[line N]" / "[line N, for item i]" form.
 */
import { CodeError, ExpressionError } from './sandbox-errors';

/** An error as the sandbox runtime reports it (js/runtime.js). */
export interface SandboxError {
  readonly name: string;
  readonly message: string;
  readonly description?: string;
  readonly stack?: string;
  readonly validation?: boolean;
  readonly itemIndex?: number;
}

export type CodeMode = 'runOnceForAllItems' | 'runOnceForEachItem';

type Decoded = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly error: SandboxError };

/** Own "__proto__" keys are dropped: a later Object.assign/spread on the host would turn them into a prototype. */
const dropProtoKeys = (key: string, value: unknown) => (key === '__proto__' ? undefined : value);

/** The sandbox's answers are JSON; anything else means user code broke the runtime inside the sandbox. */
export function readJson(json: string): unknown {
  try {
    return JSON.parse(json, dropProtoKeys);
  } catch {
    throw new ExpressionError('The sandbox returned an unreadable result', 'User code changed the sandbox so that it could not report its result.');
  }
}

export function decodeValue(json: string): Decoded {
  const r = readJson(json) as { v?: unknown; t?: string; error?: SandboxError };
  if (r.error) return { ok: false, error: r.error };
  if (r.t === 'u') return { ok: true, value: undefined };
  if (r.t === 'n') return { ok: true, value: Number((r as { v: string }).v) };
  return { ok: true, value: r.v };
}

/** QuickJS's wording of common errors, as V8 (and so n8n) words them. */
const V8_WORDING: [RegExp, string][] = [
  [/^cannot read property '(.*)' of (undefined|null)$/, "Cannot read properties of $2 (reading '$1')"],
  [/^cannot set property '(.*)' of (undefined|null)$/, "Cannot set properties of $2 (setting '$1')"],
  [/^'(.*)' is not defined$/, '$1 is not defined'],
  [/^invalid string length$/, 'Invalid string length'],
  [/^invalid array length$/, 'Invalid array length'],
];
export function v8Wording(message: string): string {
  for (const [pattern, replacement] of V8_WORDING) if (pattern.test(message)) return message.replace(pattern, replacement);
  return message;
}

const ERROR_LINE = /user-code:(\d+)(?::\d+)?\)?/;

/** The line in the user's code an error was thrown from, if its stack names one. */
function userLine(stack: string | undefined): number | undefined {
  const m = stack ? ERROR_LINE.exec(stack) : null;
  return m ? Number(m[1]) : undefined;
}

/** n8n's form: "<message> [line N]" / "[line N, for item i]". */
export function codeErrorOf(err: SandboxError, mode: CodeMode, itemIndex: number | undefined, lines: string[] = []): CodeError {
  const index = mode === 'runOnceForEachItem' ? itemIndex : undefined;
  if (err.name === 'CodeError' || err.validation) {
    const suffix = index !== undefined && !/\[item \d+\]$/.test(err.message) ? ` [item ${index}]` : '';
    return new CodeError(err.message + suffix, err.description, index, lines);
  }
  const line = userLine(err.stack);
  const message = err.name === 'SyntaxError' ? `SyntaxError: ${err.message}` : v8Wording(err.message);
  const where =
    mode === 'runOnceForEachItem' && itemIndex !== undefined
      ? line !== undefined
        ? ` [line ${line}, for item ${itemIndex}]`
        : ` [item ${itemIndex}]`
      : line !== undefined
        ? ` [line ${line}]`
        : '';
  return new CodeError(message + where, err.description, index, lines);
}
