/**
 * `npm run demo`: WHOOSH on its embedded stack with simulated neighbours — a
 * Gitea with a demo repository, three Ollama nodes, a Docker Engine — all
 * registered and wired (webhooks included), then a Design Brief and a few task
 * issues opened, so councils, teams, agents and timelines come alive within a
 * minute with no Gitea or GPU of one's own. Two pipelines run on their own
 * (demo-pipelines.ts): triage labels every new issue, and a template run
 * waits for its first approval.
 *
 * The demo keeps its data in a folder of its own (`<data_dir>-demo`), emptied
 * at every start: the simulators start empty too, and issue numbers (hence
 * workflow ids) begin at 1 again.
 */
import { rmSync } from 'node:fs';
import { config as loadDotenv } from 'dotenv';
import { createRepository } from '../activities/intake/repository-store';
import { DockerSimulator } from '../simulators/docker';
import { GiteaSimulator, GITEA_SIM_TOKEN } from '../simulators/gitea';
import { OllamaSimulator } from '../simulators/ollama';
import { demoReply } from '../simulators/ollama/council-answers';
import { configSchema, loadConfig, type WhooshConfig } from './config';
import { installDemoPipelines, TRIAGE_LABELS } from './demo-pipelines';
import { createLogger } from './logger';
import { ensureRepositorySchedule } from './schedules';
import { startStack, type Stack } from './stack';
import { ensureUiBuilt } from './ui-build';

export const DEMO_OWNER = 'demo';
export const DEMO_REPO = 'webshop';
const SECRET = 'demo-webhook-secret-0123456789abcdef';

const NODES = [
  { id: 'walnut', name: 'Walnut (sim)', model: 'starcoder2:15b', specialization: 'frontend product', capabilities: ['frontend', 'react', 'svelte', 'typescript', 'css', 'ux', 'analysis'] },
  { id: 'ironwood', name: 'Ironwood (sim)', model: 'deepseek-coder-v2', specialization: 'backend architecture', capabilities: ['backend', 'api-design', 'database', 'postgres', 'python', 'code-review'] },
  { id: 'acacia', name: 'Acacia (sim)', model: 'llama3.1:8b', specialization: 'qa testing security', capabilities: ['testing', 'debugging', 'security', 'devops'] },
] as const;

export const DEMO_ISSUES = [
  {
    title: 'Design Brief: a shared team calendar',
    body: 'Teams plan releases and on-call together; give them one calendar.\n\n- Everyone on a team sees and adds events\n- Sign-in with the company SSO\n- Reminders before an event\n- Works on phones',
    labels: ['chorus-entrypoint'],
  },
  { title: 'Fix crash on checkout when the cart is empty', body: 'The checkout API throws a TypeError when the cart has no items.', labels: ['bzzz-task', 'bug'] },
  { title: 'Add dark mode to the settings page', body: 'A Svelte toggle and CSS variables; remember the choice.', labels: ['bzzz-task'] },
  { title: 'Optimize the slow order history query', body: 'The postgres query behind /orders takes 3 s for large accounts; add an index.', labels: ['bzzz-task', 'performance'] },
] as const;

export interface Demo {
  readonly stack: Stack;
  readonly config: WhooshConfig;
  readonly gitea: GiteaSimulator;
  readonly docker: DockerSimulator;
  readonly ollamas: OllamaSimulator[];
  /** The triage pipeline (active), the web_development template's pipeline and its run waiting for approval. */
  readonly pipelines: { readonly triage: string; readonly template: string; readonly templateRun: string } | null;
  /** Opens the demo issues, `spacingMs` apart. */
  openIssues(spacingMs?: number): Promise<void>;
  stop(): Promise<void>;
}

export interface DemoOptions {
  /** The config to run with (data folder, ports); the demo adds its agents, Docker and team settings. */
  readonly config: WhooshConfig;
  /** Simulated generation speed; slow enough to watch calls in flight. */
  readonly tokensPerSecond?: number;
}

export async function startDemo(opts: DemoOptions): Promise<Demo> {
  const base = opts.config;
  const dataDir = `${base.data_dir.replace(/\/+$/, '')}-demo`;
  rmSync(dataDir, { recursive: true, force: true });

  const ollamas = await Promise.all(NODES.map((n) => OllamaSimulator.start({ models: [n.model], tokensPerSecond: opts.tokensPerSecond ?? 40, respond: demoReply })));
  const docker = await DockerSimulator.start({ images: ['ghcr.io/whoosh-ai/agent:latest'] });
  const gitea = await GiteaSimulator.start();
  const config = configSchema.parse({
    ...base,
    data_dir: dataDir,
    agents: Object.fromEntries(
      NODES.map((n, i) => [n.id, { name: n.name, endpoint: ollamas[i]!.url, model: n.model, specialization: n.specialization, capabilities: [...n.capabilities], parallel: 2 }]),
    ),
    teams: { ...base.teams, llm_classification: { ...base.teams.llm_classification, enabled: true } },
    docker: { ...base.docker, enabled: true, host: `tcp://127.0.0.1:${docker.port}` },
    // The simulators listen on this host: nodes added over the API may point at them too.
    security: { ...base.security, outbound_allow: [...new Set([...base.security.outbound_allow, 'loopback'])] },
  });
  const stopSims = () => Promise.all([gitea.stop(), docker.stop(), ...ollamas.map((o) => o.stop())]);

  let stack: Stack;
  try {
    stack = await startStack({ config, logger: createLogger(config.log_level) });
  } catch (err) {
    await stopSims();
    throw err;
  }
  gitea.createRepo(DEMO_OWNER, DEMO_REPO);
  for (const name of TRIAGE_LABELS) gitea.createLabel(DEMO_OWNER, DEMO_REPO, { name, color: 'c5def5' });
  const repo = await createRepository(stack.pool, {
    kind: 'gitea',
    baseUrl: gitea.url,
    owner: DEMO_OWNER,
    name: DEMO_REPO,
    token: GITEA_SIM_TOKEN,
    tokenFile: null,
    webhookSecret: SECRET,
    monitor: true,
    labels: [],
    syncIntervalSeconds: null,
  });
  if (!repo) throw new Error('the demo repository exists already in a fresh database');
  await ensureRepositorySchedule(stack.client, config, repo);
  gitea.addWebhook(DEMO_OWNER, DEMO_REPO, { url: `${stack.apiUrl}/webhooks/gitea`, secret: SECRET });
  // Made over the API with the admin token; without one (tokens only from whoosh.yaml) the demo goes on without them.
  const pipelines = stack.apiUrl && stack.adminToken.token ? await installDemoPipelines(stack.apiUrl, stack.adminToken.token, `${DEMO_OWNER}/${DEMO_REPO}`) : null;

  return {
    stack,
    config,
    gitea,
    docker,
    ollamas,
    pipelines,
    async openIssues(spacingMs = 1500) {
      for (const [i, issue] of DEMO_ISSUES.entries()) {
        if (i > 0) await new Promise((r) => setTimeout(r, spacingMs));
        gitea.openIssue(DEMO_OWNER, DEMO_REPO, { ...issue, labels: [...issue.labels], author: 'dana' });
      }
    },
    async stop() {
      await stack.stop();
      await stopSims();
    },
  };
}

async function main(): Promise<void> {
  loadDotenv({ quiet: true });
  const { config } = loadConfig();
  const say = (line: string): void => void process.stdout.write(`${line}\n`);
  await ensureUiBuilt(say).catch(() => say('(dashboard build failed; the API still serves /api)'));
  const demo = await startDemo({ config });
  say('');
  say('WHOOSH demo is running');
  say(`  Dashboard        ${demo.stack.apiUrl}/`);
  say(`  Temporal Web UI  ${demo.stack.temporalUiUrl ?? '(external Temporal)'}`);
  say(`  Admin token      ${demo.stack.adminToken.token}`);
  say(`  Gitea (sim)      ${demo.gitea.url}/api/v1/repos/${DEMO_OWNER}/${DEMO_REPO}/issues   (comments: .../issues/<n>/comments)`);
  say(`                   token ${GITEA_SIM_TOKEN}: curl -H 'Authorization: token ${GITEA_SIM_TOKEN}' ${demo.gitea.url}/api/v1/repos/${DEMO_OWNER}/${DEMO_REPO}/issues`);
  say(`  Agent nodes      ${NODES.map((n, i) => `${n.id} ${demo.ollamas[i]!.url}`).join(', ')}`);
  say(`  Docker (sim)     ${demo.docker.url}`);
  if (demo.pipelines) say(`  Pipelines        triage ${demo.pipelines.triage} (labels new issues), template run ${demo.pipelines.templateRun} (waits for approval)`);
  say('');
  say(`Opening a Design Brief and ${DEMO_ISSUES.length - 1} task issues in ${DEMO_OWNER}/${DEMO_REPO} ...`);
  await demo.openIssues();
  say('Done. Approve the council in the dashboard (Councils) to see its task issues appear. Ctrl-C to stop.');

  let stopping = false;
  const shutdown = (): void => {
    if (stopping) process.exit(130);
    stopping = true;
    say('\nstopping the demo ...');
    demo.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}

if (require.main === module) {
  main().catch((err: unknown) => {
    process.stderr.write(`whoosh demo: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}\n`);
    process.exit(1);
  });
}
