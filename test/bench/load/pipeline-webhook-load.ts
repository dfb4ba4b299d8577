/**
 * Load generator for the `pipeline-webhook` scenario, in its own process so
 * sending does not compete with the stack's event loop: POSTs JSON to a
 * pipeline's webhook URL at a steady rate (open loop) and prints one JSON
 * line: the answer latencies (ms) of the 200s, the execution ids
 * (x-whoosh-execution-id), the error count and the seconds sending took
 * (the last request sent, not answered).
 *   tsx pipeline-webhook-load.ts <url> <rate> <seconds> <first>
 */
async function main(): Promise<void> {
  const [url, rateArg, secondsArg, firstArg] = process.argv.slice(2);
  const rate = Number(rateArg);
  const total = Math.round(rate * Number(secondsArg));
  const first = Number(firstArg);
  const answer: number[] = [];
  const executions: string[] = [];
  const wrong: string[] = [];
  let errors = 0;
  const started = performance.now();
  const inflight: Promise<void>[] = [];
  for (let i = 0; i < total; i++) {
    const wait = started + (i * 1000) / rate - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const n = first + i;
    const t0 = performance.now();
    inflight.push(
      fetch(url!, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ n }) }).then(
        async (res) => {
          const body = (await res.json().catch(() => null)) as { n?: number; f5?: number } | null;
          if (res.status !== 200) return void errors++;
          answer.push(performance.now() - t0);
          executions.push(res.headers.get('x-whoosh-execution-id') ?? '');
          // The Respond to Webhook node answers with the item after the 5 nodes: each added one.
          if (body?.n !== n || body.f5 !== 5) wrong.push(JSON.stringify(body).slice(0, 200));
        },
        () => void errors++,
      ),
    );
  }
  const sendSeconds = (performance.now() - started) / 1000;
  await Promise.all(inflight);
  process.stdout.write(`${JSON.stringify({ answer, executions, errors, wrong: wrong.length, firstWrong: wrong[0], seconds: sendSeconds })}\n`);
}

if (require.main === module) void main();
