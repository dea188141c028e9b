/**
 * Every API endpoint of thinkgate, in one table. The lean Node server serves
 * them directly; the files under app/api re-export the same handlers so the
 * app's shape stays as Next expects (tests/unit/api-routes.test.ts keeps the
 * two in step).
 */
import { changePassword, createUserHandler, endOwnSessions, endUserSessionsHandler, listUsers, login, logout, me, patchUser, setup } from "../auth/api";
import { getConfigExport, postConfigImport, postConfigValidate } from "../config-io/api";
import {
  addItemsHandler,
  applyExperimentHandler,
  cancelExperimentHandler,
  createExperimentHandler,
  createSetHandler,
  deleteSetHandler,
  experimentTrialsHandler,
  getExperimentHandler,
  getSetHandler,
  gridModelsHandler,
  listExperimentsHandler,
  listSetsHandler,
  resumeExperimentHandler,
} from "../calibration/api";
import { batchResults, cancelBatch, createBatch, deleteBatch, listBatches, retrieveBatch } from "../batches/api";
import { exportCostsCsv, getCostSummary } from "../costs/api";
import { deleteFile, fileContent, listFiles, retrieveFile, uploadFile } from "../files/api";
import { createExample, listExamples } from "../examples/api";
import { handleMessages } from "../gateway/messages";
import { handleChatCompletions } from "../openai/chat";
import { handleResponses } from "../openai/responses";
import { handleCountTokens, handleModels } from "../gateway/passthrough";
import { handleRoute } from "../gateway/route-endpoint";
import { createKeyHandler, listKeys, patchKey, revokeKey } from "../keys/api";
import { runPlayground } from "../playground/api";
import { addPrice, listPrices } from "../pricing/api";
import { clearRequestText, getRequest, listRequests } from "../requests/api";
import { getRouter, postApplyVersion, postRetrain, postRollbackVersion } from "../router-versions/api";
import { getRuleHistory, getRules, getRuleVersion, postRollback, postRuleReplay, postRules, postRuleTest } from "../rules/api";
import { deleteAppHandler, getApps, getRoutes, getSettingsHandler, putAppHandler, putRouteHandler, putSettingsHandler } from "../settings/api";
import { simulatorRoutes } from "../simulator/routes";
import { getMetrics } from "../telemetry/api";
import { getTrace, getTraceThread, labelTrace, listTraces, traceFacets } from "../traces/api";
import { getFailures, getPatterns } from "../traces/patterns-api";
import { getTracesSettings, putTracesSettings } from "../traces/settings-api";
import { postSignals } from "../traces/signals-api";
import { health } from "./health";
import { json, type RouteDef } from "./http";
import { runtimeEnv } from "../runtime/env";

export const apiRoutes: RouteDef[] = [
  { method: "POST", path: "/api/v1/messages", handler: handleMessages },
  { method: "POST", path: "/api/v1/chat/completions", handler: handleChatCompletions },
  { method: "POST", path: "/api/v1/responses", handler: handleResponses },
  { method: "POST", path: "/api/v1/messages/count_tokens", handler: handleCountTokens },
  { method: "POST", path: "/api/v1/messages/batches", handler: createBatch },
  { method: "GET", path: "/api/v1/messages/batches", handler: listBatches },
  { method: "GET", path: "/api/v1/messages/batches/:id", handler: retrieveBatch },
  { method: "DELETE", path: "/api/v1/messages/batches/:id", handler: deleteBatch },
  { method: "POST", path: "/api/v1/messages/batches/:id/cancel", handler: cancelBatch },
  { method: "GET", path: "/api/v1/messages/batches/:id/results", handler: batchResults },
  { method: "POST", path: "/api/v1/files", handler: uploadFile },
  { method: "GET", path: "/api/v1/files", handler: listFiles },
  { method: "GET", path: "/api/v1/files/:id", handler: retrieveFile },
  { method: "GET", path: "/api/v1/files/:id/content", handler: fileContent },
  { method: "DELETE", path: "/api/v1/files/:id", handler: deleteFile },
  { method: "GET", path: "/api/v1/models", handler: handleModels },
  { method: "GET", path: "/api/v1/models/:id", handler: handleModels },
  { method: "POST", path: "/api/v1/route", handler: handleRoute },
  { method: "GET", path: "/api/health", handler: health },
  // Also served at /metrics (server.ts), where scrapers look by default.
  { method: "GET", path: "/api/metrics", handler: getMetrics },
  { method: "GET", path: "/api/requests", handler: listRequests },
  { method: "GET", path: "/api/requests/:id", handler: getRequest },
  { method: "DELETE", path: "/api/requests/:id/text", handler: clearRequestText },
  { method: "GET", path: "/api/prices", handler: listPrices },
  { method: "POST", path: "/api/prices", handler: addPrice },
  { method: "GET", path: "/api/keys", handler: listKeys },
  { method: "POST", path: "/api/keys", handler: createKeyHandler },
  { method: "DELETE", path: "/api/keys/:id", handler: revokeKey },
  { method: "PATCH", path: "/api/keys/:id", handler: patchKey },
  { method: "POST", path: "/api/auth/login", handler: login },
  { method: "POST", path: "/api/auth/logout", handler: logout },
  { method: "GET", path: "/api/auth/me", handler: me },
  { method: "POST", path: "/api/auth/setup", handler: setup },
  { method: "POST", path: "/api/auth/password", handler: changePassword },
  { method: "DELETE", path: "/api/auth/sessions", handler: endOwnSessions },
  { method: "GET", path: "/api/users", handler: listUsers },
  { method: "POST", path: "/api/users", handler: createUserHandler },
  { method: "PATCH", path: "/api/users/:id", handler: patchUser },
  { method: "DELETE", path: "/api/users/:id/sessions", handler: endUserSessionsHandler },
  { method: "GET", path: "/api/rules", handler: getRules },
  { method: "POST", path: "/api/rules", handler: postRules },
  { method: "GET", path: "/api/rules/history", handler: getRuleHistory },
  { method: "GET", path: "/api/rules/versions/:version", handler: getRuleVersion },
  { method: "POST", path: "/api/rules/rollback", handler: postRollback },
  { method: "POST", path: "/api/rules/test", handler: postRuleTest },
  { method: "POST", path: "/api/rules/replay", handler: postRuleReplay },
  { method: "GET", path: "/api/config/export", handler: getConfigExport },
  { method: "POST", path: "/api/config/validate", handler: postConfigValidate },
  { method: "POST", path: "/api/config/import", handler: postConfigImport },
  { method: "GET", path: "/api/routes", handler: getRoutes },
  { method: "PUT", path: "/api/routes/:id", handler: putRouteHandler },
  { method: "GET", path: "/api/apps", handler: getApps },
  { method: "PUT", path: "/api/apps/:name", handler: putAppHandler },
  { method: "DELETE", path: "/api/apps/:name", handler: deleteAppHandler },
  { method: "GET", path: "/api/settings", handler: getSettingsHandler },
  { method: "PUT", path: "/api/settings", handler: putSettingsHandler },
  { method: "GET", path: "/api/traces", handler: listTraces },
  { method: "GET", path: "/api/traces/facets", handler: traceFacets },
  { method: "GET", path: "/api/traces/:id", handler: getTrace },
  { method: "POST", path: "/api/traces/:id/label", handler: labelTrace },
  { method: "GET", path: "/api/traces/:id/thread", handler: getTraceThread },
  { method: "GET", path: "/api/costs/summary", handler: getCostSummary },
  { method: "GET", path: "/api/costs/export.csv", handler: exportCostsCsv },
  { method: "POST", path: "/api/playground/run", handler: runPlayground },
  { method: "GET", path: "/api/examples", handler: listExamples },
  { method: "POST", path: "/api/examples", handler: createExample },
  { method: "GET", path: "/api/router", handler: getRouter },
  { method: "POST", path: "/api/router/retrain", handler: postRetrain },
  { method: "POST", path: "/api/router/versions/:version/apply", handler: postApplyVersion },
  { method: "POST", path: "/api/router/versions/:version/rollback", handler: postRollbackVersion },
  { method: "POST", path: "/api/v1/signals", handler: postSignals },
  { method: "GET", path: "/api/traces/patterns", handler: getPatterns },
  { method: "GET", path: "/api/traces/failures", handler: getFailures },
  { method: "GET", path: "/api/settings/traces", handler: getTracesSettings },
  { method: "PUT", path: "/api/settings/traces", handler: putTracesSettings },
  { method: "GET", path: "/api/calibration/sets", handler: listSetsHandler },
  { method: "POST", path: "/api/calibration/sets", handler: createSetHandler },
  { method: "GET", path: "/api/calibration/sets/:id", handler: getSetHandler },
  { method: "DELETE", path: "/api/calibration/sets/:id", handler: deleteSetHandler },
  { method: "POST", path: "/api/calibration/sets/:id/items", handler: addItemsHandler },
  { method: "GET", path: "/api/calibration/models", handler: gridModelsHandler },
  { method: "GET", path: "/api/calibration/experiments", handler: listExperimentsHandler },
  { method: "POST", path: "/api/calibration/experiments", handler: createExperimentHandler },
  { method: "GET", path: "/api/calibration/experiments/:id", handler: getExperimentHandler },
  { method: "GET", path: "/api/calibration/experiments/:id/trials", handler: experimentTrialsHandler },
  { method: "POST", path: "/api/calibration/experiments/:id/cancel", handler: cancelExperimentHandler },
  { method: "POST", path: "/api/calibration/experiments/:id/resume", handler: resumeExperimentHandler },
  { method: "POST", path: "/api/calibration/experiments/:id/apply", handler: applyExperimentHandler },
  ...simulatorRoutes.map(onlyInSimulatorMode),
];

/**
 * The gateway mounts its simulator only in simulator mode (no
 * ANTHROPIC_API_KEY): with a real upstream it would be free compute for any
 * caller with any key, and its `hang` fault holds sockets. The standalone
 * simulator (scripts/simulator.ts) serves the same routes unguarded.
 */
function onlyInSimulatorMode(route: RouteDef): RouteDef {
  return {
    ...route,
    handler: async (req) =>
      runtimeEnv().mode === "simulator"
        ? route.handler(req)
        : json(404, {
            type: "error",
            error: { type: "not_found_error", message: "the simulator is not mounted: this gateway forwards to the Anthropic API (ANTHROPIC_API_KEY is set)" },
          }),
  };
}
