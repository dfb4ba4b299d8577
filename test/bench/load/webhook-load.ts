/**
 * Load generator for the `webhook` scenario, run as its own process so that
 * sending does not compete with the stack's event loop. Sends signed Gitea
 * "issue opened" deliveries at a steady rate (open loop) and prints one JSON
 * line: accept latencies (ms) of the 202 answers, and the error count.
 *   tsx webhook-load.ts <url> <secret> <rate> <seconds> <firstIssue>
 */
import { createHmac } from 'node:crypto';

export function giteaIssueOpened(issue: number): string {
  return JSON.stringify(
    {
      action: 'opened',
      number: issue,
      issue: {
        id: issue,
        number: issue,
        title: `Bench task ${issue}`,
        body: 'Load test',
        state: 'open',
        labels: [{ id: 1, name: 'bzzz-task', color: '0e8a16' }],
        user: { id: 1, login: 'bench' },
        html_url: `http://gitea.bench/acme/api/issues/${issue}`,
        pull_request: null,
      },
      repository: { id: 1, name: 'api', full_name: 'acme/api', owner: { id: 1, login: 'acme' } },
      sender: { id: 1, login: 'bench' },
    },
    null,
    2,
  );
}

async function main(): Promise<void> {
  const [url, secret, rateArg, secondsArg, firstArg] = process.argv.slice(2);
  const rate = Number(rateArg);
  const total = rate * Number(secondsArg);
  const first = Number(firstArg);
  const accept: number[] = [];
  let errors = 0;
  const started = performance.now();
  const inflight: Promise<void>[] = [];
  for (let i = 0; i < total; i++) {
    const wait = started + (i * 1000) / rate - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const issue = first + i;
    const body = giteaIssueOpened(issue);
    const headers = {
      'content-type': 'application/json',
      'x-gitea-event': 'issues',
      'x-gitea-event-type': 'issues',
      'x-gitea-delivery': `bench-${issue}`,
      'x-gitea-signature': createHmac('sha256', secret!).update(body).digest('hex'),
    };
    const t0 = performance.now();
    inflight.push(
      fetch(url!, { method: 'POST', headers, body }).then(
        async (res) => {
          await res.arrayBuffer();
          if (res.status === 202) accept.push(performance.now() - t0);
          else errors++;
        },
        () => void errors++,
      ),
    );
  }
  await Promise.all(inflight);
  process.stdout.write(`${JSON.stringify({ accept, errors, seconds: (performance.now() - started) / 1000 })}\n`);
}

if (require.main === module) void main();
