/**
 * The lifecycle every long-running WHOOSH process shares (team formations,
 * council kickoffs, and pipelines next): the execution marked with its search
 * attributes, a status shown in four places at once (search attribute, read
 * model, issue label, query), steps that fall back when they take too long,
 * and the same ending whether it comes from a signal or a Temporal cancel.
 * Workflow code: deterministic, Temporal's APIs only.
 */
import { CancellationScope, isCancellation, proxyActivities, upsertSearchAttributes, uuid4, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities';
import { failureMessage } from '../domain/failures';
import type { WhooshKind } from '../domain/kinds';
import { WHOOSH_ISSUE, WHOOSH_KIND, WHOOSH_REPOSITORY, WHOOSH_STATUS_DETAIL } from '../domain/search-attributes';
import { FORGE } from './activity-profiles';
import type { IntakeInput } from './definitions';

const forge = proxyActivities<Activities>(FORGE);

/** The workflow's own copy of a state the query answers with readonly fields. */
export type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** How a process ended, when it did not fail: a final status and a sentence for the issue. */
export interface Ending<S extends string> {
  readonly status: S;
  readonly outcome: string;
}

/** Marks the execution for the lists (dashboard and Temporal Web UI): its kind, repository, issue and first status. */
export function markExecution(kind: WhooshKind, repository: string, issue: number, status: string): void {
  upsertSearchAttributes([
    { key: WHOOSH_KIND, value: kind },
    { key: WHOOSH_REPOSITORY, value: repository },
    { key: WHOOSH_ISSUE, value: issue },
    { key: WHOOSH_STATUS_DETAIL, value: status },
  ]);
}

/**
 * What every process an issue started has: its issue, its repository, a row
 * in the read model once saved, and a status shown everywhere at once.
 */
export abstract class IssueProcess<S extends string, P extends object, Settings> {
  readonly info = workflowInfo();
  /** The process's own id (the team's, the council's), in the read model and in markers. */
  readonly id = uuid4();
  readonly repository: string;
  readonly issueRef: { readonly repositoryId: number; readonly number: number };
  /** Whether the read model has a row yet. */
  saved = false;
  /** Loaded by the first activity. */
  settings: Settings | undefined;
  /** The state the query answers with. */
  abstract readonly state: { status: S; readonly issue: { readonly number: number; readonly title: string; readonly url: string } };
  /** The issue label of each status. */
  protected abstract readonly labels: Readonly<Record<S, string>>;

  constructor(readonly input: IntakeInput) {
    this.repository = `${input.issue.owner}/${input.issue.name}`;
    this.issueRef = { repositoryId: input.repositoryId, number: input.issue.number };
  }

  /** Writes a status to the read model. */
  protected abstract saveStatus(status: S, patch: P): Promise<void>;

  /** The first fields of the state: its status, repository and issue. */
  protected opening<T extends S>(status: T) {
    const { number, title, url } = this.input.issue;
    return { status, repository: this.repository, issue: { number, title, url } };
  }

  /** What the read model's row says of the execution and its issue. */
  protected row() {
    const { info, input } = this;
    return { workflowId: info.workflowId, runId: info.runId, repositoryId: input.repositoryId, repository: this.repository, forge: input.forge, issue: this.state.issue };
  }

  /**
   * Shows a status everywhere: search attribute, read model (once saved),
   * issue label, and last the query, so a status seen through the query is
   * one the read model and the issue show too.
   */
  async setStatus(status: S, patch: P = {} as P): Promise<void> {
    upsertSearchAttributes([{ key: WHOOSH_STATUS_DETAIL, value: status }]);
    if (this.saved) await this.saveStatus(status, patch);
    await forge.setIssueStatusLabel({ ...this.issueRef, label: this.labels[status] });
    this.state.status = status;
  }
}

/** Why a step with a deadline gave up: it took too long, or it failed (`message` says why). */
export type Shortfall = { readonly timedOut: true } | { readonly timedOut: false; readonly message: string };

/**
 * Runs `work` within `seconds`; when it takes longer or fails, `fallback`
 * decides the result. The cancellation of the scope this runs in is not a
 * shortfall: it goes on.
 */
export async function withFallback<T, F = T>(seconds: number, work: () => Promise<T>, fallback: (why: Shortfall) => F): Promise<T | F> {
  try {
    return await CancellationScope.withTimeout(seconds * 1000, work);
  } catch (err) {
    if (isCancellation(err) && CancellationScope.current().consideredCancelled) throw err;
    return fallback(isCancellation(err) ? { timedOut: true } : { timedOut: false, message: failureMessage(err) });
  }
}

/** The ending of a process cancelled through Temporal (Web UI, API). */
export const CANCELLED_THROUGH_TEMPORAL = { status: 'cancelled', outcome: 'The workflow was cancelled through Temporal.' } as const;

/**
 * Runs the main flow; when the workflow is cancelled through Temporal, runs
 * `finish` for that ending out of reach of the cancellation. The workflow
 * then completes, as a signalled cancellation does, so the same issue does
 * not start it again.
 */
export async function runToEnd<R>(main: () => Promise<R>, finish: (e: typeof CANCELLED_THROUGH_TEMPORAL) => Promise<R>): Promise<R> {
  try {
    return await main();
  } catch (err) {
    if (!isCancellation(err)) throw err;
    return await CancellationScope.nonCancellable(() => finish(CANCELLED_THROUGH_TEMPORAL));
  }
}
