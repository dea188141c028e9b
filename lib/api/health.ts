import { json, type Handler } from "./http";
import { runtimeEnv } from "../runtime/env";

/** GET /api/health — no auth: what a load balancer and the first-run page need. */
export const health: Handler = async () => {
  const env = runtimeEnv();
  const host = env.host === "0.0.0.0" || env.host === "::" ? "127.0.0.1" : env.host;
  return json(200, {
    status: "ok",
    mode: env.mode,
    db: env.db,
    version: env.version,
    baseUrl: `http://${host.includes(":") ? `[${host}]` : host}:${env.port}/api`,
  });
};
