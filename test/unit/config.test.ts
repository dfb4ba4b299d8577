import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigError, ENV_KEYS, loadConfig } from '../../infra/config';

const dir = (): string => mkdtempSync(path.join(os.tmpdir(), 'whoosh-config-'));

function problemsOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

test('defaults need no file and no environment', () => {
  const cwd = dir();
  const { config, file } = loadConfig({ env: {}, cwd });
  expect(file).toBeUndefined();
  expect(config.server.port).toBe(8080);
  expect(config.temporal.address).toBeUndefined();
  expect(config.temporal.dev_server.ui_port).toBe(8233);
  expect(config.data_dir).toBe(path.join(cwd, 'data'));
  expect(config.security.rate_limit_per_minute).toBe(600);
});

test('reads whoosh.yaml in the shape users write, wrapped in `whoosh:`', () => {
  const cwd = dir();
  writeFileSync(
    path.join(cwd, 'whoosh.yaml'),
    `whoosh:
  cluster: { name: Lab, region: home }
  agents:
    walnut:
      name: Walnut
      endpoint: http://192.168.1.27:11434
      model: starcoder2:15b
      specialization: frontend
      capabilities: [react, css]
      hardware: { gpu_type: RTX 3080, vram_gb: 10, cpu_cores: 16 }
      performance_targets: { min_tokens_per_second: 8, max_response_time_ms: 30000 }
  workflows:
    templates:
      web_development: { agents: [walnut], stages: [plan, build] }
  monitoring:
    alert_thresholds: { gpu_usage: 90 }
`,
  );
  const { config } = loadConfig({ env: {}, cwd });
  expect(config.cluster).toEqual({ name: 'Lab', region: 'home' });
  expect(config.agents.walnut).toMatchObject({ model: 'starcoder2:15b', parallel: 1, hardware: { vram_gb: 10 } });
  expect(config.workflows.templates.web_development?.stages).toEqual(['plan', 'build']);
  expect(config.monitoring.alert_thresholds).toMatchObject({ gpu_usage: 90, cpu_usage: 85 });
});

test('environment variables override the file', () => {
  const cwd = dir();
  writeFileSync(path.join(cwd, 'whoosh.yaml'), 'server:\n  port: 9000\n');
  const { config } = loadConfig({
    env: { WHOOSH_API_PORT: '9100', TEMPORAL_ADDRESS: 'temporal:7233', WHOOSH_CORS_ORIGINS: 'http://a.test, http://b.test', TEMPORAL_TLS: 'true' },
    cwd,
  });
  expect(config.server.port).toBe(9100);
  expect(config.temporal.address).toBe('temporal:7233');
  expect(config.temporal.tls.enabled).toBe(true);
  expect(config.security.cors_origins).toEqual(['http://a.test', 'http://b.test']);
});

test('*_FILE variants read secrets from files', () => {
  const cwd = dir();
  const secret = path.join(cwd, 'token');
  writeFileSync(secret, 'a-very-long-admin-token-value\n');
  const { config } = loadConfig({ env: { WHOOSH_ADMIN_TOKEN_FILE: secret }, cwd });
  expect(config.security.admin_token).toBe('a-very-long-admin-token-value');
  expect(problemsOf(() => loadConfig({ env: { WHOOSH_ADMIN_TOKEN_FILE: path.join(cwd, 'missing') }, cwd }))).toEqual([
    `WHOOSH_ADMIN_TOKEN_FILE: cannot read ${path.join(cwd, 'missing')} (ENOENT)`,
  ]);
  expect(problemsOf(() => loadConfig({ env: { WHOOSH_ADMIN_TOKEN: 'x'.repeat(20), WHOOSH_ADMIN_TOKEN_FILE: secret }, cwd }))).toEqual([
    'WHOOSH_ADMIN_TOKEN and WHOOSH_ADMIN_TOKEN_FILE are both set; keep one',
  ]);
});

test('errors name the key as the user wrote it, and the problem', () => {
  const cwd = dir();
  expect(problemsOf(() => loadConfig({ env: { WHOOSH_API_PORT: 'eighty' }, cwd }))).toEqual([
    'WHOOSH_API_PORT: expected a whole number, got "eighty"',
  ]);
  expect(problemsOf(() => loadConfig({ env: { WHOOSH_API_PORT: '70000' }, cwd }))[0]).toMatch(/^WHOOSH_API_PORT \(server\.port\): /);

  writeFileSync(path.join(cwd, 'whoosh.yaml'), 'agents:\n  gpu1:\n    endpoint: not-a-url\n    model: llama3\n  gpu2:\n    endpoint: http://h:11434\n');
  const problems = problemsOf(() => loadConfig({ env: {}, cwd }));
  expect(problems).toContain('agents.gpu1.endpoint: must be an http(s) URL such as http://gpu-1:11434');
  expect(problems).toContain('agents.gpu2: needs `model` or a non-empty `models` list');

  writeFileSync(path.join(cwd, 'whoosh.yaml'), 'server:\n  prot: 8080\n');
  expect(problemsOf(() => loadConfig({ env: {}, cwd }))[0]).toMatch(/^server: Unrecognized key: "prot"/);

  writeFileSync(path.join(cwd, 'whoosh.yaml'), 'server: [unclosed\n');
  expect(problemsOf(() => loadConfig({ env: {}, cwd }))[0]).toMatch(/whoosh\.yaml line \d+: /);
});

test('unknown top-level sections are reported, not fatal', () => {
  const cwd = dir();
  writeFileSync(path.join(cwd, 'whoosh.yaml'), 'plugins: {}\ncluster: { name: X }\n');
  expect(loadConfig({ env: {}, cwd }).ignoredKeys).toEqual(['plugins']);
});

test('.env.example documents every environment variable, and nothing else', () => {
  const example = readFileSync(path.join(__dirname, '..', '..', '.env.example'), 'utf8');
  const documented = [...example.matchAll(/^#?\s*([A-Z][A-Z0-9_]+)=/gm)].map((m) => m[1]);
  const expected = Object.entries(ENV_KEYS).flatMap(([name, key]) => ('secret' in key && key.secret ? [name, `${name}_FILE`] : [name]));
  expect(new Set(documented)).toEqual(new Set(expected));
});

test('whoosh.example.yaml is a valid config', () => {
  const example = path.join(__dirname, '..', '..', 'whoosh.example.yaml');
  const { config, ignoredKeys } = loadConfig({ env: { WHOOSH_CONFIG: example }, cwd: dir() });
  expect(ignoredKeys).toEqual([]);
  expect(Object.keys(config.agents)).toEqual(['walnut', 'ironwood']);
});
