/**
 * The simulator's routes on a node:http server of their own: the standalone
 * simulator (scripts/simulator.ts) and, in simulator mode, the gateway's
 * upstream (server.ts).
 */
import type http from "node:http";
import { createHttpServer, DEFAULT_BODY_TIMEOUT_MS, DEFAULT_HEADERS_TIMEOUT_MS, DEFAULT_UPLOAD_TIMEOUT_MS } from "../api/http-server";
import { serveApi } from "../api/node-adapter";
import { answerDirectly } from "../api/document-headers";
import { ApiRouter } from "../api/router";
import { simulatorRoutes } from "./routes";

export function createSimulatorServer(maxBodyBytes: number, onError: (err: unknown) => void): http.Server {
  const router = new ApiRouter(simulatorRoutes);
  return createHttpServer({ headersMs: DEFAULT_HEADERS_TIMEOUT_MS, bodyMs: DEFAULT_BODY_TIMEOUT_MS, uploadMs: DEFAULT_UPLOAD_TIMEOUT_MS }, (req, res) => {
    serveApi(router, req, res, maxBodyBytes)
      .then((served) => {
        if (served) return;
        const body = JSON.stringify({ type: "error", error: { type: "not_found_error", message: `no route for ${req.method} ${req.url}` } });
        answerDirectly(res, 404, "application/json", body);
      })
      .catch((err: unknown) => {
        onError(err);
        if (res.headersSent) return void res.destroy();
        answerDirectly(res, 500, "application/json", JSON.stringify({ type: "error", error: { type: "api_error", message: "Internal server error" } }));
      });
  });
}
