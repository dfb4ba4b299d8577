/**
 * `team`: task issues through the whole product path — a Gitea simulator
 * opens them and sends signed webhooks; WHOOSH (embedded Temporal and
 * Postgres, the real workflows) classifies each with an LLM on simulated
 * Ollama nodes, composes the team, deploys its agents on a Docker Engine
 * simulator and comments on the issue. Reports throughput and p50/p99 from
 * issue opened to the team's comment for a burst of issues and for single
 * issues on an idle stack, then closes every issue and times the cleanup; `temporal-baseline` is measured on the same stack.
 */
import { createRepository } from '../../../activities/intake/repository-store';
import { withBenchStack } from '../bench-stack';
import { percentile, round, type Scenario } from '../report';
import { DockerSimulator } from '../../../simulators/docker';
import { GiteaSimulator, GITEA_SIM_TOKEN } from '../../../simulators/gitea';
import { OllamaSimulator } from '../../../simulators/ollama';
import { measureBaseline } from './temporal-baseline';

const ISSUES = Number(process.env.BENCH_ISSUES ?? 100);
const SECRET = 'bench-team-webhook-secret-0123456789';
const MODEL = 'llama3.1:8b';
const NODES = [
  { id: 'sim-frontend', specialization: 'frontend', capabilities: ['frontend', 'react', 'svelte', 'typescript', 'css'] },
  { id: 'sim-backend', specialization: 'backend', capabilities: ['backend', 'api-design', 'database', 'postgres', 'debugging'] },
  { id: 'sim-qa', specialization: 'qa testing', capabilities: ['testing', 'debugging', 'code-review', 'security'] },
];
const TITLES = ['Fix crash in the login API', 'Add dark mode to the settings page', 'Optimize slow report queries', 'Refactor the queue worker', 'Add SSO with an auth endpoint'];

export const team: Scenario = {
  name: 'team',
  description: `${ISSUES} task issues through webhooks → team classified (LLM on simulated nodes), deployed (Docker simulator), reported on the issue`,
  async run(log) {
    const ollamas = await Promise.all(NODES.map(() => OllamaSimulator.start({ models: [MODEL], tokensPerSecond: 400 })));
    const docker = await DockerSimulator.start({ images: ['whoosh/agent-sim:1'] });
    const gitea = await GiteaSimulator.start();
    const agents = Object.fromEntries(NODES.map((n, i) => [n.id, { endpoint: ollamas[i]!.url, model: MODEL, specialization: n.specialization, capabilities: n.capabilities, parallel: 4 }]));
    try {
      return await withBenchStack(
        'team',
        {
          api: true,
          config: {
            // The Gitea simulator listens on 127.0.0.1.
            security: { admin_token: 'bench-admin-token-0123456789', outbound_allow: ['any', 'loopback'] },
            agents,
            teams: { llm_classification: { enabled: true } },
            docker: { enabled: true, host: `tcp://127.0.0.1:${docker.port}`, image: 'whoosh/agent-sim:1' },
          },
        },
        async (stack, config) => {
          const owner = 'acme';
          const repo = await createRepository(stack.pool, {
            kind: 'gitea',
            baseUrl: gitea.url,
            owner,
            name: 'app',
            token: GITEA_SIM_TOKEN,
            tokenFile: null,
            webhookSecret: SECRET,
            monitor: true,
            labels: [],
            syncIntervalSeconds: null,
          });
          if (!repo) throw new Error('could not register the bench repository');
          gitea.createRepo(owner, 'app');
          gitea.addWebhook(owner, 'app', { url: `${stack.apiUrl}/webhooks/gitea`, secret: SECRET });

          const opened = new Map<number, number>();
          const reported = new Map<number, number>();
          const started = Date.now();
          for (let i = 0; i < ISSUES; i++) {
            const issue = gitea.openIssue(owner, 'app', { title: `${TITLES[i % TITLES.length]} (${i})`, body: 'Benchmark task: a backend endpoint and a frontend page, with tests.', labels: ['bzzz-task'], author: 'bench' });
            opened.set(issue.number, Date.now());
          }
          log(`opened ${ISSUES} issues in ${Date.now() - started} ms`);
          const isReported = (n: number): boolean => gitea.comments(owner, 'app', n).some((c) => c.body.includes(':formed -->'));
          const deadline = Date.now() + 10 * 60_000;
          let logged = 0;
          while (reported.size < ISSUES && Date.now() < deadline) {
            for (const n of opened.keys()) if (!reported.has(n) && isReported(n)) reported.set(n, Date.now());
            if (reported.size >= logged + 20) log(`${(logged = reported.size)}/${ISSUES} reported after ${Date.now() - started} ms`);
            await new Promise((r) => setTimeout(r, 50));
          }
          const latencies = [...reported].map(([n, at]) => at - opened.get(n)!).sort((a, b) => a - b);
          const lastReport = Math.max(...reported.values());
          const containers = docker.containers().length;

          const closing = Date.now();
          for (const n of opened.keys()) gitea.closeIssue(owner, 'app', n, 'bench');
          let remaining = containers;
          for (let i = 0; i < 1200 && remaining > 0; i++) {
            await new Promise((r) => setTimeout(r, 100));
            remaining = docker.containers().length;
          }
          const cleanupSeconds = round((Date.now() - closing) / 1000, 1);

          // The same path one issue at a time, on an idle stack.
          const alone: number[] = [];
          for (let i = 0; i < 5; i++) {
            const t = Date.now();
            const issue = gitea.openIssue(owner, 'app', { title: `${TITLES[i]} (alone ${i})`, body: 'One at a time.', labels: ['bzzz-task'], author: 'bench' });
            while (!isReported(issue.number) && Date.now() - t < 60_000) await new Promise((r) => setTimeout(r, 20));
            alone.push(Date.now() - t);
            gitea.closeIssue(owner, 'app', issue.number, 'bench');
          }
          alone.sort((a, b) => a - b);

          const classified = await stack.pool.query<{ source: string; n: number }>(`SELECT classification->>'source' AS source, count(*)::int AS n FROM teams GROUP BY 1`);
          const llmCalls = ollamas.reduce((sum, o) => sum + o.stats.chat, 0);
          const baseline = await measureBaseline(stack, config.temporal.task_queue, 200, 20, log);
          return {
            issues: ISSUES,
            reported: reported.size,
            throughputPerSecond: round(reported.size / ((lastReport - started) / 1000), 2),
            toCommentP50Ms: round(percentile(latencies, 50)),
            toCommentP99Ms: round(percentile(latencies, 99)),
            toCommentMaxMs: latencies.at(-1),
            aloneToCommentMs: { p50: alone[2], max: alone.at(-1) },
            containersDeployed: containers,
            containersLeftAfterClose: remaining,
            cleanupSeconds,
            classifiedBy: Object.fromEntries(classified.rows.map((r) => [r.source, r.n])),
            llmCallsPerNode: ollamas.map((o) => o.stats.chat),
            llmCalls,
            temporalBaseline: baseline,
          };
        },
      );
    } finally {
      await Promise.all([gitea.stop(), docker.stop(), ...ollamas.map((o) => o.stop())]);
    }
  },
};
