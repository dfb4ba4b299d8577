/** Shared helpers for benchmark scenarios: percentiles and the result line. */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const idx = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[idx]!;
}

export const round = (n: number, digits = 2): number => Number(n.toFixed(digits));

export type Metrics = Record<string, unknown>;

export interface Scenario {
  readonly name: string;
  readonly description: string;
  run(log: (line: string) => void): Promise<Metrics>;
}
