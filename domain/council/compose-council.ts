/**
 * Who sits on the council of a Design Brief. The product manager, the
 * engineering lead and the QA lead always do; the security, devops and UX
 * leads join when the brief's labels or words call for them. Every seat
 * carries its reasons ("title mentions "authentication" → security_lead") so
 * the summary comment and the dashboard can say why the council looks the way
 * it does, and so a wrong guess is easy to spot and fix in the word lists.
 *
 * Each seat also says how its LLM call should be routed on the agent network
 * (`CallNeeds`), so the workflow can put every member on a suited node.
 * Pure and deterministic: the workflow calls it directly.
 */
import { routeCall, type CallNeeds, type NodeView } from '../routing/route-call';
import type { MemberArtifactKind } from './artifacts';

export const CORE_ROLE_IDS = ['product_manager', 'engineering_lead', 'qa_lead'] as const;
export const OPTIONAL_ROLE_IDS = ['security_lead', 'devops_lead', 'ux_lead'] as const;
/** Every council role, in the order the council is listed everywhere. */
export const COUNCIL_ROLE_IDS = [...CORE_ROLE_IDS, ...OPTIONAL_ROLE_IDS] as const;

export type CoreRoleId = (typeof CORE_ROLE_IDS)[number];
export type OptionalRoleId = (typeof OPTIONAL_ROLE_IDS)[number];
export type CouncilRoleId = (typeof COUNCIL_ROLE_IDS)[number];

/** The member who turns every artifact into the kickoff plan. */
export const SYNTHESIS_ROLE: CouncilRoleId = 'engineering_lead';

export interface CouncilRole {
  readonly id: CouncilRoleId;
  readonly title: string;
  /** What the member writes (one artifact per member). */
  readonly artifact: MemberArtifactKind;
  readonly core: boolean;
  /**
   * Routing preference. `routeCall` matches it as a substring of a node's
   * specialization and falls back to any node when no specialist is alive, so
   * it is a single short word in the fleet's vocabulary (`security`, `devops`),
   * chosen not to hide inside unrelated words where possible.
   */
  readonly specialization: string;
  /**
   * Capabilities a well-suited node lists. `routeCall` treats these as a hard
   * filter, which is why a seat also has `fallbackNeeds` without them.
   */
  readonly capabilities: readonly string[];
}

export const COUNCIL_ROLES: Record<CouncilRoleId, CouncilRole> = {
  product_manager: { id: 'product_manager', title: 'Product manager', artifact: 'requirements', core: true, specialization: 'product', capabilities: ['analysis'] },
  engineering_lead: { id: 'engineering_lead', title: 'Engineering lead', artifact: 'architecture', core: true, specialization: 'architecture', capabilities: ['code-review'] },
  qa_lead: { id: 'qa_lead', title: 'QA lead', artifact: 'test_strategy', core: true, specialization: 'testing', capabilities: ['testing'] },
  security_lead: { id: 'security_lead', title: 'Security lead', artifact: 'threat_model', core: false, specialization: 'security', capabilities: ['security'] },
  devops_lead: { id: 'devops_lead', title: 'DevOps lead', artifact: 'operations_plan', core: false, specialization: 'devops', capabilities: ['devops'] },
  // "ux" would also match "linux" in a specialization, and "ui" matches "build": a UX
  // lead is best served by the fleet's frontend specialists.
  ux_lead: { id: 'ux_lead', title: 'UX lead', artifact: 'user_flows', core: false, specialization: 'frontend', capabilities: ['frontend'] },
};

export interface CouncilBrief {
  readonly title: string;
  readonly body: string;
  readonly labels: readonly string[];
}

export interface CouncilMember {
  readonly role: CouncilRoleId;
  readonly title: string;
  readonly artifact: MemberArtifactKind;
  readonly core: boolean;
  /** Why the member sits on this council: "core role", or the labels and words that called for it. */
  readonly reasons: string[];
  /** Specialization and capabilities: the best-suited node. */
  readonly needs: CallNeeds;
  /** Specialization only: any node, specialists first — for fleets with no node that has the capabilities. */
  readonly fallbackNeeds: CallNeeds;
}

export interface CouncilComposition {
  readonly members: CouncilMember[];
  /** Optional roles left out, and why, so "why no security lead?" has an answer. */
  readonly skipped: { readonly role: OptionalRoleId; readonly reason: string }[];
}

interface Trigger {
  readonly labels: readonly string[];
  /** Lower-case words or phrases; a trailing `*` also matches longer words (`deploy*` → "deployment"). */
  readonly words: readonly string[];
}

// Words are chosen to be specific: "token" (LLM tokens), "pipeline" (data pipelines),
// "form" ("in the form of") and "page" say nothing about the role and stay out.
const TRIGGERS: Record<OptionalRoleId, Trigger> = {
  security_lead: {
    labels: ['security', 'auth', 'authentication', 'privacy', 'compliance', 'vulnerability'],
    words: [
      'security',
      'secure',
      'authentication',
      'authenticate',
      'authorization',
      'authorisation',
      'login',
      'log in',
      'sign in',
      'password*',
      'oauth*',
      'sso',
      'single sign on',
      'jwt',
      'encrypt*',
      'secrets',
      'permission*',
      'access control',
      'rbac',
      'gdpr',
      'hipaa',
      'pii',
      'personal data',
      'compliance',
      'vulnerab*',
      'payment*',
      'credit card*',
      'audit log*',
      '2fa',
      'mfa',
    ],
  },
  devops_lead: {
    labels: ['devops', 'infrastructure', 'infra', 'deployment', 'ops', 'operations', 'ci'],
    words: [
      'deploy*',
      'kubernetes',
      'k8s',
      'docker*',
      'container*',
      'helm',
      'terraform',
      'ansible',
      'infrastructure',
      'ci/cd',
      'continuous delivery',
      'continuous deployment',
      'rollout*',
      'roll out',
      'autoscal*',
      'scalability',
      'high availability',
      'uptime',
      'sla',
      'monitoring',
      'observability',
      'alerting',
      'backup*',
      'disaster recovery',
      'aws',
      'gcp',
      'azure',
      'self host*',
    ],
  },
  ux_lead: {
    labels: ['ux', 'ui', 'design', 'frontend', 'accessibility', 'a11y'],
    words: [
      'ux',
      'ui',
      'user experience',
      'user interface',
      'usability',
      'user flow*',
      'user journey*',
      'onboarding',
      'wireframe*',
      'mockup*',
      'screen',
      'screens',
      'dashboard*',
      'frontend',
      'front end',
      'web app',
      'mobile app',
      'landing page',
      'accessibility',
      'a11y',
      'wcag',
      'responsive',
    ],
  },
};

/** Hyphens, underscores and runs of spaces are one separator: "sign-in" = "sign in". */
const normalize = (text: string): string => text.toLowerCase().replace(/[-_\s]+/g, ' ');

// Forge labels often carry a namespace ("area/security", "type: ux").
const LABEL_PREFIX = /^(area|type|kind|scope|topic|component|needs)\s*[:/]\s*/;

const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

function wordPattern(word: string): RegExp {
  const stem = normalize(word.endsWith('*') ? word.slice(0, -1) : word);
  const tail = word.endsWith('*') ? '[a-z0-9]*' : '';
  return new RegExp(`(?<![a-z0-9])${escapeRegExp(stem)}${tail}(?![a-z0-9])`);
}

const PATTERNS: Record<OptionalRoleId, { readonly word: string; readonly pattern: RegExp }[]> = {
  security_lead: TRIGGERS.security_lead.words.map((word) => ({ word, pattern: wordPattern(word) })),
  devops_lead: TRIGGERS.devops_lead.words.map((word) => ({ word, pattern: wordPattern(word) })),
  ux_lead: TRIGGERS.ux_lead.words.map((word) => ({ word, pattern: wordPattern(word) })),
};

/** More reasons than this say nothing more; the first ones are the strongest (labels, then title). */
const MAX_REASONS = 4;

/** The words (as written) and labels in the brief that call for an optional role, strongest first. */
function triggersFor(role: OptionalRoleId, title: string, body: string, labels: readonly string[]): string[] {
  const reasons: string[] = [];
  for (const label of labels) {
    if (TRIGGERS[role].labels.includes(label)) reasons.push(`label "${label}" → ${role}`);
  }
  for (const [where, text] of [
    ['title', title],
    ['body', body],
  ] as const) {
    for (const { pattern } of PATTERNS[role]) {
      const found = pattern.exec(text)?.[0];
      // A word in the title and again in the body is one reason, the title's.
      if (found !== undefined && !reasons.some((r) => r.endsWith(`"${found}" → ${role}`))) reasons.push(`${where} mentions "${found}" → ${role}`);
    }
  }
  return reasons;
}

const seat = (id: CouncilRoleId, reasons: string[]): CouncilMember => {
  const r = COUNCIL_ROLES[id];
  return {
    role: id,
    title: r.title,
    artifact: r.artifact,
    core: r.core,
    reasons,
    needs: { specialization: r.specialization, capabilities: [...r.capabilities] },
    fallbackNeeds: { specialization: r.specialization },
  };
};

export function composeCouncil(brief: CouncilBrief): CouncilComposition {
  const title = normalize(brief.title);
  const body = normalize(brief.body);
  const labels = brief.labels.map((l) => normalize(l.trim()).replace(LABEL_PREFIX, ''));

  const members: CouncilMember[] = CORE_ROLE_IDS.map((id) => seat(id, ['core role: always on the council']));
  const skipped: CouncilComposition['skipped'] = [];
  for (const id of OPTIONAL_ROLE_IDS) {
    const reasons = triggersFor(id, title, body, labels);
    if (reasons.length > 0) {
      members.push(seat(id, reasons.length > MAX_REASONS ? [...reasons.slice(0, MAX_REASONS), `…and ${reasons.length - MAX_REASONS} more`] : reasons));
    } else {
      skipped.push({ role: id, reason: `no label or word in the brief calls for a ${COUNCIL_ROLES[id].title.toLowerCase()} (labels: ${TRIGGERS[id].labels.join(', ')})` });
    }
  }
  return { members, skipped };
}

/**
 * The needs to call a member with on this fleet: its full needs when some
 * node that is not down can serve them now, else its fallback. A council
 * member on a generalist node beats a call that waits for a specialist the
 * fleet does not have (`routeCall` treats capabilities as a hard filter, and
 * `callLlmWithFailover` waits out `wait_for_node_seconds` before giving up).
 */
export function routableNeeds(member: Pick<CouncilMember, 'needs' | 'fallbackNeeds'>, nodes: readonly NodeView[], model?: string): CallNeeds {
  const withModel = (n: CallNeeds): CallNeeds => (model === undefined ? n : { ...n, model });
  const strict = withModel(member.needs);
  return routeCall(strict, nodes).ok ? strict : withModel(member.fallbackNeeds);
}
