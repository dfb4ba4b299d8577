/**
 * Every environment variable WHOOSH reads, listed once. The config loader maps
 * each onto a path of the validated config; `.env.example` documents the same
 * list (a unit test keeps the two in step).
 *
 * `secret: true` keys also accept a `<KEY>_FILE` variant that names a file whose
 * contents (trimmed) are the value, so secrets can come from Docker/Kubernetes
 * secret mounts instead of the environment.
 */
export interface EnvKey {
  /** Dotted path into the config object the value lands on. */
  readonly path: string;
  readonly secret?: boolean;
  /** How the raw string becomes a value before validation. */
  readonly parse?: 'int' | 'bool' | 'list';
  readonly doc: string;
}

export const ENV_KEYS = {
  WHOOSH_CONFIG: { path: '$configFile', doc: 'Path of the YAML config file (default: ./whoosh.yaml when it exists).' },
  WHOOSH_DATA_DIR: { path: 'data_dir', doc: 'Folder for embedded Temporal/Postgres data, logs and the generated admin token (default: ./data).' },
  WHOOSH_LOG_LEVEL: { path: 'log_level', doc: 'pino log level: fatal, error, warn, info, debug, trace (default: info).' },
  WHOOSH_API_HOST: { path: 'server.host', doc: 'Interface the API listens on (default: 127.0.0.1; 0.0.0.0 for every interface).' },
  WHOOSH_API_PORT: { path: 'server.port', parse: 'int', doc: 'API and dashboard port (default: 8080).' },
  WHOOSH_PUBLIC_URL: { path: 'server.public_url', doc: 'URL users reach the API at, used in links and in pipelines\' $execution.resumeUrl (default: http://localhost:<port>).' },
  WHOOSH_CORS_ORIGINS: { path: 'security.cors_origins', parse: 'list', doc: 'Comma-separated origins allowed to call the API from a browser (default: none).' },
  WHOOSH_BODY_LIMIT: { path: 'server.body_limit', doc: 'Largest accepted request body, e.g. 1mb (default: 1mb).' },
  WHOOSH_RATE_LIMIT_PER_MINUTE: { path: 'security.rate_limit_per_minute', parse: 'int', doc: 'Requests per minute per client before 429 (default: 600).' },
  WHOOSH_ADMIN_TOKEN: { path: 'security.admin_token', secret: true, doc: 'Bearer token with the admin role. When no token is configured at all, one is generated on first start and stored in the data folder.' },
  WHOOSH_ENCRYPTION_KEY: { path: 'security.encryption_key', secret: true, doc: 'Key that encrypts stored credentials (AES-256-GCM): 32 bytes as 64 hex digits or base64. When unset, one is generated on first use and stored in the data folder (keep it: without it the credentials cannot be read).' },
  WHOOSH_JWT_SECRET: { path: 'security.jwt_secret', secret: true, doc: 'HS256 secret for JWT bearer tokens (claims: sub, role). JWTs are refused when unset.' },
  WHOOSH_OUTBOUND_ALLOW: { path: 'security.outbound_allow', parse: 'list', doc: 'Comma-separated hosts and networks that forge URLs and agent endpoints given over the API may reach: any, loopback, link-local, CIDRs, addresses, host names, *.domains (default: any, which excludes loopback and link-local).' },
  WHOOSH_SECRETS_DIR: { path: 'security.secrets_dir', doc: 'Folder that forge token files (security.forge_tokens[].token_file) must lie in.' },
  WHOOSH_TASK_QUEUE: { path: 'temporal.task_queue', doc: 'Task queue of the orchestrator worker (default: whoosh-orchestrator).' },
  WHOOSH_WORKER_MAX_HEAP_MB: { path: 'worker.max_heap_mb', parse: 'int', doc: 'V8 heap (old space) limit of a worker process in MB; it re-executes itself with --max-old-space-size (default: 384; 0: Node\'s default).' },
  WHOOSH_TEMPORAL_BIN: { path: 'temporal.dev_server.binary', doc: 'Path of the temporal CLI binary for the embedded dev server (default: found on PATH or in .tools/).' },
  WHOOSH_TEMPORAL_PORT: { path: 'temporal.dev_server.port', parse: 'int', doc: 'gRPC port of the embedded Temporal dev server (default: 7233).' },
  WHOOSH_TEMPORAL_UI_PORT: { path: 'temporal.dev_server.ui_port', parse: 'int', doc: 'Web UI port of the embedded Temporal dev server (default: 8233).' },
  WHOOSH_TEMPORAL_SQLITE_PRAGMAS: { path: 'temporal.dev_server.sqlite_pragmas', parse: 'list', doc: 'Comma-separated SQLite pragmas for the embedded dev server (default: journal_mode=wal).' },
  WHOOSH_TEMPORAL_UI_URL: { path: 'temporal.ui_url', doc: 'Temporal Web UI URL for links when Temporal is external (default: the embedded UI).' },
  WHOOSH_POSTGRES_PORT: { path: 'database.embedded_port', parse: 'int', doc: 'Port of the embedded Postgres (default: 5433).' },
  WHOOSH_TEAM_LLM_CLASSIFICATION: { path: 'teams.llm_classification.enabled', parse: 'bool', doc: 'Classify task issues with an LLM, heuristics as the fallback (true/false; default: false).' },
  WHOOSH_DOCKER_ENABLED: { path: 'docker.enabled', parse: 'bool', doc: 'Deploy a container (or swarm service) per team member (true/false; default: false).' },
  WHOOSH_DOCKER_HOST: { path: 'docker.host', doc: 'Docker Engine to deploy agents on: unix:///var/run/docker.sock (default) or tcp://host:2375.' },
  WHOOSH_DOCKER_IMAGE: { path: 'docker.image', doc: 'Image of the agent containers (default: ghcr.io/whoosh-ai/agent:latest).' },
  WHOOSH_DOCKER_NETWORK: { path: 'docker.network', doc: 'Docker network the agent containers join (default: none given, Docker\'s default).' },
  TEMPORAL_ADDRESS: { path: 'temporal.address', doc: 'host:port of an existing Temporal frontend; when set no dev server is started.' },
  TEMPORAL_NAMESPACE: { path: 'temporal.namespace', doc: 'Temporal namespace (default: default).' },
  TEMPORAL_API_KEY: { path: 'temporal.api_key', secret: true, doc: 'API key for Temporal Cloud (implies TLS).' },
  TEMPORAL_TLS: { path: 'temporal.tls.enabled', parse: 'bool', doc: 'Use TLS to reach TEMPORAL_ADDRESS (true/false).' },
  TEMPORAL_TLS_CLIENT_CERT_PATH: { path: 'temporal.tls.client_cert_path', doc: 'Client certificate (PEM) for mTLS.' },
  TEMPORAL_TLS_CLIENT_KEY_PATH: { path: 'temporal.tls.client_key_path', doc: 'Client private key (PEM) for mTLS.' },
  TEMPORAL_TLS_SERVER_CA_CERT_PATH: { path: 'temporal.tls.server_ca_cert_path', doc: 'CA certificate (PEM) that signed the server certificate.' },
  TEMPORAL_TLS_SERVER_NAME: { path: 'temporal.tls.server_name', doc: 'Server name to verify the server certificate against.' },
  DATABASE_URL: { path: 'database.url', secret: true, doc: 'postgres:// URL of an existing database; when set no embedded Postgres is started.' },
} as const satisfies Record<string, EnvKey>;

export type EnvKeyName = keyof typeof ENV_KEYS;
