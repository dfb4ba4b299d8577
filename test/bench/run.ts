/**
 * `npm run bench -- [scenario ...]`: runs the named scenarios (all when none
 * is named). Progress goes to stderr; each scenario ends with one JSON line on
 * stdout: `{"scenario": name, ...metrics}`.
 */
import { dashboard } from './scenarios/dashboard';
import { editor } from './scenarios/editor';
import { fleet } from './scenarios/fleet';
import { pipeline } from './scenarios/pipeline';
import { pipelineWebhook } from './scenarios/pipeline-webhook';
import { startup } from './scenarios/startup';
import { team } from './scenarios/team';
import { temporalBaseline } from './scenarios/temporal-baseline';
import { webhook } from './scenarios/webhook';
import type { Scenario } from './report';

const SCENARIOS: Scenario[] = [startup, temporalBaseline, fleet, webhook, team, dashboard, pipeline, pipelineWebhook, editor];

async function main(): Promise<void> {
  const names = process.argv.slice(2);
  const unknown = names.filter((n) => !SCENARIOS.some((s) => s.name === n));
  if (unknown.length > 0) {
    console.error(`unknown scenario ${unknown.join(', ')}; known: ${SCENARIOS.map((s) => `${s.name} (${s.description})`).join('; ')}`);
    process.exit(2);
  }
  const chosen = names.length > 0 ? SCENARIOS.filter((s) => names.includes(s.name)) : SCENARIOS;
  for (const scenario of chosen) {
    console.error(`== ${scenario.name}: ${scenario.description}`);
    const metrics = await scenario.run((line) => console.error(`   ${line}`));
    console.log(JSON.stringify({ scenario: scenario.name, ...metrics }));
  }
  process.exit(0);
}

main().catch((err: unknown) => {
  console.error(`bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  process.exit(1);
});
