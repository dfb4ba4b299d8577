/**
 * `startup`: seconds from `npm start` to a 200 from /health/ready, on a fresh
 * data folder (cold: initdb, migrations, first SQLite file) and again on the
 * same folder (warm), stopping with SIGINT in between.
 */
import { rmSync } from 'node:fs';
import { launch, launcherEnv } from '../../helpers/launcher';
import { benchDataDir } from '../bench-stack';
import { round, type Scenario } from '../report';

async function timeToReady(env: NodeJS.ProcessEnv): Promise<{ seconds: number; stopSeconds: number }> {
  const started = performance.now();
  const stack = launch(env, 'npm');
  const url = `http://127.0.0.1:${env.WHOOSH_API_PORT}/health/ready`;
  for (;;) {
    const ok = await fetch(url).then(
      (r) => r.status === 200,
      () => false,
    );
    if (ok) break;
    if (stack.child.exitCode !== null) throw new Error(`npm start exited: ${stack.stderr()}`);
    if (performance.now() - started > 180_000) throw new Error('not ready within 180 s');
    await new Promise((r) => setTimeout(r, 50));
  }
  const seconds = (performance.now() - started) / 1000;
  const stopping = performance.now();
  await stack.stop('SIGINT');
  return { seconds, stopSeconds: (performance.now() - stopping) / 1000 };
}

export const startup: Scenario = {
  name: 'startup',
  description: 'seconds from `npm start` to ready, cold and warm',
  async run(log) {
    const dataDir = benchDataDir('startup');
    try {
      const env = await launcherEnv(dataDir);
      const cold = await timeToReady(env);
      log(`cold start: ${cold.seconds.toFixed(2)} s to ready`);
      const warm = await timeToReady(env);
      log(`warm start: ${warm.seconds.toFixed(2)} s to ready; Ctrl-C to exit: ${warm.stopSeconds.toFixed(2)} s`);
      return { coldSeconds: round(cold.seconds), warmSeconds: round(warm.seconds), stopSeconds: round(warm.stopSeconds) };
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  },
};
