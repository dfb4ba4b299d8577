/**
 * The browser tests need Chromium. Before any test runs: use WHOOSH_CHROMIUM
 * or Debian's /usr/bin/chromium; when it is missing and we are root with apt,
 * install Debian's package; otherwise stop with one line saying what to do.
 * (WHOOSH_SKIP_BROWSER_CHECK=1 skips this, for runs of non-browser files.)
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const hasApt = (): boolean => existsSync('/usr/bin/apt-get');

/** Undefined when Chromium is there (or was installed); otherwise the one line to print. */
export function ensureChromium(env: NodeJS.ProcessEnv = process.env, say: (line: string) => void = (l) => process.stderr.write(`${l}\n`)): string | undefined {
  const path = env.WHOOSH_CHROMIUM ?? '/usr/bin/chromium';
  if (env.WHOOSH_SKIP_BROWSER_CHECK === '1' || existsSync(path)) return undefined;
  if (env.WHOOSH_CHROMIUM === undefined && process.getuid?.() === 0 && hasApt()) {
    say('whoosh tests: Chromium is missing; installing Debian\'s chromium package with apt-get (once) ...');
    try {
      execFileSync('apt-get', ['update', '-qq'], { stdio: 'ignore', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
      execFileSync('apt-get', ['install', '-y', '-qq', 'chromium'], { stdio: 'ignore', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
    } catch {
      // Reported below.
    }
    if (existsSync(path)) return undefined;
  }
  return `whoosh tests: no Chromium at ${path}, needed by the browser tests: install Debian's chromium (apt-get install -y chromium) or set WHOOSH_CHROMIUM to a Chromium binary`;
}
