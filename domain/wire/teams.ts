/**
 * The Teams API's answers (api/routes/teams.ts), as zod schemas that validate
 * and document them, and as the types the dashboard reads them with.
 */
import { z } from 'zod';
import { processRowHead, processRowTail } from './process-row';
import { TEAM_STATUSES } from '../statuses';

export const memberView = z.object({
  roleId: z.string(),
  roleTitle: z.string(),
  agentId: z.string(),
  agentName: z.string(),
  model: z.string().nullable(),
  score: z.number(),
  reasons: z.array(z.string()),
  container: z.object({ id: z.string(), name: z.string(), kind: z.enum(['container', 'service']) }).optional(),
});

export const teamRowView = z.object({
  ...processRowHead,
  status: z.enum(TEAM_STATUSES),
  taskType: z.string(),
  complexity: z.string(),
  classificationSource: z.string(),
  classificationFallback: z.string().nullable(),
  memberCount: z.number(),
  ...processRowTail,
});

export const classificationView = z.object({
  type: z.string(),
  complexity: z.object({ level: z.string(), score: z.number() }),
  domains: z.array(z.string()),
  skills: z.object({ critical: z.array(z.string()), desirable: z.array(z.string()) }),
  confidence: z.number(),
  signals: z.array(z.string()),
  source: z.enum(['heuristics', 'llm']),
});

export const scoringView = z.array(
  z.object({
    roleId: z.string(),
    roleTitle: z.string(),
    candidates: z.array(
      z.object({ agentId: z.string(), score: z.number(), skillMatch: z.number(), specializationMatch: z.boolean(), availability: z.number(), chosen: z.boolean(), reasons: z.array(z.string()) }),
    ),
  }),
);
export const unfilledView = z.array(z.object({ roleId: z.string(), reason: z.string() }));

export const teamDetailView = teamRowView.extend({
  classification: classificationView,
  scoring: scoringView,
  unfilled: unfilledView,
  members: z.array(memberView.extend({ joinedAt: z.string() })),
});

export type TeamRow = z.infer<typeof teamRowView>;
export type TeamDetail = z.infer<typeof teamDetailView>;
export type Classification = z.infer<typeof classificationView>;
export type ScoringRow = z.infer<typeof scoringView>[number];
export type Candidate = ScoringRow['candidates'][number];
export type Member = TeamDetail['members'][number];
