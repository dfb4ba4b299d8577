/**
 * The Councils API's answers (api/routes/councils.ts), as zod schemas that
 * validate and document them, and as the types the dashboard reads them with.
 */
import { z } from 'zod';
import { processRowHead, processRowTail } from './process-row';
import { ARTIFACT_KINDS } from '../council/artifacts';
import { COUNCIL_ROLE_IDS } from '../council/compose-council';
import { COUNCIL_DECISIONS, COUNCIL_STATUSES, MEMBER_STATUSES, ROUND_STATUSES } from '../statuses';

export const roleId = z.enum(COUNCIL_ROLE_IDS);

export const decisionView = z.object({
  decision: z.enum(COUNCIL_DECISIONS),
  by: z.string(),
  via: z.enum(['api', 'comment']),
  round: z.number(),
  feedback: z.string().optional(),
  at: z.string(),
});

export const councilRowView = z.object({
  ...processRowHead,
  status: z.enum(COUNCIL_STATUSES),
  quorum: z.enum(['core_only', 'all']),
  roles: z.array(roleId),
  currentRound: z.number(),
  planRound: z.number().nullable(),
  decision: decisionView.nullable(),
  taskCount: z.number(),
  ...processRowTail,
});

export const memberView = z.object({
  role: roleId,
  title: z.string(),
  core: z.boolean(),
  status: z.enum(MEMBER_STATUSES),
  nodeId: z.string().nullable(),
  model: z.string().nullable(),
  failedOver: z.array(z.string()),
  repaired: z.boolean(),
  artifactId: z.string().nullable(),
  error: z.string().nullable(),
  startedAt: z.string(),
  finishedAt: z.string().nullable(),
});

export const councilDetailView = councilRowView.extend({
  composition: z.object({
    members: z.array(z.object({ role: roleId, title: z.string(), core: z.boolean(), reasons: z.array(z.string()) })),
    skipped: z.array(z.object({ role: roleId, reason: z.string() })),
  }),
  rounds: z.array(
    z.object({
      round: z.number(),
      status: z.enum(ROUND_STATUSES),
      feedback: z.object({ text: z.string(), by: z.string().nullable() }).nullable(),
      planArtifactId: z.string().nullable(),
      summaryCommentId: z.number().nullable(),
      decision: decisionView.nullable(),
      error: z.string().nullable(),
      startedAt: z.string(),
      endedAt: z.string().nullable(),
      members: z.array(memberView),
    }),
  ),
  tasks: z.array(z.object({ key: z.string(), title: z.string(), number: z.number(), url: z.string(), created: z.boolean() })),
});

export const artifactView = z.object({
  id: z.string(),
  round: z.number(),
  kind: z.enum(ARTIFACT_KINDS as [string, ...string[]]),
  title: z.string(),
  role: roleId,
  roleTitle: z.string(),
  nodeId: z.string().nullable(),
  model: z.string().nullable(),
  createdAt: z.string(),
  content: z.record(z.string(), z.unknown()).describe('The artifact as validated against its JSON Schema'),
  markdown: z.string().describe('The artifact rendered as on the issue'),
});

export const ackView = z.object({ councilId: z.string(), decision: z.enum(COUNCIL_DECISIONS), round: z.number(), next: z.enum(['creating_tasks', 'deliberating', 'cancelled']) });

export type Decision = z.infer<typeof decisionView>;
export type CouncilRow = z.infer<typeof councilRowView>;
export type CouncilDetail = z.infer<typeof councilDetailView>;
export type Round = CouncilDetail['rounds'][number];
export type RoundMember = z.infer<typeof memberView>;
export type Artifact = z.infer<typeof artifactView>;
export type DecisionAck = z.infer<typeof ackView>;
