/**
 * Loads the configuration once at start: `whoosh.yaml` (or WHOOSH_CONFIG), then
 * the environment variables of ENV_KEYS on top, `*_FILE` secrets read from disk,
 * all validated by `configSchema`. Any problem becomes a ConfigError whose
 * message names the key as the user wrote it and what is wrong with it.
 */
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import { ENV_KEYS, type EnvKey, type EnvKeyName } from './env-keys';
import { configSchema, type WhooshConfig } from './schema';

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration: ${problems.join('; ')}`);
    this.name = 'ConfigError';
  }
}

export interface LoadedConfig {
  readonly config: WhooshConfig;
  /** Absolute path of the YAML file read, if any. */
  readonly file?: string;
  /** Top-level YAML sections WHOOSH does not know and ignored. */
  readonly ignoredKeys: string[];
}

export interface LoadConfigOptions {
  readonly env?: NodeJS.ProcessEnv;
  readonly cwd?: string;
}

type Tree = Record<string, unknown>;

export function loadConfig({ env = process.env, cwd = process.cwd() }: LoadConfigOptions = {}): LoadedConfig {
  const problems: string[] = [];
  const explicitFile = readEnv('WHOOSH_CONFIG', ENV_KEYS.WHOOSH_CONFIG, env, problems);
  const file = explicitFile !== undefined ? path.resolve(cwd, explicitFile) : path.resolve(cwd, 'whoosh.yaml');
  let raw: Tree = {};
  if (existsSync(file)) {
    raw = readYaml(file, problems);
  } else if (explicitFile !== undefined) {
    problems.push(`WHOOSH_CONFIG: file ${file} does not exist`);
  }

  // Which env variable set which config path, to name it in errors.
  const origin = new Map<string, string>();
  for (const [name, key] of Object.entries(ENV_KEYS) as [EnvKeyName, EnvKey][]) {
    if (key.path.startsWith('$')) continue;
    const value = readEnv(name, key, env, problems);
    if (value === undefined) continue;
    const parsed = parseEnvValue(name, key, value, problems);
    if (parsed === undefined) continue;
    setPath(raw, key.path, parsed);
    origin.set(key.path, name);
  }
  if (problems.length > 0) throw new ConfigError(problems);

  const known = new Set(Object.keys(configSchema.shape));
  const ignoredKeys = Object.keys(raw).filter((k) => !known.has(k));

  const result = configSchema.safeParse(raw);
  if (!result.success) {
    throw new ConfigError(
      result.error.issues.map((issue) => {
        const key = issue.path.join('.');
        const from = origin.get(key);
        const where = from !== undefined ? `${from} (${key})` : key || '(root)';
        return `${where}: ${issue.message}`;
      }),
    );
  }
  const config = result.data;
  config.data_dir = path.resolve(cwd, config.data_dir);
  for (const token of config.security.tokens) {
    if (token.token_file !== undefined) {
      token.token = readSecretFile(`security.tokens[${token.name}].token_file`, path.resolve(cwd, token.token_file), problems);
    }
  }
  readForgeTokenFiles(config, cwd, problems);
  if (problems.length > 0) throw new ConfigError(problems);
  return { config, file: existsSync(file) ? file : undefined, ignoredKeys };
}

/**
 * Forge token files are read once here, and only from inside
 * security.secrets_dir: a path is operator configuration, never API input.
 */
function readForgeTokenFiles(config: WhooshConfig, cwd: string, problems: string[]): void {
  const dir = config.security.secrets_dir !== undefined ? path.resolve(cwd, config.security.secrets_dir) : undefined;
  config.security.forge_tokens.forEach((entry, i) => {
    if (entry.token_file === undefined) return;
    const key = `security.forge_tokens[${i}].token_file`;
    if (dir === undefined) {
      problems.push(`${key}: set security.secrets_dir (WHOOSH_SECRETS_DIR) to the folder token files lie in`);
      return;
    }
    const file = path.resolve(dir, entry.token_file);
    let real: string;
    try {
      real = realpathSync(file);
    } catch (err) {
      problems.push(`${key}: cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? 'unreadable'})`);
      return;
    }
    const realDir = existsSync(dir) ? realpathSync(dir) : dir;
    if (!real.startsWith(realDir + path.sep)) {
      problems.push(`${key}: ${file} is outside security.secrets_dir (${dir})`);
      return;
    }
    entry.token = readSecretFile(key, real, problems);
  });
}

function readYaml(file: string, problems: string[]): Tree {
  let doc: unknown;
  try {
    doc = parseYaml(readFileSync(file, 'utf8'));
  } catch (err) {
    const where = err instanceof YAMLParseError && err.linePos ? ` line ${err.linePos[0].line}` : '';
    problems.push(`${file}${where}: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`);
    return {};
  }
  if (doc === null || doc === undefined) return {};
  if (!isTree(doc)) {
    problems.push(`${file}: the top level must be a mapping of keys`);
    return {};
  }
  // Users' files wrap everything in `whoosh:`; accept both forms.
  const keys = Object.keys(doc);
  if (keys.length === 1 && keys[0] === 'whoosh' && isTree(doc.whoosh)) return doc.whoosh;
  return doc;
}

function readEnv(name: string, key: EnvKey, env: NodeJS.ProcessEnv, problems: string[]): string | undefined {
  const direct = env[name];
  const fileVar = `${name}_FILE`;
  const fromFile = key.secret === true ? env[fileVar] : undefined;
  if (direct !== undefined && direct !== '' && fromFile !== undefined && fromFile !== '') {
    problems.push(`${name} and ${fileVar} are both set; keep one`);
    return undefined;
  }
  if (fromFile !== undefined && fromFile !== '') return readSecretFile(fileVar, fromFile, problems);
  return direct === '' ? undefined : direct;
}

function readSecretFile(label: string, file: string, problems: string[]): string | undefined {
  try {
    const value = readFileSync(file, 'utf8').trim();
    if (value === '') problems.push(`${label}: file ${file} is empty`);
    return value;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'unreadable';
    problems.push(`${label}: cannot read ${file} (${code})`);
    return undefined;
  }
}

function parseEnvValue(name: string, key: EnvKey, value: string, problems: string[]): unknown {
  switch (key.parse) {
    case 'int': {
      if (!/^-?\d+$/.test(value.trim())) {
        problems.push(`${name}: expected a whole number, got "${value}"`);
        return undefined;
      }
      return Number(value);
    }
    case 'bool': {
      const v = value.trim().toLowerCase();
      if (['1', 'true', 'yes', 'on'].includes(v)) return true;
      if (['0', 'false', 'no', 'off'].includes(v)) return false;
      problems.push(`${name}: expected true or false, got "${value}"`);
      return undefined;
    }
    case 'list':
      return value
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s !== '');
    default:
      return value;
  }
}

function setPath(tree: Tree, dotted: string, value: unknown): void {
  const parts = dotted.split('.');
  let node = tree;
  for (const part of parts.slice(0, -1)) {
    const next = node[part];
    if (!isTree(next)) node[part] = {};
    node = node[part] as Tree;
  }
  node[parts[parts.length - 1]!] = value;
}

function isTree(v: unknown): v is Tree {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
