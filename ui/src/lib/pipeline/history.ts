/**
 * Undo and redo over immutable documents. Edits in a quick burst (typing in a
 * field, dragging a node) can share one step: `push` with the same `mergeKey`
 * as the last step within `mergeMs` replaces that step's result instead of
 * adding a step.
 */
export interface History<T> {
  readonly current: T;
  readonly canUndo: boolean;
  readonly canRedo: boolean;
  /** Whether `current` differs from what was last marked saved. */
  readonly dirty: boolean;
}

export class UndoStack<T> {
  private past: T[] = [];
  private future: T[] = [];
  private lastKey: string | undefined;
  private lastAt = 0;
  private saved: T;

  constructor(
    private value: T,
    private readonly limit = 200,
    private readonly mergeMs = 1000,
    private readonly now: () => number = Date.now,
  ) {
    this.saved = value;
  }

  get current(): T {
    return this.value;
  }
  get canUndo(): boolean {
    return this.past.length > 0;
  }
  get canRedo(): boolean {
    return this.future.length > 0;
  }
  get dirty(): boolean {
    return this.value !== this.saved;
  }

  push(next: T, mergeKey?: string): void {
    if (next === this.value) return;
    const t = this.now();
    const merge = mergeKey !== undefined && mergeKey === this.lastKey && t - this.lastAt <= this.mergeMs && this.past.length > 0;
    if (!merge) {
      this.past.push(this.value);
      if (this.past.length > this.limit) this.past.shift();
    }
    this.value = next;
    this.future = [];
    this.lastKey = mergeKey;
    this.lastAt = t;
  }

  undo(): T {
    const prev = this.past.pop();
    if (prev === undefined) return this.value;
    this.future.push(this.value);
    this.value = prev;
    this.lastKey = undefined;
    return prev;
  }

  redo(): T {
    const next = this.future.pop();
    if (next === undefined) return this.value;
    this.past.push(this.value);
    this.value = next;
    this.lastKey = undefined;
    return next;
  }

  /** The current value is what the server has now. */
  markSaved(): void {
    this.saved = this.value;
  }

  /** Starts over with a loaded value (no history). */
  reset(value: T): void {
    this.value = value;
    this.saved = value;
    this.past = [];
    this.future = [];
    this.lastKey = undefined;
  }
}
