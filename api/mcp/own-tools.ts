/**
 * WHOOSH's own MCP tools: each a zod schema for its arguments, the least role
 * that may see and call it (the REST route's role), and a call through the
 * REST client. The answers are the API's own JSON.
 */
import { z } from 'zod';
import type { Role } from '../../domain/roles';
import { COUNCIL_STATUSES, TEAM_STATUSES } from '../../domain/statuses';
import type { WhooshClient } from '../../cli/api-client';

export interface OwnTool {
  readonly name: string;
  readonly description: string;
  readonly role: Role;
  readonly args: z.ZodObject;
  readonly readOnly: boolean;
  call(client: WhooshClient, args: Record<string, unknown>): Promise<unknown>;
}

const tool = <S extends z.ZodObject>(t: { name: string; description: string; role: Role; args: S; call: (client: WhooshClient, args: z.infer<S>) => Promise<unknown> }): OwnTool => ({
  ...t,
  readOnly: t.role === 'viewer',
  call: (client, args) => t.call(client, t.args.parse(args)),
});

const id = (what: string) => z.object({ id: z.string().min(1).describe(`The ${what} id`) });
const listArgs = (statuses: readonly string[]) =>
  z.object({
    repository: z.string().optional().describe('owner/name'),
    status: z.enum(statuses as [string, ...string[]]).optional(),
    limit: z.number().int().min(1).max(200).optional(),
  });

/** A run's timeline cut to what an assistant reads: each step, its status and failure. */
async function timelineSummary(client: WhooshClient, workflowId: string) {
  const h = await client.history(workflowId);
  return {
    workflowId: h.workflowId,
    runId: h.runId,
    type: h.type,
    status: h.status,
    durationMs: h.timeline.durationMs,
    steps: h.timeline.items.map((i) => ({ kind: i.kind, title: i.title, status: i.status, durationMs: i.durationMs, ...(i.failure ? { failure: i.failure.message } : {}) })),
    temporalUiUrl: h.temporalUiUrl,
  };
}

export const OWN_TOOLS: readonly OwnTool[] = [
  tool({ name: 'list_agents', description: 'Agent nodes (Ollama servers) with health, models and current load', role: 'viewer', args: z.object({}), call: (c) => c.agents() }),
  tool({ name: 'get_agent', description: 'One agent node with health, models, load and latency', role: 'viewer', args: id('agent node'), call: (c, a) => c.agent(a.id) }),
  tool({ name: 'list_teams', description: 'Teams formed for task issues, newest first', role: 'viewer', args: listArgs(TEAM_STATUSES), call: (c, a) => c.teams(a) }),
  tool({ name: 'get_team', description: 'A team: classification, scoring and members', role: 'viewer', args: id('team'), call: (c, a) => c.team(a.id) }),
  tool({ name: 'list_councils', description: 'Design councils, newest first', role: 'viewer', args: listArgs(COUNCIL_STATUSES), call: (c, a) => c.councils(a) }),
  tool({ name: 'get_council', description: 'A council: members, rounds, decision and task issues (artifacts are resources)', role: 'viewer', args: id('council'), call: (c, a) => c.council(a.id) }),
  tool({
    name: 'analyze_task',
    description: 'Dry run of team formation: how a task issue would be classified and which agents would take each role',
    role: 'viewer',
    args: z.object({ title: z.string().min(1), body: z.string().optional(), labels: z.array(z.string()).optional() }),
    call: (c, a) => c.analyze(a),
  }),
  tool({
    name: 'list_executions',
    description: 'Workflow executions (teams, councils, pipelines, syncs), newest first',
    role: 'viewer',
    args: z.object({
      kind: z.string().optional().describe('team, council, pipeline, ...'),
      status: z.enum(['RUNNING', 'COMPLETED', 'FAILED', 'CANCELLED', 'TERMINATED', 'CONTINUED_AS_NEW', 'TIMED_OUT']).optional(),
      repository: z.string().optional(),
      limit: z.number().int().min(1).max(200).optional(),
    }),
    call: (c, a) => c.executions({ kind: a.kind, status: a.status, repository: a.repository, pageSize: a.limit ?? 20 }).then((r) => r.executions),
  }),
  tool({ name: 'get_execution', description: 'One execution with a summary of its timeline (each step, status, failure)', role: 'viewer', args: z.object({ workflowId: z.string().min(1) }), call: (c, a) => timelineSummary(c, a.workflowId) }),
  tool({ name: 'approve_council', description: 'Approve a council’s plan: its tasks become issues that start teams', role: 'operator', args: id('council'), call: (c, a) => c.approveCouncil(a.id) }),
  tool({
    name: 'revise_council',
    description: 'Send a council’s plan back with feedback for another round',
    role: 'operator',
    args: id('council').extend({ feedback: z.string().min(1) }),
    call: (c, a) => c.reviseCouncil(a.id, a.feedback),
  }),
  tool({ name: 'cancel_team', description: 'Cancel a running team; its agents are removed', role: 'operator', args: id('team').extend({ reason: z.string().optional() }), call: (c, a) => c.cancelTeam(a.id, a.reason) }),
  tool({ name: 'run_self_check', description: 'Run WHOOSH’s self-check workflow (Temporal and Postgres round trip)', role: 'operator', args: z.object({}), call: (c) => c.selfCheck(30) }),
];

export const inputSchemaOf = (t: OwnTool) => z.toJSONSchema(t.args, { io: 'input' }) as { type: 'object'; [k: string]: unknown };
