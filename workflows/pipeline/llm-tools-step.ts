/**
 * One whoosh.llm call with tools: the MCP tools it names are listed (an
 * activity), offered to the model as Ollama `tools`, and for as long as the
 * model answers with `tool_calls` each round's calls are made (an activity)
 * and their results sent back as `tool` turns, up to maxToolRounds model
 * turns. The answer carries the final text and every call made. Workflow code:
 * deterministic, all I/O through activities.
 */
import { proxyActivities } from '@temporalio/workflow';
import type { LlmToolActivities } from '../../activities/pipeline/llm-tool-activities';
import type { LlmWireAnswer } from '../../activities/pipeline/whoosh-steps';
import { mcpTextOf } from '../../domain/pipeline/nodes/whoosh-mcp-tool';
import type { JsonObject, LlmStepCall, LlmToolCallRecord } from '../../domain/pipeline/types';
import type { LlmMessage, LlmTool } from '../../domain/routing/llm-call';
import { callLlmWithFailover } from '../llm-call';

const DEFAULT_ROUNDS = 5;

const { listLlmTools, callLlmTools } = proxyActivities<LlmToolActivities>({
  startToCloseTimeout: '10m',
  heartbeatTimeout: '30s',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '30s', maximumAttempts: 3, nonRetryableErrorTypes: ['Misconfigured'] },
});

export async function runLlmToolLoop(call: LlmStepCall): Promise<LlmWireAnswer> {
  const started = Date.now();
  const listed = await listLlmTools([...(call.tools ?? [])]);
  // A tool's name as the model sees it: the bare name, or server__name when two servers share it.
  const clash = (name: string) => listed.filter((t) => t.tool === name).length > 1;
  const offered = listed.map((t) => ({ ...t, name: clash(t.tool) ? `${t.server}__${t.tool}` : t.tool }));
  const tools: LlmTool[] = offered.map((t) => ({ type: 'function', function: { name: t.name, description: t.description, parameters: t.inputSchema } }));
  const messages: LlmMessage[] = [...call.messages];
  const made: LlmToolCallRecord[] = [];
  const failedOver: string[] = [];
  const maxRounds = Math.max(1, call.maxToolRounds ?? DEFAULT_ROUNDS);
  let promptTokens = 0;
  let completionTokens = 0;
  for (let round = 1; ; round++) {
    const r = await callLlmWithFailover({
      needs: { ...(call.model ? { model: call.model } : {}), ...(call.specialization ? { specialization: call.specialization } : {}) },
      request: { messages, tools, ...(call.options ? { options: call.options } : {}), ...(call.format ? { format: call.format } : {}) },
    });
    promptTokens += r.metrics.promptTokens;
    completionTokens += r.metrics.evalTokens;
    failedOver.push(...r.failedOver.map((f) => f.nodeId));
    const asked = r.toolCalls ?? [];
    if (asked.length === 0) {
      return {
        ok: true,
        ...(r.content !== undefined ? { text: r.content } : {}),
        ...(r.contentRef !== undefined ? { contentRef: r.contentRef } : {}),
        model: r.model,
        node: r.nodeId,
        promptTokens,
        completionTokens,
        durationMs: Date.now() - started,
        failedOver,
        toolCalls: made,
        rounds: round,
      };
    }
    if (round >= maxRounds) return { ok: false, message: `the model still called tools after ${maxRounds} rounds (maxToolRounds)` };
    const targets = asked.map((c) => offered.find((t) => t.name === c.function.name));
    const known = asked.flatMap((c, i) => (targets[i] ? [{ server: targets[i].server, tool: targets[i].tool, arguments: (c.function.arguments ?? {}) as JsonObject }] : []));
    const results = known.length ? await callLlmTools({ calls: known }) : [];
    messages.push({ role: 'assistant', content: r.content ?? '', tool_calls: asked });
    let k = 0;
    asked.forEach((c, i) => {
      const target = targets[i];
      let result: string;
      let isError = true;
      if (!target) result = `Error: there is no tool "${c.function.name}" (offered: ${offered.map((t) => t.name).join(', ')})`;
      else {
        const res = results[k++];
        if (!res) result = 'Error: no result';
        else if (!res.ok) result = `Error: ${res.message}`;
        else {
          const text = mcpTextOf(res.content) || (res.structuredContent ? JSON.stringify(res.structuredContent) : '');
          isError = res.isError;
          result = res.isError ? `Error: ${text || 'the tool failed'}` : text;
        }
      }
      made.push({ server: target?.server ?? '', tool: target?.tool ?? c.function.name, arguments: (c.function.arguments ?? {}) as JsonObject, result, isError });
      messages.push({ role: 'tool', content: result, tool_name: c.function.name });
    });
  }
}
