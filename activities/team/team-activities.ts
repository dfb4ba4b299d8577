/**
 * The side effects of a team formation: reading the task and the agent
 * registry, writing the teams read model, deploying and removing the agents'
 * containers, and speaking on the issue. Each is safe to repeat — Temporal
 * repeats activities after crashes and timeouts — by upserting (read model),
 * by Docker labels (containers) or by hidden markers (comments).
 */
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { Pool } from 'pg';
import type { WhooshConfig } from '../../infra/config';
import { publicUrlOf, temporalUiUrlOf } from '../../infra/endpoints';
import type { CandidateAgent, TeamOptions } from '../../workflows/team/compose-team';
import type { ContainerRef, Member, TeamStatus } from '../../workflows/team/definitions';
import { ALL_STATUS_LABELS, STATUS_LABEL_SPECS } from '../../workflows/team/report';
import { listNodes, routingSnapshot } from '../agents/agent-store';
import { createDockerDeployer, DockerError, type DockerDeployer, type DockerTarget } from '../docker';
import { createForge, ForgeError, type Forge } from '../forge';
import { forgeRef, getRepository } from '../intake/repository-store';
import { saveTeam, setTeamStatus, upsertMember, type TeamRecord } from './team-store';

export interface TeamSettings {
  readonly team: TeamOptions;
  readonly llmClassification: { readonly enabled: boolean; readonly model?: string; readonly specialization?: string; readonly timeoutSeconds: number };
  readonly docker: boolean;
  readonly dashboardUrl: string;
  readonly temporalUiUrl?: string;
  readonly namespace: string;
}

export interface TaskDetails {
  readonly title: string;
  readonly body: string;
  readonly labels: string[];
  readonly url: string;
  readonly state: 'open' | 'closed';
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

/** Forge failures that retrying cannot fix end the activity at once. */
function forgeFailure(err: unknown): unknown {
  if (err instanceof ForgeError && !err.retryable) {
    return ApplicationFailure.create({ type: 'ForgeRejected', message: err.message, nonRetryable: true, details: [{ status: err.status }] });
  }
  return err;
}

function dockerFailure(err: unknown): unknown {
  if (err instanceof DockerError && !err.retryable) return ApplicationFailure.create({ type: 'DockerRejected', message: err.message, nonRetryable: true });
  if (err instanceof RangeError) return ApplicationFailure.create({ type: 'InvalidAgentSpec', message: err.message, nonRetryable: true });
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

  async function forgeFor(repositoryId: number): Promise<Forge> {
    const repo = await getRepository(pool, repositoryId);
    if (!repo) throw ApplicationFailure.create({ type: 'RepositoryNotFound', message: `repository ${repositoryId} is not registered`, nonRetryable: true });
    return createForge(forgeRef(repo));
  }

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

    async loadTask(input: { repositoryId: number; number: number }): Promise<TaskDetails> {
      try {
        const issue = await (await forgeFor(input.repositoryId)).getIssue(input.number);
        return { title: issue.title, body: issue.body, labels: issue.labels, url: issue.url, state: issue.state };
      } catch (err) {
        throw forgeFailure(err);
      }
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

    /**
     * Posts `body` on the issue unless a comment carrying `marker` is there
     * already (an earlier attempt posted it and then failed to report back).
     */
    async postIssueComment(input: { repositoryId: number; number: number; marker: string; body: string }): Promise<{ commentId: number; posted: boolean }> {
      try {
        const forge = await forgeFor(input.repositoryId);
        const existing = (await forge.listComments(input.number)).find((c) => c.body.includes(input.marker));
        if (existing) return { commentId: existing.id, posted: false };
        const comment = await forge.comment(input.number, input.body.includes(input.marker) ? input.body : `${input.body}\n\n${input.marker}`);
        return { commentId: comment.id, posted: true };
      } catch (err) {
        throw forgeFailure(err);
      }
    },

    /** Puts one status label on the issue, taking the other status labels off. */
    async setIssueStatusLabel(input: { repositoryId: number; number: number; label: string }): Promise<void> {
      try {
        const forge = await forgeFor(input.repositoryId);
        const issue = await forge.getIssue(input.number);
        const has = (name: string): boolean => issue.labels.some((l) => l.toLowerCase() === name.toLowerCase());
        for (const other of ALL_STATUS_LABELS) if (other !== input.label && has(other)) await forge.removeLabel(input.number, other);
        if (has(input.label)) return;
        const spec = STATUS_LABEL_SPECS.find((s) => s.name === input.label) ?? { name: input.label, color: 'ededed' };
        await forge.ensureLabels([spec]);
        await forge.addLabels(input.number, [input.label]);
      } catch (err) {
        throw forgeFailure(err);
      }
    },
  };
}

export type TeamActivities = ReturnType<typeof createTeamActivities>;
