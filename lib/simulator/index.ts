/** The offline Messages API: routes to mount, the validator, and the README section on directives. */
export { simulatorRoutes, SIMULATOR_PREFIX } from "./routes";
export { validateMessagesRequest, checkVersion, effectiveThinking, API_VERSIONS } from "./validate";
export { SIMULATOR_DIRECTIVES, FAULTS, ANSWER_MODES, FAULT_HEADER } from "./directives";
export { simulatorLatencyMode, setSimulatorLatencyMode, type LatencyMode } from "./latency";
export { estimateTokens, countRequestTokens } from "./tokens";
export { resetPromptCache } from "./cache";
