/**
 * whoosh.forgeTrigger 1: starts a stored pipeline on forge events of a
 * monitored repository, through the intake (so deliveries are stored before
 * they are acknowledged and each starts the pipeline once). Which events it
 * takes and the item each becomes are pure functions here; the intake asks
 * them (api/webhooks/forge-pipelines.ts). In a run, the node passes on the
 * event's item.
 */
import type { IssueEvent } from '../../intake/route-event';
import type { NodeType } from '../node-type';
import type { Item, JsonObject, N8nNode } from '../types';
import { entryItems } from './basic';

export const FORGE_TRIGGER_EVENTS = ['issueOpened', 'issueLabeled', 'issueClosed', 'issueComment', 'pullRequestOpened', 'pullRequestSynchronized', 'pullRequestMerged'] as const;
export type ForgeTriggerEvent = (typeof FORGE_TRIGGER_EVENTS)[number];

/** A forge event as triggers see it: an IssueEvent, and for pull requests whether merged and the branches. */
export type ForgeEvent = IssueEvent & {
  readonly merged?: boolean;
  readonly head?: { readonly ref: string; readonly sha: string };
  readonly base?: { readonly ref: string };
};

const REPO = /^([\w.-]+)\/([\w.-]+)$/;

/**
 * The trigger event a forge event is, if any. Pull request events arrive as
 * IssueEvents of a pull request (opened; closed with `merged`; synchronized).
 */
export function forgeTriggerEventOf(e: ForgeEvent): ForgeTriggerEvent | undefined {
  if (e.kind === 'comment') return e.action === 'created' ? 'issueComment' : undefined;
  if (e.issue.isPullRequest) {
    if (e.action === 'opened' || e.action === 'reopened') return 'pullRequestOpened';
    if (e.action === 'synchronize' || e.action === 'synchronized') return 'pullRequestSynchronized';
    if (e.action === 'closed' && e.merged) return 'pullRequestMerged';
    return undefined;
  }
  if (e.action === 'opened' || e.action === 'reopened') return 'issueOpened';
  if (e.action === 'labeled' || e.action === 'label_updated') return 'issueLabeled';
  if (e.action === 'closed') return 'issueClosed';
  return undefined;
}

/** Whether a forgeTrigger node listens to this event name on this repository (labels aside). */
export function forgeTriggerListensTo(node: Pick<N8nNode, 'parameters' | 'disabled'>, repo: { readonly owner: string; readonly name: string }, event: ForgeTriggerEvent | undefined): boolean {
  if (node.disabled || !event) return false;
  const p = node.parameters ?? {};
  const own = REPO.exec(String(p.repository ?? ''));
  if (!own || own[1]!.toLowerCase() !== repo.owner.toLowerCase() || own[2]!.toLowerCase() !== repo.name.toLowerCase()) return false;
  return Array.isArray(p.events) && p.events.includes(event);
}

/** Whether a forgeTrigger node takes this event: its repository, one of its events, and all of its labels (if any). */
export function forgeTriggerMatches(node: Pick<N8nNode, 'parameters' | 'disabled'>, e: ForgeEvent): boolean {
  if (!forgeTriggerListensTo(node, e.repo, forgeTriggerEventOf(e))) return false;
  const p = node.parameters ?? {};
  const labels = (Array.isArray(p.labels) ? p.labels : String(p.labels ?? '').split(',')).map((l) => String(l).trim().toLowerCase()).filter(Boolean);
  return labels.every((l) => e.issue.labels.some((x) => x.toLowerCase() === l));
}

/** The item a forge event starts the pipeline with. */
export function forgeTriggerItem(e: ForgeEvent): Item {
  const json: JsonObject = {
    event: forgeTriggerEventOf(e) ?? `${e.kind}.${e.action}`,
    action: e.action,
    repository: `${e.repo.owner}/${e.repo.name}`,
    sender: e.sender,
    [e.issue.isPullRequest ? 'pullRequest' : 'issue']: {
      ...e.issue,
      labels: [...e.issue.labels],
      ...(e.merged !== undefined ? { merged: e.merged } : {}),
      ...(e.head ? { head: { ...e.head } } : {}),
      ...(e.base ? { base: { ...e.base } } : {}),
    },
    ...(e.comment ? { comment: { ...e.comment } } : {}),
  };
  return { json };
}

export const whooshForgeTrigger: NodeType = {
  type: 'whoosh.forgeTrigger',
  versions: [1],
  kind: 'trigger',
  inputs: () => 0,
  outputs: () => 1,
  parameters: ['repository', 'events', 'labels'],
  check(node) {
    const p = node.parameters ?? {};
    const problems: string[] = [];
    if (typeof p.repository !== 'string' || !REPO.test(p.repository)) problems.push('parameter "repository" must be owner/name');
    const events = Array.isArray(p.events) ? p.events : [];
    if (events.length === 0) problems.push(`parameter "events" must list one or more of ${FORGE_TRIGGER_EVENTS.join(', ')}`);
    for (const e of events) if (!(FORGE_TRIGGER_EVENTS as readonly unknown[]).includes(e)) problems.push(`unknown event "${String(e)}"`);
    return problems;
  },
  execute: (ex) => [entryItems(ex.inputs[0] ?? [])],
};
