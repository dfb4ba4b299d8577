/**
 * Runs one simulated Ollama server until Ctrl-C, for the demo mode and for
 * poking at by hand:
 *
 *   tsx simulators/ollama/cli.ts --port 11434 --models llama3.1:8b,qwen2.5-coder:7b --tps 50
 */
import { parseArgs } from 'node:util';
import { OllamaSimulator, type OllamaSimulatorOptions } from './ollama-simulator';

const USAGE = `Usage: tsx simulators/ollama/cli.ts [options]

  --port <n>             port to listen on (default 11434; 0 = any free port)
  --host <addr>          address to bind (default 127.0.0.1)
  --models <a,b,...>     installed models (default llama3.1:8b)
  --tps <n>              generated tokens per second (default 200)
  --latency <ms>         delay before every response (default 0)
  --failure-rate <0..1>  share of chat/generate requests answered 503 busy (default 0)
  --max-concurrent <n>   answer 503 busy beyond this many requests in flight
  --seed <n>             seed for --failure-rate
  --ollama-version <v>   version /api/version reports (default 0.6.0)
`;

function number(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n)) throw new Error(`--${flag} expects a number, got "${value}"`);
  return n;
}

function optionsFrom(argv: string[]): OllamaSimulatorOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      models: { type: 'string' },
      tps: { type: 'string' },
      latency: { type: 'string' },
      'failure-rate': { type: 'string' },
      'max-concurrent': { type: 'string' },
      seed: { type: 'string' },
      'ollama-version': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write(USAGE);
    process.exit(0);
  }
  return {
    port: number('port', values.port) ?? 11434,
    host: values.host,
    models: values.models
      ?.split(',')
      .map((m) => m.trim())
      .filter(Boolean),
    tokensPerSecond: number('tps', values.tps),
    latencyMs: number('latency', values.latency),
    failureRate: number('failure-rate', values['failure-rate']),
    maxConcurrent: number('max-concurrent', values['max-concurrent']),
    seed: number('seed', values.seed),
    version: values['ollama-version'],
  };
}

async function main(): Promise<void> {
  const sim = await OllamaSimulator.start(optionsFrom(process.argv.slice(2)));
  process.stdout.write(`Simulated Ollama listening on ${sim.url}\n`);
  const shutdown = (): void => {
    void sim.stop().then(() => process.exit(0));
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exitCode = 1;
});
