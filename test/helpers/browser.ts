/**
 * A real browser for dashboard tests: playwright-core driving Debian's
 * Chromium (WHOOSH_CHROMIUM overrides the path). Screenshots land in
 * test-results/ as artifacts of the run.
 */
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';

export const SCREENSHOTS = path.join(__dirname, '..', '..', 'test-results', 'screenshots');

export async function launchBrowser(): Promise<Browser> {
  const executablePath = process.env.WHOOSH_CHROMIUM ?? '/usr/bin/chromium';
  if (!existsSync(executablePath)) {
    throw new Error(`no Chromium at ${executablePath}: run \`apt-get install -y chromium\` or set WHOOSH_CHROMIUM`);
  }
  mkdirSync(SCREENSHOTS, { recursive: true });
  return chromium.launch({
    executablePath,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

export const screenshotPath = (name: string): string => path.join(SCREENSHOTS, `${name}.png`);
