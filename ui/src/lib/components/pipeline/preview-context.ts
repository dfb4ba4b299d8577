/** What an expression field needs to preview itself: evaluate in the sandbox for this node against the last run. */
import { getContext, setContext } from 'svelte';
import type { PreviewResult } from '../../pipelines';

export interface PreviewContext {
  readonly nodeName: string;
  preview(expression: string): Promise<PreviewResult>;
}

const KEY = Symbol('whoosh.pipeline.preview');
export const providePreview = (ctx: PreviewContext): PreviewContext => setContext(KEY, ctx);
export const usePreview = (): PreviewContext | undefined => getContext<PreviewContext | undefined>(KEY);
