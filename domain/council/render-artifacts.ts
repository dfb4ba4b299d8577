/** Each council artifact as Markdown (for the API, the dashboard and the issue), and the plan's task table. */
import { ESTIMATE_POINTS, type Artifact, type KickoffPlan, type PlanTask } from './artifacts';
import { bullets, join, plural, points, roleTitle, section, table } from './markdown-blocks';
import { cell, safeText } from '../../domain/forge-text';

/**
 * An artifact as Markdown, its sections headed at `level` (3 = `###`). No
 * title: the caller places it under its own.
 */
export function renderArtifact(artifact: Artifact, level = 3): string {
  switch (artifact.kind) {
    case 'requirements': {
      const v = artifact.value;
      const stories = v.userStories
        .map((s) => {
          const story = `- **${s.id}** (${s.priority}) As ${safeText(s.asA)}, I want ${safeText(s.iWant)}, so that ${safeText(s.soThat)}.`;
          return [story, ...s.acceptanceCriteria.map((c) => `  - ${safeText(c)}`)].join('\n');
        })
        .join('\n');
      return join(
        safeText(v.summary),
        section(level, 'Goals', bullets(v.goals)),
        section(level, 'Non-goals', bullets(v.nonGoals)),
        section(level, 'User stories', stories),
        section(level, 'Open questions', bullets(v.openQuestions)),
      );
    }
    case 'architecture': {
      const v = artifact.value;
      return join(
        safeText(v.summary),
        section(level, 'Components', table(['Component', 'Responsibility'], v.components.map((c) => [c.name, c.responsibility]))),
        section(
          level,
          'Technical choices',
          table(
            ['Area', 'Choice', 'Why', 'Alternatives'],
            v.technicalChoices.map((c) => [c.area, c.choice, c.rationale, c.alternatives.join(', ') || '—']),
          ),
        ),
        section(level, 'Integrations', bullets(v.integrations)),
        section(level, 'Risks', v.risks.length === 0 ? '' : table(['Risk', 'Mitigation'], v.risks.map((r) => [r.risk, r.mitigation]))),
      );
    }
    case 'test_strategy': {
      const v = artifact.value;
      return join(
        safeText(v.summary),
        section(level, 'Test levels', table(['Level', 'Scope'], v.levels.map((l) => [l.level.replace(/_/g, ' '), l.scope]))),
        section(level, 'Acceptance criteria', table(['ID', 'Criterion', 'Verified by'], v.acceptanceCriteria.map((a) => [a.id, a.criterion, a.verifiedBy.replace(/_/g, ' ')]))),
        section(level, 'Quality gates', bullets(v.qualityGates)),
        section(level, 'Risks', bullets(v.risks)),
      );
    }
    case 'threat_model': {
      const v = artifact.value;
      return join(
        safeText(v.summary),
        section(level, 'Assets', bullets(v.assets)),
        section(
          level,
          'Threats',
          table(
            ['ID', 'Category', 'Threat', 'Likelihood', 'Impact', 'Mitigation'],
            v.threats.map((t) => [t.id, t.category.replace(/_/g, ' '), t.threat, t.likelihood, t.impact, t.mitigation]),
          ),
        ),
        section(level, 'Security requirements', bullets(v.securityRequirements)),
      );
    }
    case 'operations_plan': {
      const v = artifact.value;
      const d = v.deployment;
      return join(
        safeText(v.summary),
        section(level, 'Environments', table(['Environment', 'Purpose'], v.environments.map((e) => [e.name, e.purpose]))),
        section(
          level,
          'Deployment',
          join(`**Strategy:** ${safeText(d.strategy)}`, d.steps.map((s, i) => `${i + 1}. ${safeText(s).replace(/\s*\r?\n\s*/g, ' ')}`).join('\n'), `**Rollback:** ${safeText(d.rollback)}`),
        ),
        section(level, 'Monitoring', v.monitoring.length === 0 ? '' : table(['Signal', 'Alert when'], v.monitoring.map((m) => [m.signal, m.alertWhen]))),
        section(level, 'Infrastructure', bullets(v.infrastructure)),
      );
    }
    case 'user_flows': {
      const v = artifact.value;
      const flows = v.flows.map((f) =>
        join(
          `**${safeText(f.name)}** (${safeText(f.persona)})`,
          f.steps.map((s, i) => `${i + 1}. ${safeText(s).replace(/\s*\r?\n\s*/g, ' ')}`).join('\n'),
          f.edgeCases.length === 0 ? '' : `Edge cases:\n\n${bullets(f.edgeCases)}`,
        ),
      );
      return join(
        safeText(v.summary),
        section(level, 'Personas', bullets(v.personas.map((p) => `${p.name}: ${p.goal}`))),
        section(level, 'Flows', flows.join('\n\n')),
        section(level, 'Accessibility', bullets(v.accessibility)),
      );
    }
    case 'kickoff_plan':
      return renderPlan(artifact.value, level);
  }
}

/** One line of counts per artifact, for the summary comment and lists. */
export function summarizeArtifact(artifact: Artifact): string {
  switch (artifact.kind) {
    case 'requirements': {
      const v = artifact.value;
      const must = v.userStories.filter((s) => s.priority === 'must').length;
      return `${plural(v.userStories.length, 'user story', 'user stories')} (${must} must), ${plural(v.goals.length, 'goal')}, ${plural(v.openQuestions.length, 'open question')}`;
    }
    case 'architecture': {
      const v = artifact.value;
      return `${plural(v.components.length, 'component')}, ${plural(v.technicalChoices.length, 'technical choice')}, ${plural(v.risks.length, 'risk')}`;
    }
    case 'test_strategy': {
      const v = artifact.value;
      return `levels: ${v.levels.map((l) => l.level.replace(/_/g, ' ')).join(', ')}; ${plural(v.acceptanceCriteria.length, 'acceptance criterion', 'acceptance criteria')}, ${plural(v.qualityGates.length, 'quality gate')}`;
    }
    case 'threat_model': {
      const v = artifact.value;
      const high = v.threats.filter((t) => t.impact === 'high').length;
      return `${plural(v.threats.length, 'threat')} (${high} high impact), ${plural(v.assets.length, 'asset')}, ${plural(v.securityRequirements.length, 'security requirement')}`;
    }
    case 'operations_plan': {
      const v = artifact.value;
      return `${cell(v.deployment.strategy)} deployment to ${plural(v.environments.length, 'environment')}, ${plural(v.monitoring.length, 'monitored signal')}`;
    }
    case 'user_flows': {
      const v = artifact.value;
      return `${plural(v.flows.length, 'flow')} for ${plural(v.personas.length, 'persona')}, ${plural(v.accessibility.length, 'accessibility requirement')}`;
    }
    case 'kickoff_plan': {
      const v = artifact.value;
      return `${plural(v.tasks.length, 'task')}, ${points(v.tasks.reduce((s, t) => s + t.estimate, 0))}`;
    }
  }
}

/** The task breakdown as a table, in the plan's order. */
export function renderTaskTable(tasks: readonly PlanTask[]): string {
  return table(
    ['#', 'Key', 'Task', 'Role', 'Depends on', 'Estimate'],
    tasks.map((t, i) => [String(i + 1), `\`${t.key}\``, t.title, roleTitle(t.role), t.dependsOn.map((d) => `\`${d}\``).join(', ') || '—', points(t.estimate)]),
  );
}

export function renderPlan(plan: KickoffPlan, level = 3): string {
  const total = plan.tasks.reduce((s, t) => s + t.estimate, 0);
  return join(
    safeText(plan.summary),
    section(level, 'Task breakdown', renderTaskTable(plan.tasks)),
    `${plural(plan.tasks.length, 'task')}, ${points(total)} in all. Estimates are story points (${ESTIMATE_POINTS.join(', ')}): relative size, not hours.`,
  );
}

