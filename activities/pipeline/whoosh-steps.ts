/**
 * The durable steps of WHOOSH's own nodes as the workflow sees them (LLM calls
 * on the fleet, approvals, team and council children), and how their
 * results come back into the engine: long LLM answers travel by reference
 * (llm_outputs) and are read here, so the history never holds them twice.
 */
import type { Pool } from 'pg';
import type { AgentWorkflowResult, ApprovalDecision, JsonObject, LlmStepAnswer, LlmStepCall, ResumeResult, Step } from '../../domain/pipeline/types';

export type WhooshStepDescriptor =
  | { readonly kind: 'llm'; readonly seq: number; readonly node: string; readonly calls: LlmStepCall[] }
  | ({ readonly kind: 'approval'; readonly seq: number } & Omit<Extract<Step, { kind: 'approval' }>, 'kind'>)
  | ({ readonly kind: 'agentWorkflow'; readonly seq: number } & Omit<Extract<Step, { kind: 'agentWorkflow' }>, 'kind'>);

/** An answer as the workflow got it: the text inline, or the id of the stored output. */
export type LlmWireAnswer =
  | (Omit<Extract<LlmStepAnswer, { ok: true }>, 'text'> & { readonly text?: string; readonly contentRef?: string })
  | Extract<LlmStepAnswer, { ok: false }>;

export type WhooshResumeInput =
  | { readonly kind: 'llm'; readonly node: string; readonly answers: LlmWireAnswer[] }
  | { readonly kind: 'approval'; readonly node: string; readonly decision: ApprovalDecision }
  | { readonly kind: 'agentWorkflow'; readonly node: string; readonly result: AgentWorkflowResult };

type WhooshStep = Extract<Step, { kind: 'llm' | 'approval' | 'agentWorkflow' }>;

export function whooshDescriptorOf(seq: number, s: WhooshStep): WhooshStepDescriptor {
  switch (s.kind) {
    case 'llm':
      return { kind: 'llm', seq, node: s.node, calls: s.calls };
    case 'approval': {
      const { kind: _kind, ...rest } = s;
      return { kind: 'approval', seq, ...rest };
    }
    case 'agentWorkflow':
      return { kind: 'agentWorkflow', seq, node: s.node, workflow: s.workflow, issues: s.issues };
  }
}

export async function whooshResumeOf(pool: Pool, input: WhooshResumeInput): Promise<ResumeResult> {
  switch (input.kind) {
    case 'llm': {
      const answers: LlmStepAnswer[] = [];
      for (const a of input.answers) {
        if (!a.ok) {
          answers.push(a);
          continue;
        }
        const { contentRef, text, ...rest } = a;
        let content = text ?? '';
        if (contentRef) {
          const { rows } = await pool.query<{ content: string }>('SELECT content FROM llm_outputs WHERE id = $1', [contentRef]);
          content = rows[0]?.content ?? '';
        }
        answers.push({ ...rest, text: content });
      }
      return { kind: 'activity', node: input.node, result: { answers } as unknown as JsonObject };
    }
    case 'approval':
      return { kind: 'activity', node: input.node, result: input.decision as unknown as JsonObject };
    case 'agentWorkflow':
      return { kind: 'activity', node: input.node, result: input.result as unknown as JsonObject };
  }
}
