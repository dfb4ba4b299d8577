/**
 * What simulated Ollama nodes answer when a council (or a task classification)
 * asks them, as a well-behaved model would: each request is read for its role
 * (from the system prompt), whether it is a repair, the brief and the
 * feedback, and answered with a valid artifact of that role. Shared by the
 * council tests and the demo.
 */
import type { ArtifactKind, KickoffPlan } from '../../domain/council/artifacts';
import { COUNCIL_ROLES, type CouncilRoleId } from '../../domain/council/compose-council';
import { classifyTask } from '../../domain/team/classify-task';
import { defaultReply, type SimRequest } from './reply';

/** What one LLM request of a council was, as its node saw it. */
export interface CouncilCall {
  readonly nodeId: string;
  /** The member writing its artifact, or `synthesis` for the engineering lead's plan. */
  readonly role: CouncilRoleId | 'synthesis';
  readonly repair: boolean;
  /** The brief's title. */
  readonly brief: string;
  /** Every `/revise` feedback the request carries, oldest first. */
  readonly feedback: string[];
  readonly numCtx: unknown;
}


const ROLE_BY_PHRASE: { role: CouncilRoleId; phrase: string }[] = [
  { role: 'product_manager', phrase: 'You are the product manager.' },
  { role: 'engineering_lead', phrase: 'You are the engineering lead.' },
  { role: 'qa_lead', phrase: 'You are the QA lead.' },
  { role: 'security_lead', phrase: 'You are the security lead.' },
  { role: 'devops_lead', phrase: 'You are the DevOps lead.' },
  { role: 'ux_lead', phrase: 'You are the UX lead.' },
];

export function readCall(req: SimRequest, nodeId: string): CouncilCall {
  const messages = req.messages ?? [];
  const system = messages.find((m) => m.role === 'system')?.content ?? '';
  const firstUser = messages.find((m) => m.role === 'user')?.content ?? '';
  const lastUser = [...messages].reverse().find((m) => m.role === 'user')?.content ?? '';
  const synthesis = system.includes('synthesize the council');
  const role = synthesis ? 'synthesis' : (ROLE_BY_PHRASE.find((r) => system.includes(r.phrase))?.role ?? 'product_manager');
  const feedback = /<feedback>\n([\s\S]*?)\n<\/feedback>/.exec(firstUser)?.[1]?.split('\n').map((l) => l.replace(/^- Round \d+(?: \(from [^)]*\))?: /, '')) ?? [];
  return {
    nodeId,
    role,
    repair: lastUser.startsWith('That answer cannot be used'),
    brief: /^Design Brief(?: #\d+)?: (.*)$/m.exec(firstUser)?.[1] ?? '',
    feedback,
    numCtx: req.options?.num_ctx,
  };
}

/** The plan: three tasks in a chain, and one more per round of feedback. */
export function samplePlan(feedback: readonly string[]): KickoffPlan {
  const tasks: KickoffPlan['tasks'] = [
    { key: 'db-schema', title: 'Create the database schema', description: 'Tables for events and calendars, with migrations.', role: 'engineering_lead', dependsOn: [], estimate: 3 },
    { key: 'api-endpoints', title: 'Build the calendar API', description: 'CRUD endpoints for events.', role: 'engineering_lead', dependsOn: ['db-schema'], estimate: 5 },
    { key: 'e2e-tests', title: 'Test the calendar end to end', description: 'Given a team, when an event is added, then everyone sees it.', role: 'qa_lead', dependsOn: ['api-endpoints'], estimate: 3 },
  ];
  feedback.forEach((f, i) =>
    tasks.push({ key: `revision-${i + 1}`, title: `Address feedback: ${f.slice(0, 60)}`, description: f, role: 'product_manager', dependsOn: ['db-schema'], estimate: 2 }),
  );
  return { summary: 'Schema first, then the API, then end-to-end tests.', tasks };
}

const SAMPLES: Record<Exclude<ArtifactKind, 'kickoff_plan'>, unknown> = {
  requirements: {
    summary: 'Teams need one shared calendar.',
    goals: ['Everyone sees the team events'],
    nonGoals: ['Personal calendars'],
    userStories: [{ id: 'US1', asA: 'a team member', iWant: 'to add an event', soThat: 'the team sees it', priority: 'must', acceptanceCriteria: ['The event shows for every member'] }],
    openQuestions: [],
  },
  architecture: {
    summary: 'A small API over Postgres.',
    components: [{ name: 'api', responsibility: 'events CRUD' }],
    technicalChoices: [{ area: 'storage', choice: 'Postgres', rationale: 'already run', alternatives: ['SQLite'] }],
    integrations: [],
    risks: [{ risk: 'time zones', mitigation: 'store UTC' }],
  },
  test_strategy: {
    summary: 'Unit and end-to-end tests.',
    levels: [{ level: 'unit', scope: 'date maths' }],
    acceptanceCriteria: [{ id: 'AC1', criterion: 'Given a team, when an event is added, then all see it', verifiedBy: 'end_to_end' }],
    qualityGates: ['CI green'],
    risks: [],
  },
  threat_model: {
    summary: 'Sessions are the asset.',
    assets: ['session cookie'],
    threats: [{ id: 'TH1', threat: 'Session fixation', category: 'spoofing', likelihood: 'low', impact: 'high', mitigation: 'rotate the session id at login' }],
    securityRequirements: ['SSO only'],
  },
  operations_plan: {
    summary: 'One container behind the proxy.',
    environments: [{ name: 'production', purpose: 'the teams' }],
    deployment: { strategy: 'rolling', steps: ['build', 'deploy'], rollback: 'previous image' },
    monitoring: [],
    infrastructure: ['Postgres'],
  },
  user_flows: {
    summary: 'Quick to add an event.',
    personas: [{ name: 'member', goal: 'add an event' }],
    flows: [{ name: 'Add an event', persona: 'member', steps: ['open the calendar', 'add'], edgeCases: ['overlapping events'] }],
    accessibility: ['keyboard only works'],
  },
};

export function validAnswer(call: CouncilCall): string {
  if (call.role === 'synthesis') return JSON.stringify(samplePlan(call.feedback));
  return JSON.stringify(SAMPLES[COUNCIL_ROLES[call.role].artifact]);
}

/** A classification request (domain/team/llm-classification.ts) answered as the heuristics would. */
function classificationAnswer(req: SimRequest): string | undefined {
  const user = [...(req.messages ?? [])].reverse().find((m) => m.role === 'user')?.content ?? '';
  const m = /^Title: (.*)\nLabels: (.*)\n\n([\s\S]*)$/.exec(user);
  if (!m) return undefined;
  const labels = m[2] === '(none)' ? [] : m[2]!.split(', ');
  const c = classifyTask({ title: m[1]!, body: m[3]!, labels });
  return JSON.stringify({
    type: c.type,
    complexity: c.complexity.level,
    domains: c.domains,
    critical_skills: c.skills.critical,
    desirable_skills: c.skills.desirable,
    confidence: c.confidence,
    reasoning: c.signals.slice(0, 2).join('; '),
  });
}

/** The label the demo's triage pipeline gets for a kind of task (infra/demo-pipelines.ts offers these). */
export const TRIAGE_LABEL_BY_TYPE: Readonly<Record<string, string>> = { bug_fix: 'kind/bug', feature_development: 'kind/feature', optimization: 'kind/performance', security: 'kind/security' };
export const TRIAGE_OTHER_LABEL = 'kind/chore';
export const TRIAGE_SYSTEM = 'You triage issues of a software project.';

/** A triage request (title and labels in the classification's format) answered with the label the heuristics point to. */
function triageAnswer(req: SimRequest): string | undefined {
  const user = [...(req.messages ?? [])].reverse().find((m) => m.role === 'user')?.content ?? '';
  const m = /^Title: (.*)\nLabels: (.*)/.exec(user);
  if (!m) return undefined;
  const c = classifyTask({ title: m[1]!, body: '', labels: m[2] === '(none)' ? [] : m[2]!.split(', ') });
  return JSON.stringify({ label: TRIAGE_LABEL_BY_TYPE[c.type] ?? TRIAGE_OTHER_LABEL, reason: c.signals.slice(0, 2).join('; ') || c.type });
}

/** Answers councils, classifications and the demo's triage sensibly, anything else as the simulator would by default. */
export function demoReply(req: SimRequest): string {
  const system = req.messages?.find((m) => m.role === 'system')?.content ?? '';
  if (system.startsWith('You classify software tasks')) return classificationAnswer(req) ?? defaultReply(req);
  if (system.startsWith(TRIAGE_SYSTEM)) return triageAnswer(req) ?? defaultReply(req);
  const call = readCall(req, '');
  const known = call.role === 'synthesis' || ROLE_BY_PHRASE.some((r) => system.includes(r.phrase));
  return known ? validAnswer(call) : defaultReply(req);
}
