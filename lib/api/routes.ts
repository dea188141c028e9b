/**
 * Every API endpoint of thinkgate, in one table. The lean Node server serves
 * them directly; the files under app/api re-export the same handlers so the
 * app's shape stays as Next expects (tests/unit/api-routes.test.ts keeps the
 * two in step).
 */
import { handleMessages } from "../gateway/messages";
import { handleCountTokens, handleModels } from "../gateway/passthrough";
import { handleRoute } from "../gateway/route-endpoint";
import { createKeyHandler, listKeys, revokeKey } from "../keys/api";
import { addPrice, listPrices } from "../pricing/api";
import { getRequest, listRequests } from "../requests/api";
import { simulatorRoutes } from "../simulator/routes";
import { health } from "./health";
import type { RouteDef } from "./http";

export const apiRoutes: RouteDef[] = [
  { method: "POST", path: "/api/v1/messages", handler: handleMessages },
  { method: "POST", path: "/api/v1/messages/count_tokens", handler: handleCountTokens },
  { method: "GET", path: "/api/v1/models", handler: handleModels },
  { method: "GET", path: "/api/v1/models/:id", handler: handleModels },
  { method: "POST", path: "/api/v1/route", handler: handleRoute },
  { method: "GET", path: "/api/health", handler: health },
  { method: "GET", path: "/api/requests", handler: listRequests },
  { method: "GET", path: "/api/requests/:id", handler: getRequest },
  { method: "GET", path: "/api/prices", handler: listPrices },
  { method: "POST", path: "/api/prices", handler: addPrice },
  { method: "GET", path: "/api/keys", handler: listKeys },
  { method: "POST", path: "/api/keys", handler: createKeyHandler },
  { method: "DELETE", path: "/api/keys/:id", handler: revokeKey },
  ...simulatorRoutes,
];
