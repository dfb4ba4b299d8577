/**
 * Classification by an LLM: the request (a prompt and the JSON schema the
 * answer must follow, passed as Ollama's `format`) and the strict reading of
 * the answer. Pure, so the workflow can check the answer itself and fall back
 * to the heuristics, recording why, when the answer does not hold up.
 */
import type { LlmRequest } from '../routing/llm-call';
import { DOMAINS, TASK_TYPES, type Classification, type ComplexityLevel, type Domain, type TaskInput, type TaskType } from './classify-task';

const LEVELS: readonly ComplexityLevel[] = ['low', 'medium', 'high'];
const LEVEL_SCORE: Record<ComplexityLevel, number> = { low: 0.2, medium: 0.5, high: 0.8 };
const MAX_SKILLS = 12;
const BODY_LIMIT = 6000;

export const CLASSIFICATION_SCHEMA = {
  type: 'object',
  properties: {
    type: { type: 'string', enum: [...TASK_TYPES] },
    complexity: { type: 'string', enum: [...LEVELS] },
    domains: { type: 'array', items: { type: 'string', enum: [...DOMAINS] } },
    critical_skills: { type: 'array', items: { type: 'string' } },
    desirable_skills: { type: 'array', items: { type: 'string' } },
    confidence: { type: 'number', minimum: 0, maximum: 1 },
    reasoning: { type: 'string' },
  },
  required: ['type', 'complexity', 'domains', 'critical_skills', 'desirable_skills', 'reasoning'],
} as const;

export function classificationRequest(task: TaskInput): LlmRequest {
  const body = task.body.length > BODY_LIMIT ? `${task.body.slice(0, BODY_LIMIT)}\n[... cut]` : task.body;
  return {
    messages: [
      {
        role: 'system',
        content:
          'You classify software tasks for a team of AI agents. Answer with JSON only, following the given schema. ' +
          `type is one of ${TASK_TYPES.join(', ')}; complexity is low, medium or high; domains are among ${DOMAINS.join(', ')}; ` +
          'skills are short lowercase names (e.g. typescript, postgres, security, testing); critical skills are the ones the task cannot be done without.',
      },
      { role: 'user', content: `Title: ${task.title}\nLabels: ${task.labels.join(', ') || '(none)'}\n\n${body || '(no description)'}` },
    ],
    format: CLASSIFICATION_SCHEMA as unknown as Record<string, unknown>,
    options: { temperature: 0 },
  };
}

export type LlmClassificationResult = { readonly ok: true; readonly classification: Classification } | { readonly ok: false; readonly error: string };

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function skillList(v: unknown, field: string): string[] | string {
  if (!Array.isArray(v) || !v.every((s) => typeof s === 'string')) return `${field} must be a list of strings`;
  const clean = [...new Set(v.map((s: string) => s.trim().toLowerCase()).filter((s) => s.length > 0 && s.length <= 40))];
  return clean.slice(0, MAX_SKILLS);
}

/** Reads the LLM's answer; anything off-schema is an error naming what was wrong. */
export function parseLlmClassification(content: string, via: string): LlmClassificationResult {
  let parsed: unknown;
  try {
    parsed = JSON.parse(content);
  } catch {
    return { ok: false, error: `the answer is not JSON: ${JSON.stringify(content.slice(0, 80))}` };
  }
  if (!isObject(parsed)) return { ok: false, error: 'the answer is not a JSON object' };
  const problems: string[] = [];
  const type = parsed.type;
  if (typeof type !== 'string' || !(TASK_TYPES as readonly string[]).includes(type)) problems.push(`type ${JSON.stringify(type)} is not one of ${TASK_TYPES.join(', ')}`);
  const level = parsed.complexity;
  if (typeof level !== 'string' || !(LEVELS as readonly string[]).includes(level)) problems.push(`complexity ${JSON.stringify(level)} is not low, medium or high`);
  const domains = parsed.domains;
  if (!Array.isArray(domains) || !domains.every((d) => typeof d === 'string' && (DOMAINS as readonly string[]).includes(d))) problems.push('domains must be a list of known domains');
  const critical = skillList(parsed.critical_skills, 'critical_skills');
  const desirable = skillList(parsed.desirable_skills, 'desirable_skills');
  if (typeof critical === 'string') problems.push(critical);
  if (typeof desirable === 'string') problems.push(desirable);
  const confidence = parsed.confidence;
  if (confidence !== undefined && !(typeof confidence === 'number' && confidence >= 0 && confidence <= 1)) problems.push('confidence must be a number within 0..1');
  const reasoning = typeof parsed.reasoning === 'string' ? parsed.reasoning.trim().slice(0, 500) : '';
  if (problems.length > 0 || typeof critical === 'string' || typeof desirable === 'string') return { ok: false, error: problems.join('; ') };

  const lvl = level as ComplexityLevel;
  return {
    ok: true,
    classification: {
      type: type as TaskType,
      complexity: { level: lvl, score: LEVEL_SCORE[lvl] },
      domains: [...new Set(domains as Domain[])],
      skills: { critical, desirable: desirable.filter((s) => !critical.includes(s)) },
      confidence: typeof confidence === 'number' ? confidence : 0.7,
      signals: [`classified by ${via}`, ...(reasoning ? [reasoning] : [])],
      source: 'llm',
    },
  };
}
