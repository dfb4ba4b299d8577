/**
 * The latest engine state of recent executions, in this worker's memory. The
 * worker that stored step N usually runs step N + 1 too (sticky workflow
 * tasks), so the state rarely needs to be read back from Postgres; a miss
 * (another worker, a restart) simply reads it there.
 */
import type { EngineState } from '../../domain/pipeline/types';

export class StateCache {
  private readonly entries = new Map<string, { seq: number; state: EngineState }>();

  constructor(private readonly capacity = 64) {}

  /** Takes the state out: the engine may change what it is given, so a failed advance must not leave it behind. */
  take(executionId: string, seq: number): EngineState | undefined {
    const e = this.entries.get(executionId);
    if (!e) return undefined;
    this.entries.delete(executionId);
    return e.seq === seq ? e.state : undefined;
  }

  put(executionId: string, seq: number, state: EngineState): void {
    this.entries.delete(executionId);
    this.entries.set(executionId, { seq, state });
    // Map keeps insertion order: the first key is the least recently used.
    while (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value!);
  }

  forget(executionId: string): void {
    this.entries.delete(executionId);
  }
}
