export {
  DockerSimulator,
  SIM_API_VERSION,
  SIM_ENGINE_VERSION,
  type DockerSimulatorOptions,
  type SimContainer,
  type SimContainerState,
  type SimProgramResult,
  type SimRequestRecord,
  type SimService,
  type SwarmState,
} from './docker-simulator';
