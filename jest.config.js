/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  // Tests live in test/, and beside the small pure modules they test (api/history/timeline/).
  roots: ['<rootDir>/test', '<rootDir>/api'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.ts$': ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' } }],
  },
  // One Temporal dev server and one Postgres for the whole run (the Temporal
  // native runtime is one per process); workers are created per test file.
  globalSetup: '<rootDir>/test/setup/global-setup.ts',
  globalTeardown: '<rootDir>/test/setup/global-teardown.ts',
  setupFilesAfterEnv: ['<rootDir>/test/setup/retry.ts'],
  testTimeout: 60_000,
  maxWorkers: 2,
};
