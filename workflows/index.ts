/** Every workflow the orchestrator worker registers. */
export { agentHealthSweep } from './agent-health';
export { baseline } from './baseline';
export { councilKickoff } from './council/council-kickoff';
export { llmCall } from './llm-call';
export { repositorySync } from './repository-sync';
export { selfCheck } from './self-check';
export { teamFormation } from './team/team-formation';
export { pipelineRun } from './pipeline/pipeline-run';
export { pipelineScheduled } from './pipeline/pipeline-scheduled';
export { pipelineRetention } from './pipeline/pipeline-retention';
