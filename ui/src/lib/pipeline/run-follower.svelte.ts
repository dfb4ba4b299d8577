/**
 * Follows one pipeline execution for the canvas: its view (status, error,
 * Temporal link) and each node's state, refetched when the live feed says the
 * run's workflow changed (`execution:<workflowId>`) and, while it runs, on a
 * short timer too, since a run of pure nodes may finish between two events.
 */
import { errorMessage, isUnauthorized } from '../api';
import type { Session } from '../context';
import { subscribeLive } from '../live';
import { getCanvas, getExecution, type CanvasView, type ExecutionView } from '../pipelines';

const ACTIVE = new Set(['running', 'waiting']);

export class RunFollower {
  execution = $state.raw<ExecutionView>();
  canvas = $state.raw<CanvasView>();
  error = $state('');
  private timer: ReturnType<typeof setTimeout> | undefined;
  private unsubscribe: (() => void) | undefined;
  private following: string | undefined;

  constructor(private readonly session: Session) {}

  get running(): boolean {
    return this.execution !== undefined && ACTIVE.has(this.execution.status);
  }

  follow(executionId: string, first?: ExecutionView): void {
    this.stop();
    this.following = executionId;
    this.execution = first;
    this.canvas = undefined;
    void this.refresh(executionId);
  }

  private async refresh(id: string): Promise<void> {
    clearTimeout(this.timer);
    try {
      // The status first, then the canvas: read together, a run ending between the two reads showed
      // "success" over node states from before its end, and the follower stops refreshing once it ended.
      const execution = await getExecution(this.session.token, id);
      const canvas = await getCanvas(this.session.token, id);
      if (this.following !== id) return;
      this.execution = execution;
      this.canvas = canvas;
      this.error = '';
      if (!this.unsubscribe && ACTIVE.has(execution.status)) {
        this.unsubscribe = subscribeLive({ token: this.session.token, topics: [`execution:${execution.workflowId}`], onChange: () => void this.refresh(id), onUnauthorized: this.session.onUnauthorized });
      }
    } catch (err) {
      if (this.following !== id) return;
      if (isUnauthorized(err)) return this.session.onUnauthorized();
      this.error = errorMessage(err);
    }
    if (this.following !== id) return;
    if (!this.execution || ACTIVE.has(this.execution.status)) {
      this.timer = setTimeout(() => void this.refresh(id), 1000);
    } else {
      this.unsubscribe?.();
      this.unsubscribe = undefined;
    }
  }

  stop(): void {
    clearTimeout(this.timer);
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    this.following = undefined;
  }
}
