export { BUSY_MESSAGE, OllamaSimulator, type OllamaSimulatorOptions, type SimulatedModel, type SimulatorStats } from './ollama-simulator';
export { defaultReply, tokenize, type SimMessage, type SimRequest } from './reply';
export { sampleFromSchema } from './json-schema-sample';
