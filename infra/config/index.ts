export { ENV_KEYS, type EnvKeyName } from './env-keys';
export { ConfigError, loadConfig, type LoadedConfig } from './load-config';
export { configSchema, ROLES, type AgentConfig, type Role, type WhooshConfig } from './schema';
