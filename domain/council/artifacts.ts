/**
 * The shape of what council members write: one zod schema per artifact kind,
 * and the kickoff plan the engineering lead synthesizes from them. The same
 * schema serves twice — as the JSON Schema given to Ollama's `format`, which
 * constrains the model's output, and as the validator of the answer, since a
 * constrained model can still return JSON that is cut short or off-schema.
 * `parseArtifact`'s errors are short and name the fields, because they are
 * sent back to the model for one repair attempt.
 *
 * Every field is required (lists may be empty where "none" is a fair answer):
 * small models fill in what the grammar forces and skip what it allows them
 * to. String lengths are not capped in the schema, since long `maxLength`
 * bounds make Ollama's grammars slow to build; lists are capped instead.
 *
 * Pure and deterministic; usable inside workflows.
 */
import { z } from 'zod';
import { COUNCIL_ROLE_IDS, COUNCIL_ROLES, type CouncilRoleId } from './compose-council';

const text = (description: string) => z.string().trim().min(1).describe(description);
const list = (description: string, max: number) => z.array(text(description)).max(max);
const level = z.enum(['low', 'medium', 'high']);

export const RequirementsSchema = z
  .object({
    summary: text('One paragraph: the problem, who has it, and what success looks like'),
    goals: list('A goal, measurable where possible', 10).min(1),
    nonGoals: list('Something deliberately out of scope', 10),
    userStories: z
      .array(
        z.object({
          id: z.string().regex(/^US\d{1,3}$/).describe('US1, US2, ...'),
          asA: text('The user or actor'),
          iWant: text('What they want to do'),
          soThat: text('Why: the value to them'),
          priority: z.enum(['must', 'should', 'could']),
          acceptanceCriteria: list('A testable condition of done', 8).min(1),
        }),
      )
      .min(1)
      .max(20),
    openQuestions: list('A question the brief leaves open', 10),
  })
  .describe('Requirements and user stories');

export const ArchitectureSchema = z
  .object({
    summary: text('One paragraph: the shape of the solution'),
    components: z
      .array(z.object({ name: text('Component or module'), responsibility: text('What it owns and does') }))
      .min(1)
      .max(15),
    technicalChoices: z
      .array(
        z.object({
          area: text('What is being decided, e.g. storage, API style, framework'),
          choice: text('The choice'),
          rationale: text('Why this choice fits the brief'),
          alternatives: list('An alternative that was considered', 5),
        }),
      )
      .min(1)
      .max(15),
    integrations: list('An external system or API the solution talks to', 10),
    risks: z
      .array(z.object({ risk: text('A technical risk'), mitigation: text('How to reduce it') }))
      .max(10),
  })
  .describe('Architecture and technical choices');

export const TEST_LEVELS = ['unit', 'integration', 'end_to_end', 'performance', 'security', 'manual'] as const;

export const TestStrategySchema = z
  .object({
    summary: text('One paragraph: how the work will be shown to be correct'),
    levels: z
      .array(z.object({ level: z.enum(TEST_LEVELS), scope: text('What is tested at this level, and how') }))
      .min(1)
      .max(TEST_LEVELS.length),
    acceptanceCriteria: z
      .array(
        z.object({
          id: z.string().regex(/^AC\d{1,3}$/).describe('AC1, AC2, ...'),
          criterion: text('Given ... when ... then ...'),
          verifiedBy: z.enum(TEST_LEVELS),
        }),
      )
      .min(1)
      .max(30),
    qualityGates: list('A check that must pass before release, e.g. CI green, coverage', 10),
    risks: list('A quality risk worth watching', 10),
  })
  .describe('Test strategy and acceptance criteria');

export const STRIDE = ['spoofing', 'tampering', 'repudiation', 'information_disclosure', 'denial_of_service', 'elevation_of_privilege'] as const;

export const ThreatModelSchema = z
  .object({
    summary: text('One paragraph: what is exposed and to whom'),
    assets: list('Something worth protecting', 15).min(1),
    threats: z
      .array(
        z.object({
          id: z.string().regex(/^TH\d{1,3}$/).describe('TH1, TH2, ...'),
          threat: text('What an attacker could do'),
          category: z.enum(STRIDE),
          likelihood: level,
          impact: level,
          mitigation: text('How the design prevents or limits it'),
        }),
      )
      .min(1)
      .max(20),
    securityRequirements: list('A security requirement the implementation must meet', 15),
  })
  .describe('Threat model');

export const OperationsPlanSchema = z
  .object({
    summary: text('One paragraph: how the work runs in production'),
    environments: z
      .array(z.object({ name: text('e.g. staging, production'), purpose: text('What it is for') }))
      .min(1)
      .max(6),
    deployment: z.object({
      strategy: text('e.g. rolling, blue-green, canary, manual'),
      steps: list('A deployment step', 15).min(1),
      rollback: text('How to go back when a release is bad'),
    }),
    monitoring: z
      .array(z.object({ signal: text('A metric, log or check to watch'), alertWhen: text('The condition that pages someone') }))
      .max(15),
    infrastructure: list('A piece of infrastructure needed, e.g. a database, queue, bucket', 15),
  })
  .describe('Deployment and operations plan');

export const UserFlowsSchema = z
  .object({
    summary: text('One paragraph: who uses it and how it should feel'),
    personas: z
      .array(z.object({ name: text('A kind of user'), goal: text('What they come to do') }))
      .min(1)
      .max(6),
    flows: z
      .array(
        z.object({
          name: text('The flow, e.g. "First sign-up"'),
          persona: text('Which persona'),
          steps: list('A step the user takes or sees', 15).min(1),
          edgeCases: list('An error, empty or unusual state to design for', 10),
        }),
      )
      .min(1)
      .max(12),
    accessibility: list('An accessibility requirement', 10),
  })
  .describe('User flows');

/**
 * Estimates are story points on the Fibonacci scale, not hours: a model can
 * judge relative size, but not the speed of a team it has never seen. 13 says
 * "this should be split".
 */
export const ESTIMATE_POINTS = [1, 2, 3, 5, 8, 13] as const;

/** Task keys are short slugs: they end up in issue markers and dependency lists. */
const TASK_KEY = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

const KickoffPlanBaseSchema = z
  .object({
    summary: text('One paragraph: what will be built, in what order, and the main risks'),
    tasks: z
      .array(
        z.object({
          key: z.string().regex(TASK_KEY).describe('Unique kebab-case key, e.g. "api-login-endpoint"'),
          title: text('Issue title: short and imperative'),
          description: text('What to do and how to know it is done (Markdown)'),
          role: z.enum(COUNCIL_ROLE_IDS).describe('The council role whose area the task belongs to'),
          dependsOn: z.array(z.string()).max(10).describe('Keys of tasks that must be done first'),
          estimate: z.literal(ESTIMATE_POINTS).describe('Story points (Fibonacci)'),
        }),
      )
      .min(1)
      .max(40),
  })
  .describe('Kickoff plan');

export type KickoffPlan = z.infer<typeof KickoffPlanBaseSchema>;
export type PlanTask = KickoffPlan['tasks'][number];

// Refinements run only once the structure is right; the JSON Schema ignores them.
export const KickoffPlanSchema = KickoffPlanBaseSchema.superRefine((plan, ctx) => {
  for (const p of planProblemsAt(plan)) ctx.addIssue({ code: 'custom', path: p.path, message: p.message });
});

export const ARTIFACT_SCHEMAS = {
  requirements: RequirementsSchema,
  architecture: ArchitectureSchema,
  test_strategy: TestStrategySchema,
  threat_model: ThreatModelSchema,
  operations_plan: OperationsPlanSchema,
  user_flows: UserFlowsSchema,
  kickoff_plan: KickoffPlanSchema,
} as const;

export type ArtifactKind = keyof typeof ARTIFACT_SCHEMAS;
export type MemberArtifactKind = Exclude<ArtifactKind, 'kickoff_plan'>;
export const ARTIFACT_KINDS = Object.keys(ARTIFACT_SCHEMAS) as ArtifactKind[];
export type ArtifactOf<K extends ArtifactKind> = z.infer<(typeof ARTIFACT_SCHEMAS)[K]>;

/** An artifact with its kind, so renderers and prompts can switch on it exhaustively. */
export type Artifact = { [K in ArtifactKind]: { readonly kind: K; readonly value: ArtifactOf<K> } }[ArtifactKind];
export type MemberArtifact = Extract<Artifact, { kind: MemberArtifactKind }>;

export type Requirements = ArtifactOf<'requirements'>;
export type Architecture = ArtifactOf<'architecture'>;
export type TestStrategy = ArtifactOf<'test_strategy'>;
export type ThreatModel = ArtifactOf<'threat_model'>;
export type OperationsPlan = ArtifactOf<'operations_plan'>;
export type UserFlows = ArtifactOf<'user_flows'>;

export const ARTIFACT_TITLES: Record<ArtifactKind, string> = {
  requirements: 'Requirements & user stories',
  architecture: 'Architecture & technical choices',
  test_strategy: 'Test strategy & acceptance criteria',
  threat_model: 'Threat model',
  operations_plan: 'Deployment & operations plan',
  user_flows: 'User flows',
  kickoff_plan: 'Kickoff plan',
};

const jsonSchemas = new Map<ArtifactKind, Record<string, unknown>>();

/**
 * The JSON Schema for Ollama's `format`: a plain, JSON-serialisable object
 * (draft 2020-12, no `$ref`s). Cached; treat it as read-only.
 */
export function artifactJsonSchema(kind: ArtifactKind): Record<string, unknown> {
  let schema = jsonSchemas.get(kind);
  if (schema === undefined) {
    schema = z.toJSONSchema(ARTIFACT_SCHEMAS[kind]) as Record<string, unknown>;
    jsonSchemas.set(kind, schema);
  }
  return schema;
}

export type ParseResult<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: string };

/** Enough to fix an answer; a model given twenty problems fixes none. */
const MAX_ISSUES = 6;

function pathOf(path: readonly PropertyKey[]): string {
  return path.length === 0 ? '(the answer)' : z.core.toDotPath(path as (string | number)[]);
}

function describeIssue(issue: z.core.$ZodIssue): string {
  const where = pathOf(issue.path);
  if (issue.code === 'invalid_type' && issue.message.endsWith('received undefined')) return `${where}: missing (expected ${issue.expected})`;
  if (issue.code === 'too_small' && issue.origin === 'string' && Number(issue.minimum) === 1) return `${where}: empty`;
  if (issue.code === 'too_small' && issue.origin === 'array') return `${where}: needs at least ${issue.minimum} item${Number(issue.minimum) === 1 ? '' : 's'}`;
  if (issue.code === 'too_big' && issue.origin === 'array') return `${where}: at most ${issue.maximum} items`;
  return `${where}: ${issue.message.replace(/^Invalid input: /, '')}`;
}

function describeIssues(messages: readonly string[]): string {
  const shown = messages.slice(0, MAX_ISSUES);
  const more = messages.length - shown.length;
  return `${messages.length === 1 ? '1 problem' : `${messages.length} problems`}: ${shown.join('; ')}${more > 0 ? `; …and ${more} more` : ''}`;
}

/** Models sometimes wrap JSON in a Markdown fence even when asked not to. */
const FENCE = /^```[a-zA-Z]*\s*\n([\s\S]*?)\n?```$/;

export interface ParseOptions {
  /** For the kickoff plan: the roles on this council; a task for any other role is an error. */
  readonly councilRoles?: readonly CouncilRoleId[];
}

/**
 * Parse a model's answer as an artifact of `kind`. The error says whether the
 * JSON itself is broken or which fields are wrong, in a form fit to send back
 * to the model.
 */
export function parseArtifact<K extends ArtifactKind>(kind: K, content: string, opts: ParseOptions = {}): ParseResult<ArtifactOf<K>> {
  const trimmed = content.trim();
  const raw = FENCE.exec(trimmed)?.[1] ?? trimmed;
  if (raw === '') return { ok: false, error: 'the answer is empty; expected a JSON object' };
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    // An answer cut off by the token limit fails at its very end; say so, since the fix is a shorter answer.
    const at = /at position (\d+)/.exec(message)?.[1];
    const cutShort = /end of (JSON )?input/i.test(message) || (at !== undefined && Number(at) >= raw.length - 1);
    return { ok: false, error: `the answer is not valid JSON${cutShort ? ' (it stops before the end; answer more briefly)' : ''}: ${message}` };
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    return { ok: false, error: `expected a JSON object, got ${Array.isArray(json) ? 'an array' : json === null ? 'null' : typeof json}` };
  }
  const schema: z.ZodType = ARTIFACT_SCHEMAS[kind];
  const parsed = schema.safeParse(json);
  if (!parsed.success) return { ok: false, error: describeIssues(parsed.error.issues.map(describeIssue)) };
  if (kind === 'kickoff_plan' && opts.councilRoles !== undefined) {
    const problems = planProblems(parsed.data as KickoffPlan, opts.councilRoles);
    if (problems.length > 0) return { ok: false, error: describeIssues(problems) };
  }
  return { ok: true, value: parsed.data as ArtifactOf<K> };
}

interface PlanProblem {
  readonly path: (string | number)[];
  readonly message: string;
}

/** The first dependency cycle, as keys from a task back to itself; undefined when there is none. */
function findCycle(tasks: readonly PlanTask[]): string[] | undefined {
  const deps = new Map(tasks.map((t) => [t.key, t.dependsOn]));
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  const visit = (key: string): string[] | undefined => {
    if (state.get(key) === 'done' || !deps.has(key)) return undefined;
    if (state.get(key) === 'visiting') return [...stack.slice(stack.indexOf(key)), key];
    state.set(key, 'visiting');
    stack.push(key);
    for (const d of deps.get(key)!) {
      const cycle = visit(d);
      if (cycle) return cycle;
    }
    stack.pop();
    state.set(key, 'done');
    return undefined;
  };
  for (const t of tasks) {
    const cycle = visit(t.key);
    if (cycle) return cycle;
  }
  return undefined;
}

function planProblemsAt(plan: KickoffPlan, councilRoles?: readonly CouncilRoleId[]): PlanProblem[] {
  const problems: PlanProblem[] = [];
  const keys = new Set<string>();
  plan.tasks.forEach((t, i) => {
    if (keys.has(t.key)) problems.push({ path: ['tasks', i, 'key'], message: `task key "${t.key}" is used by more than one task; keys must be unique` });
    keys.add(t.key);
  });
  plan.tasks.forEach((t, i) => {
    t.dependsOn.forEach((d, j) => {
      if (d === t.key) problems.push({ path: ['tasks', i, 'dependsOn', j], message: `task "${t.key}" depends on itself` });
      else if (!keys.has(d)) problems.push({ path: ['tasks', i, 'dependsOn', j], message: `task "${t.key}" depends on "${d}", which is not a task key` });
    });
  });
  // Self-dependencies are reported above; a longer cycle only once the keys are sound,
  // since a cycle through a duplicated key is not one the model could see.
  if (problems.length === 0) {
    const cycle = findCycle(plan.tasks);
    if (cycle) problems.push({ path: ['tasks'], message: `dependency cycle ${cycle.join(' → ')}; break it by removing one of these dependencies` });
  }
  if (councilRoles !== undefined) {
    plan.tasks.forEach((t, i) => {
      if (!councilRoles.includes(t.role)) {
        problems.push({ path: ['tasks', i, 'role'], message: `"${t.role}" (${COUNCIL_ROLES[t.role].title}) is not on this council; use one of ${councilRoles.join(', ')}` });
      }
    });
  }
  return problems;
}

/**
 * What is wrong with a plan's task graph: duplicate keys, dependencies on
 * keys that do not exist, cycles, and (with `councilRoles`) tasks for roles
 * not on the council. Empty when the plan can be turned into issues.
 */
export function planProblems(plan: KickoffPlan, councilRoles?: readonly CouncilRoleId[]): string[] {
  return planProblemsAt(plan, councilRoles).map((p) => `${pathOf(p.path)}: ${p.message}`);
}

/**
 * The tasks in an order where every task comes after its dependencies,
 * otherwise as the plan lists them — the order to create issues in, so each
 * issue can link the issues it depends on. The plan must have no problems.
 */
export function orderTasks(plan: KickoffPlan): PlanTask[] {
  const done = new Set<string>();
  const ordered: PlanTask[] = [];
  let pending = [...plan.tasks];
  while (pending.length > 0) {
    const next = pending.find((t) => t.dependsOn.every((d) => done.has(d)));
    if (next === undefined) throw new Error(`the plan's dependencies do not resolve: ${planProblems(plan).join('; ')}`);
    ordered.push(next);
    done.add(next.key);
    pending = pending.filter((t) => t !== next);
  }
  return ordered;
}
