/** The Docker layer's front door: the deployer and its error. Nothing outside activities/docker/ imports dockerode. */
export {
  createDockerDeployer,
  type AgentContainerSpec,
  type DeployedAgent,
  type DockerDeployer,
  type DockerDeployerOptions,
  type DockerTarget,
} from './docker-deployer';
export { DockerError } from './errors';
export { agentResourceName, LABEL_AGENT, LABEL_ROLE, LABEL_TASK, LABEL_TEAM } from './naming';
