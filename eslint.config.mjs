// Lint rules that hold the house style (../shared/STYLE.md) where a linter can:
// no floating promises anywhere, and the import boundaries of docs/architecture.md:
// workflows/ imports @temporalio/workflow, domain/ and types only; domain/ imports
// nothing with I/O; the dashboard imports nothing of the server but shared types.
import js from '@eslint/js';
import { builtinModules } from 'node:module';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const nodeBuiltins = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)];

export default tseslint.config(
  { ignores: ['node_modules/', 'ui/dist/', 'ui/*.ts', 'data/', 'data-demo/', '.tools/', 'test-results/', 'coverage/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: {
      globals: globals.node,
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false } }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': ['error', { allow: ['warn', 'error'] }],
      // Input validation matches control characters (NUL, C0/C1) on purpose.
      'no-control-regex': 'off',
    },
  },
  {
    files: ['workflows/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: nodeBuiltins.map((name) => ({ name, message: 'Workflow code must be deterministic: no Node built-ins in workflows/.' })),
          patterns: [
            {
              regex: '^(?!\\.|@temporalio/workflow$)',
              message: 'workflows/ imports @temporalio/workflow, domain/ and types only (docs/architecture.md).',
            },
            {
              group: ['**/activities', '**/activities/**', '**/api/**', '**/infra/**', '**/workers/**', '**/simulators/**'],
              allowTypeImports: true,
              message: 'Import activities (and anything else that does I/O) as types only; call activities through proxyActivities.',
            },
          ],
        },
      ],
      'no-restricted-globals': [
        'error',
        { name: 'console', message: 'Log through `log` from @temporalio/workflow (replay-aware).' },
        { name: 'process', message: 'No process state in workflows.' },
        { name: 'setTimeout', message: 'Use sleep() from @temporalio/workflow.' },
        { name: 'setInterval', message: 'Use sleep() in a loop from @temporalio/workflow.' },
      ],
    },
  },
  {
    files: ['domain/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: nodeBuiltins.map((name) => ({ name, message: 'domain/ is pure: no Node built-ins.' })),
          patterns: [
            {
              regex: '^(?!\\.|zod$|@temporalio/common$|luxon$)',
              message: 'domain/ is pure and deterministic: zod, @temporalio/common and luxon (dates from given times only) only, no clients or I/O (docs/architecture.md).',
            },
            {
              group: ['**/activities', '**/activities/**', '**/api/**', '**/infra/**', '**/workers/**', '**/workflows/**', '**/simulators/**'],
              allowTypeImports: true,
              message: 'domain/ may name the types of other layers, never import their code.',
            },
          ],
        },
      ],
      'no-restricted-globals': ['error', { name: 'process', message: 'domain/ reads no process state; take it as a parameter.' }, { name: 'fetch', message: 'domain/ does no I/O.' }],
    },
  },
  {
    // Simulators stand for other products: they share nothing with WHOOSH but its pure rules (domain/).
    files: ['simulators/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/activities', '**/activities/**', '**/api/**', '**/infra/**', '**/workers/**', '**/workflows/**', '**/test/**'],
              message: 'A simulator plays another product: it imports Node, libraries and domain/ only (docs/architecture.md).',
            },
          ],
        },
      ],
    },
  },
  {
    // The dashboard: its own code, libraries, the wire types of domain/wire/ and the lists of statuses and kinds.
    files: ['ui/src/**/*.ts'],
    ...tseslint.configs.disableTypeChecked,
    rules: {
      ...tseslint.configs.disableTypeChecked.rules,
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['../../../*', '!../../../domain', '../../../../*', '!../../../../domain'],
              message: 'The dashboard imports only the shared types in domain/ (docs/architecture.md).',
            },
            {
              group: ['../../../domain/**', '!../../../domain/statuses', '!../../../domain/kinds', '../../../../domain/**'],
              allowTypeImports: true,
              message: 'The dashboard imports domain/ types only, and the plain lists of statuses and kinds; never code.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['infra/install.ts', 'infra/start.ts', 'infra/temporal-binary.ts', 'test/bench/**/*.ts'],
    rules: { 'no-console': 'off' },
  },
  {
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: { globals: globals.node },
  },
);
