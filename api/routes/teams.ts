/**
 * Teams: the read model the team-formation workflows write, a dry run of
 * classification and composition, and the two ways to steer a running team
 * (cancel; reform a role), which go to the workflow as a signal and an update.
 */
import { WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import { z } from 'zod';
import { teamCandidates } from '../../activities/team/team-activities';
import { getTeam, listTeams, type TeamRow } from '../../activities/team/team-store';
import { failureMessage } from '../../domain/failures';
import { classifyTask } from '../../domain/team/classify-task';
import { composeTeam } from '../../domain/team/compose-team';
import { classificationView, memberView, scoringView, teamDetailView, teamRowView, unfilledView } from '../../domain/wire/teams';
import { cancelTeamSignal, reformTeamUpdate, TEAM_STATUSES } from '../../workflows/team/definitions';
import type { ApiContext } from '../context';
import { HttpError } from '../errors';
import { cursorSchema, nextCursor } from '../pagination';
import { route } from '../route';
import { temporalUiLink } from '../services/temporal-links';

const ENDED = new Set(['done', 'cancelled', 'failed']);

const listQuery = z
  .object({
    repository: z
      .string()
      .regex(/^[^/\s]+\/[^/\s]+$/, 'must look like owner/name')
      .optional(),
    status: z.enum(TEAM_STATUSES).optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
    cursor: cursorSchema,
  })
  .strict();

const analyzeBody = z
  .object({
    title: z.string().trim().min(1).max(500),
    body: z.string().max(100_000).default(''),
    labels: z.array(z.string().min(1).max(100)).max(50).default([]),
  })
  .strict();

const idParams = z.object({ id: z.string().uuid('must be a team id (a UUID)') });

export function teamRoutes(ctx: ApiContext) {
  const row = (t: TeamRow) => {
    const { repositoryId: _r, reportCommentId: _c, forge: _f, ...rest } = t;
    return { ...rest, temporalUiUrl: temporalUiLink(ctx, t.workflowId, t.runId) };
  };
  const found = async (id: string) => {
    const team = await getTeam(ctx.pool, id);
    if (!team) throw new HttpError(404, 'not_found', `No team ${id}`);
    return team;
  };
  const running = async (id: string) => {
    const team = await found(id);
    if (ENDED.has(team.status)) throw new HttpError(409, 'conflict', `Team ${id} has ended (${team.status})`);
    return team;
  };

  return [
    route({
      method: 'get',
      path: '/api/v1/teams',
      summary: 'Teams, newest first (filter by repository and status; page with `cursor`)',
      tag: 'teams',
      auth: 'viewer',
      query: listQuery,
      responses: { 200: { description: 'One page of teams', schema: z.object({ teams: z.array(teamRowView), nextCursor: z.string().optional() }) } },
      handler: async ({ query }) => {
        const { teams, more } = await listTeams(ctx.pool, { repository: query.repository, status: query.status, limit: query.limit, after: query.cursor });
        const next = nextCursor(more, teams.at(-1));
        return { status: 200, body: { teams: teams.map(row), ...(next ? { nextCursor: next } : {}) } };
      },
    }),
    route({
      method: 'get',
      path: '/api/v1/teams/:id',
      summary: 'A team: classification, scoring table, members and containers, and its timeline in Temporal',
      tag: 'teams',
      auth: 'viewer',
      params: idParams,
      responses: { 200: { description: 'The team', schema: teamDetailView }, 404: { description: 'No such team' } },
      handler: async ({ params }) => {
        const team = await found(params.id);
        return { status: 200, body: { ...row(team), classification: team.classification, scoring: team.scoring, unfilled: team.unfilled, members: team.members } };
      },
    }),
    route({
      method: 'post',
      path: '/api/v1/teams/analyze',
      summary: 'Dry run: how a task would be classified and which team it would get now (nothing is started)',
      tag: 'teams',
      auth: 'viewer',
      body: analyzeBody,
      responses: { 200: { description: 'Classification and proposed team', schema: z.object({ classification: classificationView, members: z.array(memberView), unfilled: unfilledView, scoring: scoringView }) } },
      handler: async ({ body }) => {
        const t = ctx.config.teams;
        const classification = classifyTask(body);
        const team = composeTeam(classification, await teamCandidates(ctx.pool), {
          minSize: t.min_size,
          maxSize: t.max_size,
          skillMatchThreshold: t.skill_match_threshold,
          strategy: t.strategy,
        });
        return { status: 200, body: { classification, members: team.members, unfilled: team.unfilled, scoring: team.table } };
      },
    }),
    route({
      method: 'post',
      path: '/api/v1/teams/:id/cancel',
      summary: 'Cancel a team: its agents are removed and the issue says so',
      tag: 'teams',
      auth: 'operator',
      params: idParams,
      body: z.object({ reason: z.string().max(500).optional() }).strict().default({}),
      responses: { 202: { description: 'Cancellation sent' }, 404: { description: 'No such team' }, 409: { description: 'The team has ended' } },
      handler: async ({ params, body, principal }) => {
        const team = await running(params.id);
        try {
          await ctx.temporal.workflow.getHandle(team.workflowId, team.runId).signal(cancelTeamSignal, { by: principal!.name, ...(body.reason ? { reason: body.reason } : {}) });
        } catch (err) {
          if (err instanceof WorkflowNotFoundError) throw new HttpError(409, 'conflict', `Team ${params.id}'s workflow is no longer running`);
          throw err;
        }
        return { status: 202, body: { id: team.id, workflowId: team.workflowId, status: 'cancelling' } };
      },
    }),
    route({
      method: 'post',
      path: '/api/v1/teams/:id/reform',
      summary: 'Give a role to another agent (the best other candidate, or the one named); the task is not classified again',
      tag: 'teams',
      auth: 'operator',
      params: idParams,
      body: z.object({ roleId: z.string().min(1), agentId: z.string().min(1).optional(), reason: z.string().max(500).optional() }).strict(),
      responses: { 200: { description: 'The new member', schema: memberView }, 404: { description: 'No such team' }, 409: { description: 'The team cannot be reformed now, or not so' } },
      handler: async ({ params, body, principal }) => {
        const team = await running(params.id);
        try {
          const member = await ctx.temporal.workflow.getHandle(team.workflowId, team.runId).executeUpdate(reformTeamUpdate, { args: [{ ...body, by: principal!.name }] });
          return { status: 200, body: member };
        } catch (err) {
          if (err instanceof WorkflowUpdateFailedError) throw new HttpError(409, 'conflict', failureMessage(err));
          if (err instanceof WorkflowNotFoundError) throw new HttpError(409, 'conflict', `Team ${params.id}'s workflow is no longer running`);
          throw err;
        }
      },
    }),
  ];
}
