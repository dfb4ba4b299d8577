/**
 * `whoosh executions`: every workflow execution (teams, councils, pipelines,
 * syncs...) from Temporal's visibility, one run's timeline, and `tail`, which
 * follows a run live: the server-sent events say when it changed, the timeline
 * is read again and the rows that are new or changed are printed.
 */
import type { Command } from 'commander';
import { ApiError, type History, type TimelineItem, type WhooshClient } from '../api-client';
import { act, whole, type Out } from '../context';
import { readSse } from '../sse';
import { ago, CliError, EXIT, fields, table } from '../output';

/** Wait before listening again after the stream ended (the API's own `retry`). */
const RECONNECT_MS = 2000;
const FAILED = new Set(['FAILED', 'TERMINATED', 'TIMED_OUT', 'CANCELED']);
const row = (i: TimelineItem) => [ago(i.start), i.kind, i.title, i.status, i.durationMs === null ? null : `${i.durationMs} ms`, i.failure?.message];
const HEAD = ['START', 'KIND', 'STEP', 'STATUS', 'TOOK', 'FAILURE'];

/** Exit code for a closed run: 1 when it did not complete. */
export const runCode = (status: string): number => (FAILED.has(status) ? EXIT.failedRun : EXIT.ok);

async function follow(client: WhooshClient, out: Out, workflowId: string, timeoutSeconds: number): Promise<number> {
  const seen = new Map<string, string>();
  const print = (h: History) => {
    for (const item of h.timeline.items) {
      const key = `${item.status}|${item.end ?? ''}`;
      if (seen.get(item.id) === key) continue;
      seen.set(item.id, key);
      out.line(out.json ? JSON.stringify({ workflowId, runId: h.runId, item }) : row(item).map((c) => c ?? '-').join('  '));
    }
  };
  let history = await client.history(workflowId);
  print(history);
  if (history.status !== 'RUNNING') return finish(out, history);

  const abort = new AbortController();
  const timer = timeoutSeconds > 0 ? setTimeout(() => abort.abort(), timeoutSeconds * 1000) : undefined;
  try {
    // The stream ends when the API restarts: read the run again and listen anew, as EventSource would.
    while (history.status === 'RUNNING') {
      try {
        const res = await client.raw('GET', '/api/v1/events', { query: { topic: `execution:${workflowId}` }, accept: 'text/event-stream', signal: abort.signal });
        if (res.status === 401 || res.status === 403 || res.status === 400) throw new ApiError(res.status, `the live feed answered ${res.status}`);
        if (res.ok && res.body) {
          for await (const ev of readSse(res.body)) {
            if (ev.event !== 'change' && ev.event !== 'ready') continue;
            history = await client.history(workflowId);
            print(history);
            if (history.status !== 'RUNNING') break;
          }
        }
      } catch (err) {
        if (abort.signal.aborted || err instanceof ApiError) throw err;
      }
      if (history.status !== 'RUNNING') break;
      await new Promise((r) => setTimeout(r, RECONNECT_MS));
      if (abort.signal.aborted) throw abort.signal.reason;
      history = await client.history(workflowId).catch(() => history);
      print(history);
    }
  } catch (err) {
    if (!abort.signal.aborted) throw err;
    throw new CliError(`still running after ${timeoutSeconds} s`, EXIT.failedRun);
  } finally {
    clearTimeout(timer);
    abort.abort();
  }
  return finish(out, history);
}

function finish(out: Out, h: History): number {
  if (out.json) out.line(JSON.stringify({ workflowId: h.workflowId, runId: h.runId, status: h.status }));
  else out.line(`${h.workflowId}: ${h.status}`);
  return runCode(h.status);
}

export function executionCommands(program: Command): void {
  const executions = program.command('executions').description('Workflow executions: teams, councils, pipelines, syncs');

  executions
    .command('list')
    .description('Executions, newest first')
    .option('--kind <kind>', 'team, council, pipeline, ...')
    .option('--status <status>', 'RUNNING, COMPLETED, FAILED, CANCELLED, TERMINATED, TIMED_OUT')
    .option('--repository <owner/name>', 'only this repository')
    .option('--type <workflowType>', 'e.g. selfCheck')
    .option('--limit <n>', 'page size', whole, 50)
    .action(
      act(async ({ client, out }, o: { kind?: string; status?: string; repository?: string; type?: string; limit: number }) => {
        const page = await client.executions({ kind: o.kind, status: o.status, repository: o.repository, type: o.type, pageSize: o.limit });
        out.print(page.executions, () =>
          table(
            ['WORKFLOW ID', 'TYPE', 'STATUS', 'DETAIL', 'STARTED', 'CLOSED'],
            page.executions.map((e) => [e.workflowId, e.type, e.status, e.statusDetail, ago(e.startTime), ago(e.closeTime)]),
          ),
        );
      }),
    );

  executions
    .command('show')
    .description('One execution and its timeline')
    .argument('<workflowId>', 'workflow id')
    .action(
      act(async ({ client, out }, workflowId: string) => {
        const h = await client.history(workflowId);
        out.print({ workflowId: h.workflowId, runId: h.runId, type: h.type, status: h.status, timeline: h.timeline, temporalUiUrl: h.temporalUiUrl }, () =>
          [
            fields([
              ['workflow', h.workflowId],
              ['run', h.runId],
              ['type', h.type],
              ['status', h.status],
              ['events', h.timeline.eventCount],
              ['temporal ui', h.temporalUiUrl],
            ]),
            '',
            table(HEAD, h.timeline.items.map(row)),
          ].join('\n'),
        );
      }),
    );

  executions
    .command('tail')
    .description('Follow an execution live until it closes (exit 1 if it fails)')
    .argument('<workflowId>', 'workflow id')
    .option('--timeout <seconds>', 'give up after this long (0: never)', whole, 0)
    .action(act(async ({ client, out }, workflowId: string, o: { timeout: number }) => follow(client, out, workflowId, o.timeout)));
}
