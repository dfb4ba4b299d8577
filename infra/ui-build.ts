import { existsSync } from 'node:fs';
import path from 'node:path';

export const UI_DIST = path.join(__dirname, '..', 'ui', 'dist');

/** Builds the dashboard with Vite if it has not been built yet. */
export async function ensureUiBuilt(log: (line: string) => void = () => undefined): Promise<void> {
  if (existsSync(path.join(UI_DIST, 'index.html'))) return;
  log('building the dashboard ...');
  const { build } = await import('vite');
  await build({ configFile: path.join(__dirname, '..', 'ui', 'vite.config.ts'), logLevel: 'warn' });
}
