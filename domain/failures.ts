/**
 * The one failure model across the activity and workflow boundary.
 *
 * Every failure that retrying cannot fix crosses the boundary as an
 * `ApplicationFailure` whose type is one of `FAILURE_TYPES` — a closed set, so
 * a new kind of failure is named here before anything can throw it. What
 * arrives on the other side is wrapped (`ActivityFailure`, `ChildWorkflowFailure`,
 * the client's `WorkflowFailedError`...), whose own message only says where it
 * failed ("Activity task failed"); `failureMessage` and `failureType` follow
 * the cause chain past those wrappers to what actually went wrong.
 *
 * Pure: importable by workflows, activities and the API alike.
 */
import { ApplicationFailure } from '@temporalio/common';

/** Every non-retryable failure type WHOOSH throws, and what it means. */
export const FAILURE_TYPES = {
  // LLM calls (activities/ollama/errors.ts classifies the node's answers; the retryable ones live there).
  ModelNotFound: 'the node lacks the model; another node may have it',
  InvalidLlmRequest: 'the request itself is wrong; no node can serve it',
  NoEligibleNode: 'no agent node could serve an LLM call within the wait',
  OutputNotFound: 'a stored LLM output is gone',
  // Docker
  DockerRejected: 'the Docker daemon refused a request (4xx)',
  InvalidAgentSpec: "an agent's container settings are out of range",
  // Forges and the intake
  ForgeRejected: 'Gitea or GitHub refused a request (4xx)',
  RepositoryNotFound: 'the repository is not registered (any more)',
  Misconfigured: 'a worker lacks something it needs',
  SystemCheckMissing: "the self-check's row was not found",
  // Teams
  NoTeam: 'no agent could be found for any role',
  TeamDeploymentFailed: "a member's deployment failed; the others were removed",
  ReformImpossible: 'the role cannot be scored again',
  UnknownAgent: 'no such agent node is registered',
  AgentDown: 'the agent node is down',
  NoOtherAgent: 'no other agent node can take the role',
  // Councils
  CouncilNotFound: 'no such council is stored',
  PlanNotFound: 'the council has no plan in that round',
  CouncilQuorumNotMet: 'too few council members answered',
  CouncilSynthesisFailed: 'the engineering lead could not synthesize the plan',
  // Pipelines
  PipelineEngineError: "the engine could not go on with a run's stored state",
  PipelineFailed: 'a node failed and the run stopped (onError: stopWorkflow)',
  UnsupportedNode: 'a node type has no activity on this worker',
  CredentialNotFound: 'a node names a credential that is not stored (or not of the type it needs)',
} as const;

export type FailureType = keyof typeof FAILURE_TYPES;

/** The non-retryable failure to throw across the boundary. */
export function nonRetryableFailure(type: FailureType, message: string, details?: readonly unknown[]): ApplicationFailure {
  return ApplicationFailure.create({ type, message, nonRetryable: true, ...(details ? { details: [...details] } : {}) });
}

/** Failures that only say where something failed; the cause says what. */
const WRAPPERS: ReadonlySet<string> = new Set([
  'ActivityFailure',
  'ChildWorkflowFailure',
  'NexusOperationFailure',
  'WorkflowFailedError',
  'WorkflowUpdateFailedError',
  'ActivityExecutionFailedError',
]);

interface ErrorLike {
  readonly name: string;
  readonly message: string;
  readonly cause?: unknown;
  readonly type?: unknown;
}

/** Failures may come from another realm (the workflow sandbox, fetch): duck-type them. */
const errorLike = (e: unknown): e is ErrorLike =>
  typeof e === 'object' && e !== null && typeof (e as ErrorLike).message === 'string' && typeof (e as ErrorLike).name === 'string';

/** The failure under the wrappers: the one that says what went wrong. */
export function rootFailure(err: unknown): unknown {
  let e = err;
  for (let depth = 0; depth < 32 && errorLike(e) && WRAPPERS.has(e.name) && errorLike(e.cause); depth++) e = e.cause;
  return e;
}

/** What went wrong, in words, from any error or failure (never "Activity task failed" when its cause says more). */
export function failureMessage(err: unknown): string {
  const e = rootFailure(err);
  return errorLike(e) ? e.message : String(e);
}

/** The ApplicationFailure type of what went wrong, or the error's class name ('TimeoutFailure'); undefined for non-errors. */
export function failureType(err: unknown): string | undefined {
  const e = rootFailure(err);
  if (!errorLike(e)) return undefined;
  if (e.name === 'ApplicationFailure') return typeof e.type === 'string' ? e.type : undefined;
  return e.name;
}
