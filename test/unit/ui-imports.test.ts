/**
 * The dashboard's import boundary (docs/architecture.md), for the .svelte files
 * that eslint does not parse: a component imports its own code, libraries,
 * and from domain/ only types and the plain lists of statuses and kinds —
 * never server code. (eslint holds the same rule for ui/src/**\/*.ts.)
 */
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');
const UI = path.join(ROOT, 'ui/src');
const DOMAIN = path.join(ROOT, 'domain');
const VALUE_IMPORTS_ALLOWED = ['statuses', 'kinds'].map((m) => path.join(DOMAIN, m));

const files = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(path.join(dir, e.name)) : e.name.endsWith('.svelte') ? [path.join(dir, e.name)] : []));

interface Import {
  readonly file: string;
  readonly spec: string;
  readonly typeOnly: boolean;
}

/** Static imports of a component's scripts: `import [type] … from '…'` and bare `import '…'`. */
function importsOf(file: string): Import[] {
  const scripts = [...readFileSync(file, 'utf8').matchAll(/<script[^>]*>([\s\S]*?)<\/script>/g)].map((m) => m[1]!).join('\n');
  return [...scripts.matchAll(/^\s*import\s+(type\s+)?(?:[\s\S]*?\sfrom\s+)?['"]([^'"]+)['"]/gm)].map((m) => ({ file, spec: m[2]!, typeOnly: Boolean(m[1]) }));
}

/** Why an import crosses the boundary, or undefined when it does not. */
export function violation(i: Import): string | undefined {
  if (!i.spec.startsWith('.')) return undefined; // a library
  const target = path.resolve(path.dirname(i.file), i.spec);
  if (target.startsWith(UI + path.sep)) return undefined;
  if (target.startsWith(DOMAIN + path.sep)) {
    if (i.typeOnly || VALUE_IMPORTS_ALLOWED.includes(target)) return undefined;
    return 'imports code from domain/ (only types, statuses and kinds)';
  }
  return 'imports server code';
}

test('every .svelte file keeps to the dashboard’s import boundary', () => {
  const all = files(UI).flatMap(importsOf);
  expect(all.length).toBeGreaterThan(50);
  const bad = all.flatMap((i) => {
    const why = violation(i);
    return why ? [`${path.relative(ROOT, i.file)}: '${i.spec}' ${why}`] : [];
  });
  expect(bad).toEqual([]);
});

test('the check itself refuses server code and domain code, and lets types through', () => {
  const file = path.join(UI, 'views/x.svelte');
  expect(violation({ file, spec: '../../../api/auth', typeOnly: false })).toBe('imports server code');
  expect(violation({ file, spec: '../../../domain/pipeline/engine', typeOnly: false })).toMatch(/only types/);
  expect(violation({ file, spec: '../../../domain/wire/timeline', typeOnly: true })).toBeUndefined();
  expect(violation({ file, spec: '../../../domain/statuses', typeOnly: false })).toBeUndefined();
  expect(violation({ file, spec: '../lib/api', typeOnly: false })).toBeUndefined();
  expect(violation({ file, spec: 'svelte', typeOnly: false })).toBeUndefined();
});
