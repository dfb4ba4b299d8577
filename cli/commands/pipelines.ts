/** `whoosh pipelines`: stored n8n pipelines: import, export, (de)activate, run. */
import { readFileSync, writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import type { PipelineRun, Saved } from '../api-client';
import { act, whole } from '../context';
import { ago, CliError, EXIT, fields, table } from '../output';

function readJsonFile(file: string, what: string): unknown {
  let text: string;
  try {
    text = file === '-' ? readFileSync(0, 'utf8') : readFileSync(file, 'utf8');
  } catch (err) {
    throw new CliError(`cannot read ${what} ${file}: ${(err as Error).message}`, EXIT.usage);
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new CliError(`${what} ${file} is not JSON: ${(err as Error).message}`, EXIT.usage);
  }
}

/** `--input` holds n8n items (`[{ json }]`), one object (one item) or a list of objects (one item each). */
export function inputItems(value: unknown): { json: unknown }[] {
  const list = Array.isArray(value) ? value : [value];
  return list.map((v) => (v !== null && typeof v === 'object' && 'json' in v && Object.keys(v).every((k) => k === 'json' || k === 'binary' || k === 'pairedItem') ? (v as { json: unknown }) : { json: v }));
}

const runSummary = (r: PipelineRun) =>
  fields([
    ['execution', r.id],
    ['pipeline', r.pipelineId ? `${r.pipelineId} v${r.version ?? '?'}` : null],
    ['status', r.status],
    ['last node', r.lastNode],
    ['error', r.error ? `${r.error.node}: ${r.error.message}` : null],
    ['output', r.lastNode && r.nodes[r.lastNode] ? JSON.stringify(r.nodes[r.lastNode]![0]) : null],
  ]);

export function pipelineCommands(program: Command): void {
  const pipelines = program.command('pipelines').description('Stored pipelines (n8n workflows)');

  pipelines
    .command('list')
    .description('Stored pipelines')
    .option('--active', 'only active ones')
    .option('--inactive', 'only inactive ones')
    .option('--tag <name>', 'only with this tag')
    .action(
      act(async ({ client, out }, o: { active?: boolean; inactive?: boolean; tag?: string }) => {
        if (o.active && o.inactive) throw new CliError('--active and --inactive exclude each other', EXIT.usage);
        const list = await client.allPipelines({ active: o.active ? true : o.inactive ? false : undefined, tag: o.tag });
        out.print(list, () =>
          table(
            ['ID', 'NAME', 'ACTIVE', 'VERSION', 'TRIGGER', 'LAST RUN', 'PROBLEMS'],
            list.map((p) => [p.id, p.name, p.active ? `yes (v${p.activeVersion})` : 'no', p.version, p.trigger, p.lastExecution ? `${p.lastExecution.status} ${ago(p.lastExecution.startedAt)}` : null, p.problems.length || null]),
          ),
        );
      }),
    );

  pipelines
    .command('import')
    .description('Store n8n workflow JSON (one document or an array, as `n8n export:workflow --all` writes; - reads stdin)')
    .argument('<file>', 'JSON file')
    .action(
      act(async ({ client, out }, file: string) => {
        const saved = await client.importPipelines(readJsonFile(file, 'pipeline file'));
        const items: Saved[] = 'items' in saved ? saved.items : [saved];
        out.print(saved, () => table(['ID', 'VERSION', 'PROBLEMS'], items.map((s) => [s.id, s.version, s.problems.map((p) => `${p.node ? `${p.node}: ` : ''}${p.message}`).join('; ') || null])));
      }),
    );

  pipelines
    .command('export')
    .description('The n8n document of a pipeline, as imported')
    .argument('<id>', 'pipeline id')
    .option('-o, --output <file>', 'write to this file instead of stdout')
    .action(
      act(async ({ client, out }, id: string, o: { output?: string }) => {
        const doc = await client.exportPipeline(id);
        const text = `${JSON.stringify(doc, null, 2)}\n`;
        if (o.output) {
          writeFileSync(o.output, text);
          if (!out.json) out.line(`wrote ${o.output}`);
        } else process.stdout.write(text);
      }),
    );

  for (const [name, desc] of [
    ['activate', 'Let the pipeline’s triggers run it (operator); a pipeline with problems cannot be activated'],
    ['deactivate', 'Stop the pipeline’s triggers (operator)'],
  ] as const) {
    pipelines
      .command(name)
      .description(desc)
      .argument('<id>', 'pipeline id')
      .action(
        act(async ({ client, out }, id: string) => {
          const p = name === 'activate' ? await client.activatePipeline(id) : await client.deactivatePipeline(id);
          out.print(p, () => `${p.name} (${p.id}) is ${p.active ? `active at version ${p.activeVersion}` : 'inactive'}`);
        }),
      );
  }

  pipelines
    .command('run')
    .description('Run a pipeline; with --wait, until it ends (exit 1 if it fails)')
    .argument('<id>', 'pipeline id')
    .option('--input <file>', 'JSON input: items [{json}], an object, or a list of objects (- reads stdin)')
    .option('--wait', 'wait for the run to end')
    .option('--timeout <seconds>', 'with --wait, how long the server waits', whole, 300)
    .action(
      act(async ({ client, out }, id: string, o: { input?: string; wait?: boolean; timeout: number }) => {
        const input = o.input ? inputItems(readJsonFile(o.input, 'input')) : undefined;
        const run = await client.executePipeline(id, input ? { input } : {}, { wait: o.wait === true, timeoutSeconds: o.wait ? o.timeout : undefined });
        out.print(run, () => runSummary(run));
        if (!o.wait) return EXIT.ok;
        if (run.status === 'running' || run.status === 'waiting') throw new CliError(`execution ${run.id} is still ${run.status} after ${o.timeout} s`, EXIT.failedRun);
        return run.status === 'success' ? EXIT.ok : EXIT.failedRun;
      }),
    );
}
