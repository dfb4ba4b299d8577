/**
 * `npm test` on a machine without Chromium stops before any test with one
 * line saying what to install, instead of failing every browser test.
 */
import { ensureChromium } from '../setup/chromium';

test('a missing Chromium named by WHOOSH_CHROMIUM stops the run with one line', () => {
  const said: string[] = [];
  const line = ensureChromium({ WHOOSH_CHROMIUM: '/nonexistent/chromium' }, (l) => said.push(l));
  expect(line).toBe('whoosh tests: no Chromium at /nonexistent/chromium, needed by the browser tests: install Debian\'s chromium (apt-get install -y chromium) or set WHOOSH_CHROMIUM to a Chromium binary');
  expect(said).toEqual([]);
  expect(ensureChromium({ WHOOSH_CHROMIUM: '/nonexistent/chromium', WHOOSH_SKIP_BROWSER_CHECK: '1' })).toBeUndefined();
  expect(ensureChromium({ WHOOSH_CHROMIUM: process.execPath })).toBeUndefined();
});
