/**
 * Heuristic task classification: type, complexity, domains and required
 * skills of an issue, from its title, body and labels, with the signals that
 * led there. Pure and deterministic — the team-formation workflow uses it
 * directly, or as the fallback when LLM classification fails.
 */

export const TASK_TYPES = [
  'feature_development',
  'bug_fix',
  'refactoring',
  'security',
  'integration',
  'migration',
  'research',
  'optimization',
  'maintenance',
] as const;
export type TaskType = (typeof TASK_TYPES)[number];

export const DOMAINS = ['frontend', 'backend', 'database', 'infrastructure', 'security', 'testing', 'documentation', 'ml', 'mobile', 'api'] as const;
export type Domain = (typeof DOMAINS)[number];

export type ComplexityLevel = 'low' | 'medium' | 'high';

export interface TaskInput {
  readonly title: string;
  readonly body: string;
  readonly labels: readonly string[];
}

export interface Classification {
  readonly type: TaskType;
  readonly complexity: { readonly level: ComplexityLevel; readonly score: number };
  readonly domains: Domain[];
  readonly skills: { readonly critical: string[]; readonly desirable: string[] };
  /** 0..1: how clearly the signals pointed at the type. */
  readonly confidence: number;
  /** Why: the labels and words that decided. */
  readonly signals: string[];
  readonly source: 'heuristics' | 'llm';
}

const TYPE_LABELS: Record<TaskType, readonly string[]> = {
  feature_development: ['feature', 'enhancement', 'feature-request', 'story'],
  bug_fix: ['bug', 'defect', 'regression', 'hotfix'],
  refactoring: ['refactor', 'refactoring', 'tech-debt', 'cleanup'],
  security: ['security', 'vulnerability', 'cve'],
  integration: ['integration', 'third-party'],
  migration: ['migration', 'upgrade'],
  research: ['research', 'spike', 'investigation', 'rfc'],
  optimization: ['performance', 'optimization', 'perf'],
  maintenance: ['chore', 'maintenance', 'docs', 'documentation', 'dependencies'],
};

const TYPE_WORDS: Record<TaskType, readonly string[]> = {
  feature_development: ['add', 'implement', 'new', 'support', 'create', 'build', 'introduce', 'allow'],
  bug_fix: ['fix', 'bug', 'broken', 'crash', 'error', 'fails', 'failing', 'incorrect', 'wrong', 'exception', 'regression'],
  refactoring: ['refactor', 'restructure', 'clean up', 'cleanup', 'simplify', 'extract', 'rename', 'decouple'],
  security: ['security', 'vulnerability', 'xss', 'csrf', 'injection', 'auth bypass', 'cve', 'exploit', 'secret', 'encrypt', 'permission'],
  integration: ['integrate', 'integration', 'webhook', 'third-party', 'connect to', 'sync with', 'oauth'],
  migration: ['migrate', 'migration', 'upgrade', 'move from', 'port to', 'deprecate'],
  research: ['research', 'investigate', 'evaluate', 'spike', 'explore', 'compare', 'prototype', 'feasibility'],
  optimization: ['optimize', 'optimise', 'performance', 'slow', 'latency', 'speed up', 'faster', 'memory usage', 'throughput'],
  maintenance: ['update', 'bump', 'docs', 'documentation', 'typo', 'chore', 'dependency', 'dependencies', 'lint'],
};

const DOMAIN_WORDS: Record<Domain, readonly string[]> = {
  frontend: ['frontend', 'ui', 'ux', 'css', 'react', 'svelte', 'vue', 'component', 'page', 'button', 'browser', 'html'],
  backend: ['backend', 'server', 'service', 'endpoint', 'handler', 'worker', 'queue', 'node', 'python', 'go ', 'java'],
  database: ['database', 'sql', 'postgres', 'mysql', 'query', 'schema', 'index', 'table', 'migration'],
  infrastructure: ['docker', 'kubernetes', 'k8s', 'deploy', 'ci', 'pipeline', 'terraform', 'helm', 'infrastructure', 'devops'],
  security: ['security', 'auth', 'token', 'permission', 'encrypt', 'vulnerability', 'xss', 'csrf', 'secret'],
  testing: ['test', 'tests', 'testing', 'e2e', 'coverage', 'flaky', 'qa'],
  documentation: ['docs', 'documentation', 'readme', 'guide', 'tutorial'],
  ml: ['model', 'llm', 'embedding', 'training', 'inference', 'ml', 'ai', 'prompt'],
  mobile: ['ios', 'android', 'mobile', 'react native', 'flutter'],
  api: ['api', 'rest', 'graphql', 'grpc', 'openapi', 'endpoint', 'webhook'],
};

/** Technologies worth naming as skills when the issue mentions them. */
const TECHNOLOGIES = [
  'typescript',
  'javascript',
  'python',
  'rust',
  'go',
  'java',
  'react',
  'svelte',
  'vue',
  'postgres',
  'redis',
  'docker',
  'kubernetes',
  'terraform',
  'graphql',
  'temporal',
  'ollama',
] as const;

const DOMAIN_SKILL: Record<Domain, string> = {
  frontend: 'frontend',
  backend: 'backend',
  database: 'database',
  infrastructure: 'devops',
  security: 'security',
  testing: 'testing',
  documentation: 'documentation',
  ml: 'machine-learning',
  mobile: 'mobile',
  api: 'api-design',
};

const TYPE_SKILL: Partial<Record<TaskType, string>> = {
  bug_fix: 'debugging',
  security: 'security',
  refactoring: 'code-review',
  optimization: 'performance',
  research: 'analysis',
  migration: 'migration',
  integration: 'api-design',
};

function words(text: string): string {
  // Keep `node.js`, `c++`, `c#`; drop sentence punctuation.
  return ` ${text.toLowerCase().replace(/[^a-z0-9+#.\- ]+/g, ' ').replace(/[.-](?=\s|$)/g, ' ').replace(/\s+/g, ' ')} `;
}

const mentions = (text: string, word: string): boolean => text.includes(` ${word.trim()} `) || (word.includes(' ') && text.includes(word));

export function classifyTask(task: TaskInput): Classification {
  const title = words(task.title);
  const body = words(task.body);
  const labels = task.labels.map((l) => l.toLowerCase().replace(/^(type|kind)[:/]\s*/, ''));
  const signals: string[] = [];

  const scores = new Map<TaskType, number>(TASK_TYPES.map((t) => [t, 0]));
  for (const type of TASK_TYPES) {
    for (const label of labels) {
      if (TYPE_LABELS[type].includes(label)) {
        scores.set(type, scores.get(type)! + 5);
        signals.push(`label "${label}" → ${type}`);
      }
    }
    for (const w of TYPE_WORDS[type]) {
      if (mentions(title, w)) {
        scores.set(type, scores.get(type)! + 2);
        signals.push(`title says "${w.trim()}" → ${type}`);
      } else if (mentions(body, w)) {
        scores.set(type, scores.get(type)! + 0.5);
      }
    }
  }
  const ranked = [...scores.entries()].sort((a, b) => b[1] - a[1] || TASK_TYPES.indexOf(a[0]) - TASK_TYPES.indexOf(b[0]));
  const [bestType, bestScore] = ranked[0]!;
  const runnerUp = ranked[1]![1];
  const type: TaskType = bestScore > 0 ? bestType : 'feature_development';
  if (bestScore === 0) signals.push('no type signal; assumed feature_development');
  const confidence = bestScore === 0 ? 0.2 : Math.min(1, Math.round(((bestScore - runnerUp) / bestScore) * 0.6 * 100 + 40) / 100);

  const domains = DOMAINS.filter((d) => labels.includes(d) || DOMAIN_WORDS[d].some((w) => mentions(title, w) || mentions(body, w)));
  if (type === 'security' && !domains.includes('security')) domains.push('security');

  // Complexity: size of the ask, breadth of domains, and what the text says of itself.
  const checklist = (task.body.match(/^\s*[-*] \[[ x]\]/gim) ?? []).length;
  let score = Math.min(0.35, task.body.length / 4000) + Math.min(0.25, checklist * 0.04) + Math.min(0.25, Math.max(0, domains.length - 1) * 0.08);
  const hard = ['architecture', 'redesign', 'distributed', 'complex', 'across', 'multiple services', 'breaking change', 'rewrite'];
  const easy = ['typo', 'simple', 'trivial', 'small', 'minor', 'one-line', 'quick'];
  if (hard.some((w) => mentions(title, w) || mentions(body, w))) score += 0.3;
  if (easy.some((w) => mentions(title, w) || mentions(body, w) || labels.includes('good first issue'))) score -= 0.25;
  if (type === 'security' || type === 'migration') score += 0.15;
  score = Math.round(Math.max(0, Math.min(1, score)) * 100) / 100;
  const level: ComplexityLevel = score >= 0.6 ? 'high' : score >= 0.3 ? 'medium' : 'low';

  const critical = new Set<string>();
  const desirable = new Set<string>();
  const typeSkill = TYPE_SKILL[type];
  if (typeSkill) critical.add(typeSkill);
  domains.forEach((d, i) => (i < 2 ? critical : desirable).add(DOMAIN_SKILL[d]));
  for (const tech of TECHNOLOGIES) {
    if (mentions(title, tech) || labels.includes(tech)) critical.add(tech);
    else if (mentions(body, tech)) desirable.add(tech);
  }
  if (level !== 'low') desirable.add('testing');
  for (const s of critical) desirable.delete(s);

  return { type, complexity: { level, score }, domains, skills: { critical: [...critical], desirable: [...desirable] }, confidence, signals, source: 'heuristics' };
}
