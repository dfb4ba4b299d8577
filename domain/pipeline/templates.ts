/**
 * Shipped pipeline templates, from whoosh.yaml's `workflows.templates` (or the
 * built-in ones when the config has none): each stage is a whoosh.llm step on
 * an agent fit for it (the specialization of a template agent that matches
 * the stage), with a whoosh.approval between stages; a rejection or a timeout
 * ends the run. The result is an ordinary n8n document, saved like any other.
 */
import type { N8nNode, N8nWorkflow } from './types';

export const TEMPLATE_NAMES = ['web_development', 'infrastructure'] as const;
export type TemplateName = (typeof TEMPLATE_NAMES)[number];

export interface TemplateConfig {
  readonly description?: string;
  readonly agents: readonly string[];
  readonly stages: readonly string[];
}

export const BUILT_IN_TEMPLATES: Readonly<Record<TemplateName, TemplateConfig>> = {
  web_development: { description: 'Plan, build and test a web feature', agents: ['walnut', 'ironwood'], stages: ['planning', 'frontend', 'backend', 'integration', 'testing'] },
  infrastructure: { description: 'Design, provision, deploy and monitor infrastructure', agents: [], stages: ['design', 'provisioning', 'deployment', 'monitoring'] },
};

const title = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1).replace(/_/g, ' ');
const stageNode = (stage: string): string => `Stage: ${stage}`;

/**
 * The document of `template`; `specializations` are the template agents'
 * (agent id → specialization), so a stage runs on an agent specialised in it.
 */
export function templatePipeline(key: string, template: TemplateConfig, specializations: Readonly<Record<string, string | undefined>>, name?: string): N8nWorkflow {
  const nodes: N8nNode[] = [{ name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} }];
  const connections: Record<string, { main: { node: string; type: 'main'; index: number }[][] }> = {};
  const link = (from: string, to: string) => (connections[from] = { main: [[{ node: to, type: 'main', index: 0 }]] });
  let previous = 'Start';
  template.stages.forEach((stage, i) => {
    const fit = template.agents.map((a) => specializations[a]).find((s) => s !== undefined && s.toLowerCase() === stage.toLowerCase());
    const llm = stageNode(stage);
    const before = i === 0 ? '' : `\n\nThe ${template.stages[i - 1]} stage gave:\n{{ $('${stageNode(template.stages[i - 1]!)}').first().json.text }}`;
    nodes.push({
      name: llm,
      type: 'whoosh.llm',
      typeVersion: 1,
      position: [(2 * i + 1) * 240, 0],
      parameters: {
        operation: 'chat',
        ...(fit ? { specialization: fit } : {}),
        system: `You are the ${stage} stage of a ${title(key)} pipeline. Answer with the ${stage} work itself, concise and concrete.`,
        prompt: `=Request: {{ $('Start').first().json.request ?? '' }}${before}`,
      },
    });
    link(previous, llm);
    previous = llm;
    if (i === template.stages.length - 1) return;
    const approval = `Approve ${stage}`;
    nodes.push({
      name: approval,
      type: 'whoosh.approval',
      typeVersion: 1,
      position: [(2 * i + 2) * 240, 0],
      parameters: { message: `=The ${stage} stage is done:\n\n{{ $json.text }}\n\nApprove to go on to ${template.stages[i + 1]}.` },
    });
    // Output 0 is "approved"; rejected (1) and timeout (2) end the run.
    link(llm, approval);
    previous = approval;
  });
  return {
    name: name ?? title(key),
    nodes,
    connections,
    settings: { executionOrder: 'v1' },
    ...(template.description ? { meta: { description: template.description } } : {}),
    tags: [{ name: 'template' }, { name: key }],
  } as N8nWorkflow;
}
