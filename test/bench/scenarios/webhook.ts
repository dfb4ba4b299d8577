/**
 * `webhook`: signed Gitea deliveries at steady rates against the whole stack
 * (embedded Temporal and Postgres; stand-in team workflows). For each rate:
 * accept latency (HTTP answer) and accept→workflow-started latency (delivery
 * stored → Temporal accepted the start), p50/p99. Rates step up until one is
 * not held (an error, or the relay falling behind); `temporal-baseline` is
 * measured on the same stack.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { createRepository } from '../../../activities/intake/repository-store';
import { withBenchStack } from '../bench-stack';
import { percentile, round, type Scenario } from '../report';
import { measureBaseline } from './temporal-baseline';

const RATES = (process.env.BENCH_RATES ?? '25,50,100,150,200,300').split(',').map(Number);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 8);
const SECRET = 'bench-webhook-secret-0123456789';

const TSX = path.join(__dirname, '..', '..', '..', 'node_modules', '.bin', 'tsx');
const LOAD = path.join(__dirname, '..', 'load', 'webhook-load.ts');

function sendLoad(url: string, rate: number, firstIssue: number): Promise<{ accept: number[]; errors: number; seconds: number }> {
  return new Promise((resolve, reject) => {
    execFile(TSX, [LOAD, url, SECRET, String(rate), String(SECONDS), String(firstIssue)], { maxBuffer: 64 * 1024 * 1024 }, (err, stdout) => {
      if (err) reject(err);
      else resolve(JSON.parse(stdout.trim().split('\n').pop()!) as { accept: number[]; errors: number; seconds: number });
    });
  });
}

export const webhook: Scenario = {
  name: 'webhook',
  description: 'signed webhook deliveries at steady rates: accept and accept→started latency',
  async run(log) {
    const options = { api: true, workflowsPath: require.resolve('../../workflows-standins'), config: { security: { admin_token: 'bench-admin-token-0123456789' } } };
    return withBenchStack('webhook', options, async (stack, config) => {
      await createRepository(stack.pool, { kind: 'gitea', baseUrl: 'http://gitea.bench', owner: 'acme', name: 'api', token: null, tokenFile: null, webhookSecret: SECRET, monitor: true, labels: [], syncIntervalSeconds: null });
      const url = `${stack.apiUrl}/webhooks/gitea`;
      let issue = 0;
      const results: Record<string, unknown>[] = [];
      let highestHeld = 0;
      for (const rate of RATES) {
        const firstIssue = issue + 1;
        const total = rate * SECONDS;
        issue += total;
        const load = await sendLoad(url, rate, firstIssue);
        const { accept, errors } = load;
        const sendSeconds = load.seconds;
        // Wait for the relay to finish this step (bounded).
        let pending = 1;
        for (let i = 0; i < 300 && pending > 0; i++) {
          pending = Number((await stack.pool.query(`SELECT count(*) FROM webhook_deliveries WHERE status = 'pending'`)).rows[0].count);
          if (pending > 0) await new Promise((r) => setTimeout(r, 100));
        }
        // The claim leases a delivery for LEASE_SECONDS (30) from the moment it is claimed, so the claim time is next_attempt_at - 30 s (first attempts).
        const { rows } = await stack.pool.query<{ ms: number; claim_ms: number; attempts: number; status: string }>(
          `SELECT extract(epoch FROM processed_at - received_at) * 1000 AS ms,
                  extract(epoch FROM next_attempt_at - interval '30 seconds' - received_at) * 1000 AS claim_ms, attempts, status
           FROM webhook_deliveries WHERE issue_number BETWEEN $1 AND $2`,
          [firstIssue, issue],
        );
        const started = rows.filter((r) => r.status === 'started');
        const toStarted = started.map((r) => Number(r.ms)).sort((a, b) => a - b);
        // Split of accept→started: stored→claimed (the relay's wait) and claimed→recorded (Temporal's start and the completing UPDATE).
        const firstTry = started.filter((r) => r.attempts === 1);
        const toClaimed = firstTry.map((r) => Number(r.claim_ms)).sort((a, b) => a - b);
        const claimedToDone = firstTry.map((r) => Number(r.ms) - Number(r.claim_ms)).sort((a, b) => a - b);
        accept.sort((a, b) => a - b);
        const step = {
          rate,
          sent: total,
          achievedRate: round(total / sendSeconds, 1),
          errors,
          notStarted: total - toStarted.length,
          acceptP50Ms: round(percentile(accept, 50), 1),
          acceptP99Ms: round(percentile(accept, 99), 1),
          toStartedP50Ms: round(percentile(toStarted, 50), 1),
          toStartedP99Ms: round(percentile(toStarted, 99), 1),
          toClaimedP50Ms: round(percentile(toClaimed, 50), 1),
          toClaimedP99Ms: round(percentile(toClaimed, 99), 1),
          claimedToStartedP50Ms: round(percentile(claimedToDone, 50), 1),
          claimedToStartedP99Ms: round(percentile(claimedToDone, 99), 1),
        };
        results.push(step);
        log(JSON.stringify(step));
        const held = errors === 0 && step.notStarted === 0 && step.achievedRate >= rate * 0.95 && step.toStartedP99Ms < 1000;
        if (!held) break;
        highestHeld = rate;
      }
      const at50 = results.find((r) => r.rate === 50);
      const baseline = await measureBaseline(stack, config.temporal.task_queue, 200, 20, log);
      return { secondsPerRate: SECONDS, at50, highestRateHeld: highestHeld, steps: results, temporalBaseline: baseline };
    });
  },
};
