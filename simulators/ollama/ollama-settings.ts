/** The simulated Ollama's options, checked once into the settings it answers by, and the seeded randomness behind failureRate. */
import { DEFAULT_MODEL, modelEntry, type ModelEntry, type SimulatedModel } from './ollama-models';
import { defaultReply, defaultToolCalls, type SimRequest, type SimToolCall } from './reply';

export interface OllamaSimulatorOptions {
  /** 0 = any free port (default). Fixed for the simulator's life: restart() reuses it. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Installed models; default ['llama3.1:8b']. A name without a tag means `:latest`, as in Ollama. */
  models?: (string | SimulatedModel)[];
  /** Streaming speed of generated tokens; default 200. */
  tokensPerSecond?: number;
  /** Delay before the first byte of every response; default 0. */
  latencyMs?: number;
  /** 0..1 probability that a chat/generate request answers 503 busy; default 0. */
  failureRate?: number;
  /** When set, chat/generate requests beyond this many in flight answer 503 busy. */
  maxConcurrent?: number;
  /** What /api/version reports; default '0.6.0'. */
  version?: string;
  /** Text of the reply; default: JSON matching `format`, else a sentence echoing the last user turn. */
  respond?: (req: SimRequest) => string;
  /** Tool calls for a request that offers `tools` (undefined: answer in words); default: defaultToolCalls. */
  toolCalls?: (req: SimRequest) => SimToolCall[] | undefined;
  /** Seed of the randomness behind failureRate, for reproducible runs. */
  seed?: number;
}

export interface Settings {
  host: string;
  models: ModelEntry[];
  tokensPerSecond: number;
  latencyMs: number;
  failureRate: number;
  maxConcurrent: number | undefined;
  version: string;
  respond: (req: SimRequest) => string;
  toolCalls: (req: SimRequest) => SimToolCall[] | undefined;
}

export function resolveSettings(options: OllamaSimulatorOptions): Settings {
  const tokensPerSecond = options.tokensPerSecond ?? 200;
  const latencyMs = options.latencyMs ?? 0;
  const failureRate = options.failureRate ?? 0;
  const { maxConcurrent } = options;
  if (!(tokensPerSecond > 0)) throw new RangeError(`tokensPerSecond must be > 0, got ${tokensPerSecond}`);
  if (!(latencyMs >= 0)) throw new RangeError(`latencyMs must be >= 0, got ${latencyMs}`);
  if (!(failureRate >= 0 && failureRate <= 1)) throw new RangeError(`failureRate must be within 0..1, got ${failureRate}`);
  if (maxConcurrent !== undefined && !(Number.isInteger(maxConcurrent) && maxConcurrent >= 0)) {
    throw new RangeError(`maxConcurrent must be a whole number >= 0, got ${maxConcurrent}`);
  }
  const models = (options.models ?? [DEFAULT_MODEL]).map(modelEntry);
  return {
    host: options.host ?? '127.0.0.1',
    models,
    tokensPerSecond,
    latencyMs,
    failureRate,
    maxConcurrent,
    version: options.version ?? '0.6.0',
    respond: options.respond ?? defaultReply,
    toolCalls: options.toolCalls ?? defaultToolCalls,
  };
}

/** Small seeded PRNG (mulberry32): the same seed gives the same busy answers. */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
