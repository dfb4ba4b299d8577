/**
 * Micro-benchmark of the sandbox: `npx tsx test/pipeline/sandbox/bench-sandbox.ts`.
 * Prints what one evaluation costs, and what a 40-node chain with one simple
 * expression per node costs per node (a sandbox per batch, as advancePipeline uses it).
 */
import { createSandbox, loadSandboxEngine } from '../../../activities/pipeline/sandbox';
import { dataAccess } from './data-access';

/* eslint-disable no-console -- a command-line report */

function measure(label: string, runs: number, fn: (i: number) => void): number {
  for (let i = 0; i < Math.min(20, runs); i++) fn(i); // warm up
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    fn(i);
    samples.push(performance.now() - t);
  }
  samples.sort((a, b) => a - b);
  const at = (q: number) => samples[Math.min(samples.length - 1, Math.floor(q * samples.length))] ?? NaN;
  const mean = samples.reduce((a, b) => a + b, 0) / samples.length;
  console.log(`${label.padEnd(58)} mean ${mean.toFixed(4)} ms   p50 ${at(0.5).toFixed(4)} ms   p95 ${at(0.95).toFixed(4)} ms   (${runs} runs)`);
  return mean;
}

async function main(): Promise<void> {
  let t = performance.now();
  await loadSandboxEngine();
  console.log(`loadSandboxEngine (WebAssembly, once per process)            ${(performance.now() - t).toFixed(1)} ms`);

  const input = Array.from({ length: 100 }, (_, i) => ({ id: i, name: `user ${i}`, email: `u${i}@example.com`, tags: ['a', 'b'] }));
  const data = dataAccess({ input, runs: { Start: [{ outputs: [[{ json: { ok: true } }]] }] } });

  measure('createSandbox + dispose', 100, () => createSandbox().dispose());
  measure('createSandbox + first expression + dispose', 50, () => {
    const s = createSandbox();
    s.evaluate('={{ $json.id + 1 }}', data);
    s.dispose();
  });

  const sandbox = createSandbox();
  measure('expression ={{ $json.id + 1 }}', 5000, () => sandbox.evaluate('={{ $json.id + 1 }}', data));
  measure('template =Hello {{ $json.name }} <{{ $json.email }}>', 5000, () => sandbox.evaluate('=Hello {{ $json.name }} <{{ $json.email }}>', data));
  measure('extension ={{ $json.name.toTitleCase() }}', 5000, () => sandbox.evaluate('={{ $json.name.toTitleCase() }}', data));
  measure("node access ={{ $('Start').first().json.ok }}", 5000, () => sandbox.evaluate("={{ $('Start').first().json.ok }}", data));
  measure('resolveParameters (Set node, 3 assignments)', 2000, () =>
    sandbox.resolveParameters(
      {
        assignments: {
          assignments: [
            { name: 'a', value: '={{ $json.id }}', type: 'number' },
            { name: 'b', value: '=x{{ $json.name }}', type: 'string' },
            { name: 'c', value: 'plain', type: 'string' },
          ],
        },
      },
      data,
    ),
  );
  measure('$now.toISO() (Luxon loaded)', 2000, () => sandbox.evaluate('={{ $now.toISO() }}', data));
  measure('Code node, all items (100 items in, 100 out)', 200, () =>
    sandbox.runCode('return items.map((i) => ({ json: { ...i.json, n: i.json.id * 2 } }))', 'runOnceForAllItems', data),
  );
  sandbox.dispose();

  t = performance.now();
  const lux = createSandbox();
  lux.evaluate('={{ $now.toISO() }}', data);
  console.log(`first Luxon use in a fresh sandbox (lazy load)               ${(performance.now() - t).toFixed(1)} ms`);
  lux.dispose();

  // A 40-node chain, one simple expression per node, over one item: one sandbox for the batch.
  const chain = measure('40-node chain, one expression per node (whole batch)', 200, () => {
    const s = createSandbox();
    for (let node = 0; node < 40; node++) s.evaluate(`={{ $json.id + ${node} }}`, data);
    s.dispose();
  });
  console.log(`=> per node: ${(chain / 40).toFixed(4)} ms (target: far under 2 ms)`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
