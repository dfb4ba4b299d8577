/**
 * How the CLI answers: aligned tables for people, the API's JSON for scripts
 * (`--json`), and exit codes with one meaning each.
 */
export const EXIT = { ok: 0, failedRun: 1, usage: 2, unreachable: 3 } as const;

/** An error the CLI reports in one line and exits with `code`. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly code: number,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

export interface Out {
  readonly json: boolean;
  /** `value` as JSON with --json, else what `human` renders. */
  print(value: unknown, human: () => string): void;
  line(text: string): void;
}

export function createOut(json: boolean, write: (s: string) => void = (s) => void process.stdout.write(s)): Out {
  return {
    json,
    print: (value, human) => write(json ? `${JSON.stringify(value, null, 2)}\n` : `${human()}\n`),
    line: (text) => write(`${text}\n`),
  };
}

type Cell = string | number | boolean | null | undefined;

/** Columns padded to their widest cell; an empty list says so. */
export function table(headers: string[], rows: Cell[][], empty = '(none)'): string {
  if (rows.length === 0) return empty;
  const cells = [headers, ...rows.map((r) => r.map((c) => (c === null || c === undefined ? '-' : String(c))))];
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  return cells.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  ')).join('\n');
}

/** Label/value pairs, one per line. */
export function fields(pairs: [string, Cell][]): string {
  const width = Math.max(...pairs.map(([k]) => k.length));
  return pairs.map(([k, v]) => `${`${k}:`.padEnd(width + 1)} ${v === null || v === undefined || v === '' ? '-' : String(v)}`).join('\n');
}

export const ago = (iso: string | null | undefined): string => (iso ? iso.replace('T', ' ').replace(/\.\d+Z$/, 'Z') : '-');
