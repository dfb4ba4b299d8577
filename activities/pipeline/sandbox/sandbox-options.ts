/**
 * Options of a sandbox, their defaults and their bounds, checked once when
 * the sandbox is made so a wrong setting fails fast with a precise message.
 */

export interface SandboxOptions {
  /** Deadline of one evaluation (an expression, or a whole Code node run), ms. Default 3000. */
  readonly timeoutMs?: number;
  /** Memory limit of the sandbox's heap, bytes. Default 64 MiB. */
  readonly memoryLimitBytes?: number;
  /** QuickJS's stack limit, bytes. Default 160 KiB: QuickJS must stop deep recursion before the host's own stack runs out inside WebAssembly. */
  readonly maxStackBytes?: number;
  /** Largest result (JSON characters) an evaluation may hand back. Default 16 MiB. */
  readonly maxOutputChars?: number;
}

export const SANDBOX_DEFAULTS = {
  timeoutMs: 3000,
  memoryLimitBytes: 64 * 1024 * 1024,
  maxStackBytes: 160 * 1024,
  maxOutputChars: 16 * 1024 * 1024,
} as const;

const BOUNDS: Record<keyof SandboxOptions, readonly [number, number]> = {
  timeoutMs: [1, 10 * 60_000],
  memoryLimitBytes: [8 * 1024 * 1024, 2 * 1024 * 1024 * 1024],
  // Above ~1 MiB the host's own stack runs out inside WebAssembly before QuickJS's check trips.
  maxStackBytes: [32 * 1024, 1024 * 1024],
  maxOutputChars: [1024, 512 * 1024 * 1024],
};

export function checkOptions(options: SandboxOptions): void {
  for (const [key, [min, max]] of Object.entries(BOUNDS) as [keyof SandboxOptions, readonly [number, number]][]) {
    const value = options[key];
    if (value === undefined) continue;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
      throw new RangeError(`createSandbox: ${key} must be a whole number from ${min} to ${max}, got ${String(value)}`);
    }
  }
}

