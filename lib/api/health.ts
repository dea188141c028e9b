import { json, type Handler } from "./http";
import { recordBuilder, recorder } from "../gateway/record";
import { databaseAnswer } from "../db/probe";
import { runtimeEnv } from "../runtime/env";

/**
 * GET /api/health — no auth: what a load balancer and the first-run page need.
 * "degraded" (200): the database refuses record writes, or does not answer
 * at all (`database`, lib/db/probe.ts); requests are served and their
 * records wait in the spool. "unavailable" (503): the spool is at
 * its bound and the gateway refuses new requests, so a balancer sends them
 * elsewhere.
 */
export const health: Handler = async () => {
  const env = runtimeEnv();
  const host = env.host === "0.0.0.0" || env.host === "::" ? "127.0.0.1" : env.host;
  const r = recorder().status();
  const full = r.spool?.full === true;
  const database = await databaseAnswer();
  return json(full ? 503 : 200, {
    status: full ? "unavailable" : r.dbReachable && database.answering ? "ok" : "degraded",
    mode: env.mode,
    db: env.db,
    database,
    version: env.version,
    baseUrl: `http://${host.includes(":") ? `[${host}]` : host}:${env.port}/api`,
    recorder: {
      queued: r.queued,
      replaying: r.replaying,
      dbReachable: r.dbReachable,
      written: r.written,
      failedBatches: r.failedBatches,
      dropped: r.dropped,
      // Refused by the database for their data; kept in the spool's set-aside file.
      setAside: r.setAside,
      spoolBytes: r.spool?.bytes ?? null,
      spoolMaxBytes: r.spool?.maxBytes ?? null,
      spoolFull: full,
      builtOn: recordBuilder(),
    },
  });
};
