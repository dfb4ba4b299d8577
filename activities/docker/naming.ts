/**
 * How WHOOSH names and labels what it deploys. The labels are the identity
 * (deploy, list and remove find agents by them); the name is for people reading
 * `docker ps` and for Docker's own uniqueness check, which is what turns two
 * racing deploys of one agent into one container.
 */
import { createHash } from 'node:crypto';

export const LABEL_TEAM = 'whoosh.team';
export const LABEL_ROLE = 'whoosh.role';
export const LABEL_TASK = 'whoosh.task';
export const LABEL_AGENT = 'whoosh.agent';

/**
 * Swarm service names are the strictest rule both kinds must meet (swarmkit's
 * validateAnnotations): a DNS label of at most 63 characters matching
 * `[a-zA-Z0-9](?:[-_]*[a-zA-Z0-9]+)*`. Container names allow more (`.` too, and
 * no length limit worth the name), so one name fits both.
 */
export const MAX_NAME_LENGTH = 63;
const HASH_LENGTH = 8;

/**
 * `whoosh-<teamId>-<role>`, with every run of characters Docker rejects turned
 * into one `-`. A name cut to fit ends in a hash of the whole, so two long team
 * IDs that share a prefix still get different names.
 */
export function agentResourceName(teamId: string, role: string): string {
  const wanted = `whoosh-${teamId}-${role}`;
  const clean = wanted
    .replace(/[^a-zA-Z0-9_-]+/g, '-')
    .replace(/[-_]*-[-_]*/g, '-')
    .replace(/[-_]+$/, '');
  if (clean.length <= MAX_NAME_LENGTH) return clean;
  const hash = createHash('sha256').update(wanted).digest('hex').slice(0, HASH_LENGTH);
  const head = clean.slice(0, MAX_NAME_LENGTH - HASH_LENGTH - 1).replace(/[-_]+$/, '');
  return `${head}-${hash}`;
}

/** Docker's label filter syntax: `key=value`, all of them must match. */
export function labelFilter(labels: Record<string, string>): string[] {
  return Object.entries(labels).map(([key, value]) => `${key}=${value}`);
}
