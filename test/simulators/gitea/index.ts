export {
  GITEA_SIM_TOKEN,
  GITEA_SIM_USER,
  GiteaSimulator,
  type GiteaSimulatorOptions,
  type NewHook,
  type NewIssue,
  type SimComment,
  type SimDelivery,
  type SimHook,
  type SimIssue,
  type SimLabel,
  type SimRequestRecord,
} from './gitea-simulator';
