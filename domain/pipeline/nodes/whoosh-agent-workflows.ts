/**
 * whoosh.team and whoosh.council 1: a team formation or a council kickoff on
 * an issue of a monitored repository, per item, as a child workflow under the
 * id the intake would give it (team:owner/name#n), so a forge event for the
 * same issue reaches it instead of starting another. The node goes on with
 * the child's result when it ends.
 */
import { NodeOperationError } from '../errors';
import type { NodeExecution, NodeType } from '../node-type';
import type { AgentWorkflowResult, IssueRef, Item, JsonObject } from '../types';

const REPO = /^([\w.-]+)\/([\w.-]+)$/;

function issueOf(ex: NodeExecution, i: number): IssueRef {
  const repo = REPO.exec(String(ex.param('repository', i, '')));
  if (!repo) throw new NodeOperationError(`"repository" must be owner/name, not "${String(ex.param('repository', i, ''))}"`, undefined, i);
  const number = Number(ex.param('issueNumber', i, NaN));
  if (!Number.isInteger(number) || number <= 0) throw new NodeOperationError(`"issueNumber" must be a positive whole number`, undefined, i);
  return { owner: repo[1]!, name: repo[2]!, number };
}

function agentWorkflowNode(type: string, workflow: 'team' | 'council'): NodeType {
  return {
    type,
    versions: [1],
    kind: 'subWorkflow',
    inputs: () => 1,
    outputs: () => 1,
    parameters: ['repository', 'issueNumber'],
    check(node) {
      const r = node.parameters?.repository;
      return typeof r === 'string' && (r.startsWith('=') || REPO.test(r)) ? [] : ['parameter "repository" must be owner/name'];
    },
    start(ex) {
      return { step: { kind: 'agentWorkflow', node: ex.node.name, workflow, issues: ex.items.map((_, i) => issueOf(ex, i)) }, pending: null };
    },
    finish(ex, _pending, resume) {
      if (resume.kind === 'activityError') throw new NodeOperationError(resume.error.message, resume.error.description);
      if (resume.kind !== 'activity') throw new Error(`${type}: expected the child's result, got ${resume.kind}`);
      const { outcomes } = resume.result as unknown as AgentWorkflowResult;
      const out: Item[] = [];
      ex.items.forEach((_, i) => {
        const o = outcomes[i];
        if (o?.ok) return void out.push({ json: { workflowId: o.workflowId, ...o.result } as JsonObject, pairedItem: { item: i } });
        const message = o ? o.message : `No result for item ${i}`;
        if (!ex.continueOnFail) throw new NodeOperationError(message, undefined, i);
        out.push({ json: { error: message, ...(o ? { workflowId: o.workflowId } : {}) }, pairedItem: { item: i } });
      });
      return [out];
    },
  };
}

export const whooshTeam = agentWorkflowNode('whoosh.team', 'team');
export const whooshCouncil = agentWorkflowNode('whoosh.council', 'council');
