/**
 * The side effects of a team formation: reading the agent registry, writing
 * the teams read model, deploying and removing the agents' containers (what
 * it does on the issue is in ../forge/issue-activities). Each is safe to
 * repeat — Temporal repeats activities after crashes and timeouts — by
 * upserting (read model) or by Docker labels (containers).
 */
import { Context } from '@temporalio/activity';
import type { Pool } from 'pg';
import type { WhooshConfig } from '../../infra/config';
import { publicUrlOf, temporalUiUrlOf } from '../../infra/endpoints';
import type { CandidateAgent, TeamOptions } from '../../domain/team/compose-team';
import type { ContainerRef, Member, TeamStatus } from '../../workflows/team/definitions';
import { listNodes, routingSnapshot } from '../agents/agent-store';
import { createDockerDeployer, DockerError, type DockerDeployer, type DockerTarget } from '../docker';
import { saveTeam, setTeamStatus, upsertMember, type TeamRecord } from './team-store';
import { nonRetryableFailure } from '../../domain/failures';

export interface TeamSettings {
  readonly team: TeamOptions;
  readonly llmClassification: { readonly enabled: boolean; readonly model?: string; readonly specialization?: string; readonly timeoutSeconds: number };
  readonly docker: boolean;
  readonly dashboardUrl: string;
  readonly temporalUiUrl?: string;
  readonly namespace: string;
}

export interface DeployAgentInput {
  readonly teamId: string;
  /** The workflow id: the task's identity across retries and reforms. */
  readonly taskId: string;
  readonly member: Member;
  readonly task: { readonly repository: string; readonly number: number; readonly title: string; readonly body: string; readonly url: string; readonly labels: readonly string[] };
}

const DESCRIPTION_LIMIT = 8000;
const HEARTBEAT_MS = 2000;

/** tcp://host:port or unix:///path, as validated by the config schema. */
export function dockerTarget(host: string): DockerTarget {
  if (host.startsWith('unix://')) return { socketPath: host.slice('unix://'.length) };
  const url = new URL(host.replace(/^tcp:/, 'http:'));
  return { host: url.hostname, port: Number(url.port) };
}

/** `priority: high`, `priority/critical`, `P1`… on the issue, else normal. */
export function priorityOf(labels: readonly string[]): string {
  for (const label of labels.map((l) => l.toLowerCase())) {
    const named = /^priority[\s:/_-]*(critical|urgent|high|medium|normal|low)$/.exec(label);
    if (named) return named[1]!;
    const p = /^p([0-3])$/.exec(label);
    if (p) return ['critical', 'high', 'medium', 'low'][Number(p[1])]!;
  }
  return 'normal';
}

function agentEnv(input: DeployAgentInput, config: WhooshConfig, endpoint: string | undefined): Record<string, string> {
  const { member, task } = input;
  const description = task.body.length > DESCRIPTION_LIMIT ? `${task.body.slice(0, DESCRIPTION_LIMIT)}\n[... cut]` : task.body;
  return {
    WHOOSH_AGENT_ID: member.agentId,
    WHOOSH_AGENT_NAME: member.agentName,
    WHOOSH_AGENT_ROLE: member.roleId,
    WHOOSH_AGENT_MODEL: member.model ?? '',
    ...(endpoint ? { WHOOSH_AGENT_OLLAMA_URL: endpoint } : {}),
    WHOOSH_TEAM_ID: input.teamId,
    WHOOSH_TASK_ID: input.taskId,
    WHOOSH_PROJECT: task.repository,
    WHOOSH_TASK_NUMBER: String(task.number),
    WHOOSH_TASK_TITLE: task.title,
    WHOOSH_TASK_DESCRIPTION: description,
    WHOOSH_TASK_PRIORITY: priorityOf(task.labels),
    WHOOSH_ISSUE_URL: task.url,
    WHOOSH_URL: publicUrlOf(config),
  };
}

function dockerFailure(err: unknown): unknown {
  if (err instanceof DockerError && !err.retryable) return nonRetryableFailure('DockerRejected', err.message);
  if (err instanceof RangeError) return nonRetryableFailure('InvalidAgentSpec', err.message);
  return err;
}

/** Heartbeats while `work` runs, so a long image pull is not taken for a dead worker. */
async function withHeartbeat<T>(work: () => Promise<T>): Promise<T> {
  const ctx = Context.current();
  ctx.heartbeat();
  const timer = setInterval(() => ctx.heartbeat(), HEARTBEAT_MS);
  try {
    return await work();
  } finally {
    clearInterval(timer);
  }
}

/** Every registered agent node as a team candidate, with its health and load now. */
export async function teamCandidates(pool: Pool): Promise<CandidateAgent[]> {
  const [nodes, snapshot] = await Promise.all([listNodes(pool), routingSnapshot(pool)]);
  const live = new Map(snapshot.map((n) => [n.id, n]));
  return nodes.map((n) => {
    const s = live.get(n.id);
    return {
      id: n.id,
      name: n.name,
      specialization: n.specialization,
      capabilities: n.capabilities,
      status: s?.status ?? 'unknown',
      load: s ? s.active / Math.max(1, s.parallel) : 0,
      model: n.models[0] ?? null,
    };
  });
}

export function createTeamActivities(pool: Pool, config: WhooshConfig) {
  let deployer: DockerDeployer | undefined;
  const docker = (): DockerDeployer =>
    (deployer ??= createDockerDeployer(dockerTarget(config.docker.host), config.docker.api_version ? { apiVersion: config.docker.api_version } : {}));

  return {
    async teamSettings(): Promise<TeamSettings> {
      const t = config.teams;
      return {
        team: { minSize: t.min_size, maxSize: t.max_size, skillMatchThreshold: t.skill_match_threshold, strategy: t.strategy },
        llmClassification: { enabled: t.llm_classification.enabled, model: t.llm_classification.model, specialization: t.llm_classification.specialization, timeoutSeconds: t.llm_classification.timeout_seconds },
        docker: config.docker.enabled,
        dashboardUrl: publicUrlOf(config),
        temporalUiUrl: temporalUiUrlOf(config),
        namespace: config.temporal.namespace,
      };
    },

    /** Every registered agent node with its health and load now. */
    async teamCandidates(): Promise<CandidateAgent[]> {
      return teamCandidates(pool);
    },

    async saveTeam(record: TeamRecord): Promise<void> {
      await saveTeam(pool, record);
    },

    async saveMember(input: { teamId: string; member: Member }): Promise<void> {
      await upsertMember(pool, input.teamId, input.member);
    },

    async setTeamStatus(input: { teamId: string; status: TeamStatus; outcome?: string; error?: string; reportCommentId?: number; clearContainers?: boolean }): Promise<void> {
      const { teamId, ...patch } = input;
      await setTeamStatus(pool, teamId, patch);
    },

    /** Makes sure the member's agent runs; a repeat finds the container the first attempt made. */
    async deployAgent(input: DeployAgentInput): Promise<ContainerRef> {
      const nodes = await listNodes(pool);
      const endpoint = nodes.find((n) => n.id === input.member.agentId)?.endpoint;
      const d = config.docker;
      try {
        const agent = await withHeartbeat(() =>
          docker().deploy({
            teamId: input.teamId,
            taskId: input.taskId,
            role: input.member.roleId,
            agentName: input.member.agentName,
            image: d.image,
            ...(d.command ? { command: d.command } : {}),
            ...(d.network ? { network: d.network } : {}),
            env: agentEnv(input, config, endpoint),
            limits: { nanoCpus: Math.round(d.limits.cpus * 1e9), memoryBytes: d.limits.memory_mb * 1024 * 1024, pids: d.limits.pids },
          }),
        );
        return { id: agent.id, name: agent.name, kind: agent.kind };
      } catch (err) {
        throw dockerFailure(err);
      }
    },

    /** Removes the team's agents (one role's, when given); returns the names removed. */
    async removeAgents(input: { teamId: string; roleId?: string }): Promise<string[]> {
      try {
        return await withHeartbeat(() => docker().remove(input.teamId, input.roleId));
      } catch (err) {
        throw dockerFailure(err);
      }
    },
  };
}

export type TeamActivities = ReturnType<typeof createTeamActivities>;
