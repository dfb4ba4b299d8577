/**
 * Councils: the read model the council-kickoff workflows write — members,
 * rounds, decisions, the artifacts as JSON and Markdown — and the decisions
 * on a plan (approve, revise, cancel), which go to the workflow as its
 * `decideCouncil` update: refused (409) unless the council awaits one.
 */
import { WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import { z } from 'zod';
import { getArtifact, getCouncil, listArtifacts, listCouncils, type ArtifactRow, type CouncilRow } from '../../activities/council/council-reads';
import { failureMessage } from '../../domain/failures';
import { ARTIFACT_TITLES, type Artifact } from '../../domain/council/artifacts';
import { ackView, artifactView, councilDetailView, councilRowView } from '../../domain/wire/councils';
import { COUNCIL_ROLES } from '../../domain/council/compose-council';
import {
  COUNCIL_STATUSES,
  decideCouncilUpdate,
  ENDED_COUNCIL_STATUSES,
  type CouncilDecisionName,
} from '../../workflows/council/definitions';
import { renderArtifact } from '../../domain/council/render';
import type { Principal } from '../auth';
import type { ApiContext } from '../context';
import { HttpError } from '../errors';
import { cursorSchema, nextCursor } from '../pagination';
import { route } from '../route';
import { temporalUiLink } from '../services/temporal-links';

const listQuery = z
  .object({
    repository: z
      .string()
      .regex(/^[^/\s]+\/[^/\s]+$/, 'must look like owner/name')
      .optional(),
    status: z.enum(COUNCIL_STATUSES).optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
    cursor: cursorSchema,
  })
  .strict();

const idParams = z.object({ id: z.string().uuid('must be a council id (a UUID)') });
const artifactParams = idParams.extend({ artifactId: z.string().uuid('must be an artifact id (a UUID)') });

export function councilRoutes(ctx: ApiContext) {
  const row = (c: CouncilRow) => {
    const { repositoryId: _r, forge: _f, ...rest } = c;
    return { ...rest, temporalUiUrl: temporalUiLink(ctx, c.workflowId, c.runId) };
  };
  const artifact = (a: ArtifactRow) => ({
    id: a.id,
    round: a.round,
    kind: a.kind,
    title: ARTIFACT_TITLES[a.kind],
    role: a.role,
    roleTitle: COUNCIL_ROLES[a.role].title,
    nodeId: a.nodeId,
    model: a.model,
    createdAt: a.createdAt,
    content: a.content,
    markdown: renderArtifact({ kind: a.kind, value: a.content } as Artifact),
  });
  const found = async (id: string) => {
    const council = await getCouncil(ctx.pool, id);
    if (!council) throw new HttpError(404, 'not_found', `No council ${id}`);
    return council;
  };

  async function decide(id: string, decision: CouncilDecisionName, principal: Principal, feedback?: string) {
    const council = await found(id);
    if (ENDED_COUNCIL_STATUSES.includes(council.status)) throw new HttpError(409, 'conflict', `Council ${id} has ended (${council.status})`);
    try {
      const ack = await ctx.temporal.workflow
        .getHandle(council.workflowId, council.runId)
        .executeUpdate(decideCouncilUpdate, { args: [{ decision, by: principal.name, role: principal.role, ...(feedback !== undefined ? { feedback } : {}) }] });
      return { status: 202, body: ack };
    } catch (err) {
      if (err instanceof WorkflowUpdateFailedError) throw new HttpError(409, 'conflict', failureMessage(err));
      if (err instanceof WorkflowNotFoundError) throw new HttpError(409, 'conflict', `Council ${id}'s workflow is no longer running`);
      throw err;
    }
  }

  const decisionResponses = {
    202: { description: 'Decision taken; follow the council with GET /api/v1/councils/{id}', schema: ackView },
    404: { description: 'No such council' },
    409: { description: 'The council does not await a decision (or not this one)' },
  };

  return [
    route({
      method: 'get',
      path: '/api/v1/councils',
      summary: 'Councils, newest first (filter by repository and status; page with `cursor`)',
      tag: 'councils',
      auth: 'viewer',
      query: listQuery,
      responses: { 200: { description: 'One page of councils', schema: z.object({ councils: z.array(councilRowView), nextCursor: z.string().optional() }) } },
      handler: async ({ query }) => {
        const { councils, more } = await listCouncils(ctx.pool, { repository: query.repository, status: query.status, limit: query.limit, after: query.cursor });
        const next = nextCursor(more, councils.at(-1));
        return { status: 200, body: { councils: councils.map(row), ...(next ? { nextCursor: next } : {}) } };
      },
    }),
    route({
      method: 'get',
      path: '/api/v1/councils/:id',
      summary: 'A council: who sits on it and why, every round with each member’s outcome, the decision and the task issues',
      tag: 'councils',
      auth: 'viewer',
      params: idParams,
      responses: { 200: { description: 'The council', schema: councilDetailView }, 404: { description: 'No such council' } },
      handler: async ({ params }) => {
        const council = await found(params.id);
        return { status: 200, body: { ...row(council), composition: council.composition, rounds: council.rounds, tasks: council.tasks } };
      },
    }),
    route({
      method: 'get',
      path: '/api/v1/councils/:id/artifacts',
      summary: 'A council’s artifacts (every round, or one), each as JSON and as Markdown',
      tag: 'councils',
      auth: 'viewer',
      params: idParams,
      query: z.object({ round: z.coerce.number().int().min(1).max(2_147_483_647).optional() }).strict(),
      responses: { 200: { description: 'The artifacts, by round, the plan last', schema: z.object({ artifacts: z.array(artifactView) }) }, 404: { description: 'No such council' } },
      handler: async ({ params, query }) => {
        await found(params.id);
        return { status: 200, body: { artifacts: (await listArtifacts(ctx.pool, params.id, query.round)).map(artifact) } };
      },
    }),
    route({
      method: 'get',
      path: '/api/v1/councils/:id/artifacts/:artifactId',
      summary: 'One artifact, as JSON and as Markdown',
      tag: 'councils',
      auth: 'viewer',
      params: artifactParams,
      responses: { 200: { description: 'The artifact', schema: artifactView }, 404: { description: 'No such council or artifact' } },
      handler: async ({ params }) => {
        const a = await getArtifact(ctx.pool, params.id, params.artifactId);
        if (!a) throw new HttpError(404, 'not_found', `Council ${params.id} has no artifact ${params.artifactId}`);
        return { status: 200, body: artifact(a) };
      },
    }),
    route({
      method: 'post',
      path: '/api/v1/councils/:id/approve',
      summary: 'Approve the plan: its tasks become issues, each starting a team formation',
      tag: 'councils',
      auth: 'operator',
      params: idParams,
      body: z.object({}).strict().default({}),
      responses: decisionResponses,
      handler: async ({ params, principal }) => decide(params.id, 'approve', principal!),
    }),
    route({
      method: 'post',
      path: '/api/v1/councils/:id/revise',
      summary: 'Send the plan back with feedback: the council takes another round',
      tag: 'councils',
      auth: 'operator',
      params: idParams,
      body: z.object({ feedback: z.string().trim().min(1).max(10_000) }).strict(),
      responses: decisionResponses,
      handler: async ({ params, body, principal }) => decide(params.id, 'revise', principal!, body.feedback),
    }),
    route({
      method: 'post',
      path: '/api/v1/councils/:id/cancel',
      summary: 'Cancel the council: nothing is created, and the brief says so',
      tag: 'councils',
      auth: 'operator',
      params: idParams,
      body: z.object({ reason: z.string().trim().max(500).optional() }).strict().default({}),
      responses: decisionResponses,
      handler: async ({ params, body, principal }) => decide(params.id, 'cancel', principal!, body.reason || undefined),
    }),
  ];
}
