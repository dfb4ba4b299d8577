/**
 * What every row of a long-running process shows in the API's lists (teams,
 * councils; pipelines next): its execution and issue first, its ending last.
 */
import { z } from 'zod';

export const processRowHead = {
  id: z.string(),
  workflowId: z.string(),
  runId: z.string(),
  repository: z.string(),
  issue: z.object({ number: z.number(), title: z.string(), url: z.string() }),
};

export const processRowTail = {
  outcome: z.string().nullable(),
  error: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
  endedAt: z.string().nullable(),
  temporalUiUrl: z.string().optional(),
};
