/** Every workflow the orchestrator worker registers. */
export { baseline } from './baseline';
export { selfCheck } from './self-check';
