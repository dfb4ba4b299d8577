/** What a node waiting for approval on the canvas needs: send the decision for the run on the canvas. */
import { getContext, setContext } from 'svelte';

export interface ApprovalContext {
  /** Undefined when the viewer may not decide (a viewer's role). */
  decide?(node: string, decision: 'approve' | 'reject', comment: string): Promise<void>;
}

const KEY = Symbol('whoosh.pipeline.approval');
export const provideApproval = (ctx: ApprovalContext): ApprovalContext => setContext(KEY, ctx);
export const useApproval = (): ApprovalContext | undefined => getContext<ApprovalContext | undefined>(KEY);
