/**
 * Custom search attributes of WHOOSH executions. They make the lists in the
 * dashboard and in the Temporal Web UI filterable; the launcher registers them
 * with the server at start.
 */
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

export const WHOOSH_KIND = defineSearchAttributeKey('WhooshKind', SearchAttributeType.KEYWORD);
export const WHOOSH_REPOSITORY = defineSearchAttributeKey('WhooshRepository', SearchAttributeType.KEYWORD);
export const WHOOSH_ISSUE = defineSearchAttributeKey('WhooshIssue', SearchAttributeType.INT);
export const WHOOSH_STATUS_DETAIL = defineSearchAttributeKey('WhooshStatusDetail', SearchAttributeType.KEYWORD);
/** Pipeline runs: the pipeline (stored id, or the document's content hash) and what triggered the run. */
export const WHOOSH_PIPELINE = defineSearchAttributeKey('WhooshPipeline', SearchAttributeType.KEYWORD);
export const WHOOSH_TRIGGER = defineSearchAttributeKey('WhooshTrigger', SearchAttributeType.KEYWORD);

export const SEARCH_ATTRIBUTES = [WHOOSH_KIND, WHOOSH_REPOSITORY, WHOOSH_ISSUE, WHOOSH_STATUS_DETAIL, WHOOSH_PIPELINE, WHOOSH_TRIGGER] as const;
export type WhooshSearchAttributeKey = (typeof SEARCH_ATTRIBUTES)[number];
