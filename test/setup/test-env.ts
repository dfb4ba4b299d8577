/**
 * What the global setup started, handed to test files through environment
 * variables (jest runs files in worker processes forked after setup).
 */
export interface TestEnv {
  readonly temporalAddress: string;
  readonly databaseUrl: string;
  readonly workflowBundlePath: string;
  readonly temporalBinary: string;
  readonly scratchDir: string;
}

const KEY = 'WHOOSH_TEST_ENV';

export function publishTestEnv(env: TestEnv): void {
  process.env[KEY] = JSON.stringify(env);
}

export function testEnv(): TestEnv {
  const raw = process.env[KEY];
  if (!raw) throw new Error('test environment missing: run the tests through jest (npm test), which runs test/setup/global-setup.ts');
  return JSON.parse(raw) as TestEnv;
}
