import { rmSync } from 'node:fs';
import { testEnv } from './test-env';

export default async function globalTeardown(): Promise<void> {
  for (const stop of (globalThis.__whooshTeardown ?? []).reverse()) await stop().catch((err: unknown) => console.error(err));
  const { scratchDir } = testEnv();
  if (!process.env.WHOOSH_KEEP_TEST_DATA) rmSync(scratchDir, { recursive: true, force: true });
}
