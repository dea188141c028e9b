/**
 * What server.ts answers each request with: the API on the lean path
 * (node-adapter.ts), every other path handed to the pages (Next), and the few
 * answers the process writes itself when neither does. Those are marked as
 * data like every API answer (document-headers.ts): a 400 or 404 opened in a
 * browser is no page of this origin either.
 */
import type http from "node:http";
import { logger } from "../observability/logger";
import { answerDirectly } from "./document-headers";
import { pathDecodes, serveApi } from "./node-adapter";
import type { ApiRouter } from "./router";

export type PageHandler = (req: http.IncomingMessage, res: http.ServerResponse) => Promise<void>;

const JSON_TYPE = "application/json";

export function frontDoor(router: ApiRouter, pages: PageHandler | null, maxBodyBytes: number): http.RequestListener {
  return (req, res) => {
    // Prometheus scrapes /metrics by default: the same handler as /api/metrics.
    if (req.url === "/metrics" || req.url?.startsWith("/metrics?")) req.url = `/api${req.url}`;
    // A client whose base URL is this host's root, as the API's own is
    // (https://api.anthropic.com), sends /v1/messages: served as /api/v1/messages.
    else if (req.url?.startsWith("/v1/")) req.url = `/api${req.url}`;
    serveApi(router, req, res, maxBodyBytes)
      .then((served) => {
        if (served) return;
        // Next answers a page path that is not valid percent-encoding ("/traces/%ff") with a bare 500 as it decodes the route's parameters: the client's mistake.
        if (!pathDecodes(req.url ?? "/")) return answerDirectly(res, 400, "text/plain; charset=utf-8", "Bad request: the path is not valid percent-encoding\n");
        if (pages) return pages(req, res);
        const body = JSON.stringify({ type: "error", error: { type: "not_found_error", message: `no route for ${req.method} ${req.url}` } });
        answerDirectly(res, 404, JSON_TYPE, body);
      })
      .catch((err: unknown) => {
        logger.error({ err }, "request failed");
        // A response already under way cannot become an error response.
        if (res.headersSent) return void res.destroy();
        answerDirectly(res, 500, JSON_TYPE, JSON.stringify({ type: "error", error: { type: "api_error", message: "Internal server error" } }));
      });
  };
}
