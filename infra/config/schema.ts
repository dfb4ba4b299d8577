/**
 * The shape of `whoosh.yaml`, as users write it (snake_case, agents keyed by
 * id), validated with zod. The inferred type is the config object the whole
 * program reads, so an error message can name a key exactly as it is written
 * in the file or set by an environment variable.
 */
import { z } from 'zod';
import { ROLES, type Role } from '../../domain/roles';

export { ROLES, type Role };
import { parseEncryptionKey } from '../encryption-key';
import { compileOutboundRules } from '../outbound-policy';

const port = z.number().int().min(1).max(65535);
const nonEmpty = z.string().trim().min(1);


const agentBaseSchema = z
  .object({
    name: nonEmpty.optional(),
    endpoint: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL such as http://gpu-1:11434' }),
    model: nonEmpty.optional(),
    models: z.array(nonEmpty).optional(),
    specialization: nonEmpty.optional(),
    capabilities: z.array(nonEmpty).default([]),
    parallel: z.number().int().min(1).max(64).default(1),
    hardware: z
      .object({
        gpu_type: nonEmpty.optional(),
        vram_gb: z.number().nonnegative().optional(),
        cpu_cores: z.number().int().positive().optional(),
      })
      .strict()
      .optional(),
    performance_targets: z
      .object({
        min_tokens_per_second: z.number().nonnegative().optional(),
        max_response_time_ms: z.number().int().positive().optional(),
      })
      .strict()
      .optional(),
  })
  .strict();

const hasAModel = [
  (a: { model?: string; models?: string[] }) => a.model !== undefined || (a.models?.length ?? 0) > 0,
  { message: 'needs `model` or a non-empty `models` list' },
] as const;

export const agentSchema = agentBaseSchema.refine(...hasAModel);

/** An agent node as the API takes it: the YAML fields plus its id. */
export const agentWithIdSchema = agentBaseSchema
  .extend({ id: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,62}$/, 'letters, digits, - and _ (up to 63)') })
  .refine(...hasAModel);

const tokenSchema = z
  .object({
    name: nonEmpty,
    token: z.string().min(16, 'must be at least 16 characters').optional(),
    token_file: nonEmpty.optional(),
    role: z.enum(ROLES),
  })
  .strict()
  .refine((t) => (t.token === undefined) !== (t.token_file === undefined), {
    message: 'needs exactly one of `token` or `token_file`',
  });

const forgeTokenSchema = z
  .object({
    /** The repository's baseUrl exactly as registered (Gitea: the instance root; GitHub: https://api.github.com). */
    base_url: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }),
    token: z.string().min(1).optional(),
    /** Read once at start; must lie in security.secrets_dir. */
    token_file: nonEmpty.optional(),
  })
  .strict()
  .refine((t) => (t.token === undefined) !== (t.token_file === undefined), { message: 'needs exactly one of `token` or `token_file`' });

/** An MCP server pipelines may call (whoosh.mcpTool): over Streamable HTTP, or a command speaking MCP on stdio. */
const mcpServerSchema = z.union([
  z.object({ url: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }), headers: z.record(z.string(), z.string()).default({}) }).strict(),
  z
    .object({ command: nonEmpty, args: z.array(z.string()).default([]), env: z.record(z.string(), z.string()).default({}), cwd: nonEmpty.optional() })
    .strict(),
]);

export const configSchema = z
  .object({
    cluster: z
      .object({ name: nonEmpty.default('WHOOSH'), region: nonEmpty.optional() })
      .strict()
      .default({ name: 'WHOOSH' }),
    data_dir: nonEmpty.default('data'),
    log_level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    server: z
      .object({
        host: nonEmpty.default('127.0.0.1'),
        port: port.default(8080),
        public_url: z.url().optional(),
        body_limit: z
          .string()
          .regex(/^\d+(b|kb|mb)$/i, 'must look like 512kb or 1mb')
          .default('1mb'),
      })
      .strict()
      .prefault({}),
    temporal: z
      .object({
        address: nonEmpty.optional(),
        namespace: nonEmpty.default('default'),
        task_queue: nonEmpty.default('whoosh-orchestrator'),
        api_key: nonEmpty.optional(),
        ui_url: z.url().optional(),
        tls: z
          .object({
            enabled: z.boolean().optional(),
            client_cert_path: nonEmpty.optional(),
            client_key_path: nonEmpty.optional(),
            server_ca_cert_path: nonEmpty.optional(),
            server_name: nonEmpty.optional(),
          })
          .strict()
          .refine((t) => (t.client_cert_path === undefined) === (t.client_key_path === undefined), {
            message: 'client_cert_path and client_key_path go together',
          })
          .prefault({}),
        dev_server: z
          .object({
            binary: nonEmpty.optional(),
            port: port.default(7233),
            ui_port: port.default(8233),
            // WAL doubles throughput over the default rollback journal at no cost in
            // durability (bench: temporal-baseline); synchronous=normal adds ~30%
            // more but may lose the last commits on a power cut.
            sqlite_pragmas: z.array(z.string().regex(/^[a-z_]+=[A-Za-z0-9_]+$/, 'must look like journal_mode=wal')).default(['journal_mode=wal']),
          })
          .strict()
          .prefault({}),
      })
      .strict()
      .prefault({}),
    database: z
      .object({
        url: z
          .string()
          .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL')
          .optional(),
        embedded_port: port.default(5433),
        /** A query unanswered this long fails as "Postgres is unavailable" (the API answers 503 rather than wait on a frozen server). */
        query_timeout_seconds: z.number().positive().max(3600).default(10),
      })
      .strict()
      .prefault({}),
    agents: z.record(z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]*$/, 'agent ids are letters, digits, - and _'), agentSchema).default({}),
    workflows: z
      .object({
        templates: z
          .record(
            z.string(),
            z
              .object({
                description: z.string().optional(),
                agents: z.array(nonEmpty).default([]),
                stages: z.array(nonEmpty).default([]),
              })
              .strict(),
          )
          .default({}),
      })
      .strict()
      .prefault({}),
    llm: z
      .object({
        /** The orchestrator process hosts a worker for every registered node. */
        host_node_workers: z.boolean().default(true),
        /** A stream that sends nothing for this long is treated as stalled. */
        heartbeat_timeout_seconds: z.number().int().min(1).default(30),
        /** Longest one LLM call may take on one node. */
        call_timeout_seconds: z.number().int().min(1).default(1800),
        /** How long a call may wait in a node's queue before it is routed elsewhere. */
        queue_timeout_seconds: z.number().int().min(1).default(300),
        /** Attempts on one node (busy, connection errors) before trying another node. */
        attempts_per_node: z.number().int().min(1).max(20).default(2),
        /** With no eligible node, how long a call waits for one before failing. */
        wait_for_node_seconds: z.number().int().min(0).default(600),
        /** Outputs longer than this many characters are stored in Postgres and passed by reference. */
        inline_output_limit: z.number().int().min(0).default(8192),
      })
      .strict()
      .prefault({}),
    intake: z
      .object({
        /** An issue with this label is a task: it starts a team formation. */
        task_label: nonEmpty.default('bzzz-task'),
        /** With this label and `council_title` in the title, an issue starts a council kickoff. */
        council_label: nonEmpty.default('chorus-entrypoint'),
        council_title: nonEmpty.default('Design Brief'),
        /** Logins whose /approve, /revise and /cancel comments count (the issue's author always may). */
        permitted_users: z.array(nonEmpty).default([]),
        /** Largest accepted webhook body. */
        webhook_body_limit: z
          .string()
          .regex(/^\d+(b|kb|mb)$/i, 'must look like 512kb or 1mb')
          .default('5mb'),
        /** Webhook requests per minute from one source address before 429 (checked before any database work). */
        webhook_rate_limit_per_minute: z.number().int().positive().default(12_000),
        /** Default seconds between issue syncs of a monitored repository. */
        sync_interval_seconds: z.number().int().min(10).default(300),
      })
      .strict()
      .prefault({}),
    teams: z
      .object({
        /** Smallest and largest team a task gets (roles beyond the task's needs fill up to min_size). */
        min_size: z.number().int().min(1).max(20).default(2),
        max_size: z.number().int().min(1).max(20).default(5),
        /** Optional roles whose best candidate scores below this stay unfilled (0..1). */
        skill_match_threshold: z.number().min(0).max(1).default(0.3),
        /** How scores weigh skills, specialization and availability. */
        strategy: z.enum(['balanced', 'skills_first', 'load_first']).default('balanced'),
        llm_classification: z
          .object({
            /** Classify with an LLM (JSON-schema output) instead of heuristics alone; heuristics remain the fallback. */
            enabled: z.boolean().default(false),
            /** A model to ask; default: the chosen node's first model. */
            model: nonEmpty.optional(),
            /** Route the classification call to a node of this specialization. */
            specialization: nonEmpty.optional(),
            /** No usable answer within this long: the heuristics decide. */
            timeout_seconds: z.number().int().min(1).default(120),
          })
          .strict()
          .prefault({}),
      })
      .strict()
      .refine((t) => t.min_size <= t.max_size, { message: 'min_size must not exceed max_size', path: ['min_size'] })
      .prefault({}),
    councils: z
      .object({
        /** core_only: the council proceeds when the core roles answered (optional ones may fail or time out); all: every member must answer. */
        quorum: z.enum(['core_only', 'all']).default('core_only'),
        /** Longest a member may take for its artifact, its one repair included (also bounds the synthesis). */
        member_timeout_seconds: z.number().int().min(1).default(1800),
        /** Without a decision this long after a plan is posted, a reminder is posted (again every as long). */
        reminder_after_seconds: z.number().int().min(1).default(604_800),
        /** Without a decision this long after a plan is posted, the council closes as expired. */
        expire_after_seconds: z.number().int().min(1).default(1_209_600),
        /** A model every member and the synthesis use; default: the chosen node's first model. */
        model: nonEmpty.optional(),
        /** Rounds a council may take: the first plan and its revisions. */
        max_rounds: z.number().int().min(1).max(20).default(5),
        /** Largest context window (Ollama's num_ctx) asked for; each request asks for what its prompt and answer need. */
        max_context_tokens: z.number().int().min(2048).max(1_048_576).default(32_768),
      })
      .strict()
      .prefault({}),
    docker: z
      .object({
        /** Deploy one container (or swarm service) per team member. */
        enabled: z.boolean().default(false),
        /** The Docker Engine: unix:///var/run/docker.sock, or tcp://host:2375 (plain HTTP; use a socket or an SSH tunnel for remote engines). */
        host: z
          .string()
          .regex(/^(unix:\/\/\/.+|tcp:\/\/[^:/]+:\d+\/?)$/, 'must look like unix:///var/run/docker.sock or tcp://host:2375')
          .default('unix:///var/run/docker.sock'),
        /** Pins the Engine API version, e.g. 1.47 (default: the daemon's own). */
        api_version: z
          .string()
          .regex(/^\d+\.\d+$/, 'must look like 1.47')
          .optional(),
        /** The agent image; agents learn their context from the environment (WHOOSH_AGENT_*, WHOOSH_TEAM_ID, ...). */
        image: nonEmpty.default('ghcr.io/whoosh-ai/agent:latest'),
        /** Arguments to the image's entrypoint; default: the image's own CMD. */
        command: z.array(z.string()).optional(),
        /** A Docker network (or swarm overlay network) to attach agents to. */
        network: nonEmpty.optional(),
        limits: z
          .object({
            cpus: z.number().positive().max(256).default(1),
            memory_mb: z.number().int().min(16).default(2048),
            pids: z.number().int().min(16).default(512),
          })
          .strict()
          .prefault({}),
      })
      .strict()
      .prefault({}),
    worker: z
      .object({
        /** V8 old-space limit of an `npm run worker` process in MB (it re-executes itself with --max-old-space-size); 0: Node's default. */
        max_heap_mb: z
          .number()
          .int()
          .min(0)
          .refine((n) => n === 0 || n >= 128, 'must be 0 (no cap) or at least 128')
          .default(384),
      })
      .strict()
      .prefault({}),
    pipelines: z
      .object({
        /** Ended runs of pipelines older than this are deleted by the retention schedule (daily). */
        execution_retention_days: z.number().int().min(1).max(36_500).default(30),
      })
      .strict()
      .prefault({}),
    monitoring: z
      .object({
        health_check_interval: z.number().positive().default(10),
        metrics_retention_days: z.number().int().positive().default(30),
        alert_thresholds: z
          .object({
            cpu_usage: z.number().min(0).max(100).default(85),
            memory_usage: z.number().min(0).max(100).default(90),
            gpu_usage: z.number().min(0).max(100).default(95),
            response_time: z.number().positive().default(60),
          })
          .strict()
          .prefault({}),
      })
      .strict()
      .prefault({}),
    security: z
      .object({
        admin_token: z.string().min(16, 'must be at least 16 characters').optional(),
        /** Key of the credentials' encryption (32 bytes, base64 or hex); generated once into the data folder when unset. */
        encryption_key: z
          .string()
          .refine((k) => parseEncryptionKey(k) !== undefined, 'must be 32 bytes, as 64 hex digits or base64')
          .optional(),
        jwt_secret: z.string().min(32, 'must be at least 32 characters').optional(),
        tokens: z.array(tokenSchema).default([]),
        cors_origins: z.array(z.url()).default([]),
        rate_limit_per_minute: z.number().int().positive().default(600),
        require_approval: z.boolean().default(true),
        session_timeout: z.number().int().positive().default(3600),
        /** Longest lifetime (exp - iat, or exp - now without iat) a JWT may have; JWTs without exp are refused. */
        jwt_max_lifetime_seconds: z.number().int().positive().default(86_400),
        /** Hosts and networks forge URLs and agent endpoints given over the API may point at (see infra/outbound-policy.ts). */
        outbound_allow: z
          .array(nonEmpty)
          .min(1, 'needs at least one entry (any, loopback, link-local, a network, an address or a host name)')
          .default(['any'])
          .superRefine((entries, ctx) => {
            try {
              compileOutboundRules(entries);
            } catch (err) {
              ctx.addIssue({ code: 'custom', message: (err as Error).message });
            }
          }),
        /** Folder the files of `forge_tokens` must lie in. */
        secrets_dir: nonEmpty.optional(),
        /** Forge tokens kept out of the database: a repository registered without a token uses the one of its base URL. */
        forge_tokens: z.array(forgeTokenSchema).default([]),
      })
      .strict()
      .prefault({}),
    mcp_servers: z
      .object({
        /** By name, as whoosh.mcpTool nodes refer to them. */
        registry: z.record(z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'letters, digits, - and _'), mcpServerSchema).default({}),
        /** Longest a tool call may take before the node fails (or retries). */
        call_timeout_seconds: z.number().int().positive().max(3600).default(120),
      })
      .strict()
      .prefault({}),
  });

export type WhooshConfig = z.infer<typeof configSchema>;
export type AgentConfig = WhooshConfig['agents'][string];
