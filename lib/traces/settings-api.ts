/**
 * GET /api/settings/traces (viewer) and PUT /api/settings/traces (admin):
 * the sampling and redaction settings. A PUT replaces the sections it names
 * (sampling, redaction or both), validated in full, and the in-memory
 * snapshot the recorder uses is reloaded at once. The retention of records
 * and pins is shown beside them, read-only: it is the deployment's
 * environment (THINKGATE_*_RETENTION_DAYS, lib/retention/sweep.ts), the same
 * for every instance.
 */
import { z } from "zod";
import { json, type Handler } from "../api/http";
import { withApi } from "../api/wrap";
import { pinDays } from "../retention/sweep";
import { runtimeEnv } from "../runtime/env";
import { saveTracesConfig, tracesSnapshot, type TracesSettings } from "./config";
import { redactionConfigSchema } from "./redaction";
import { samplingConfigSchema } from "./sampling";

const putBody = z
  .object({ sampling: samplingConfigSchema.optional(), redaction: redactionConfigSchema.optional() })
  .strict()
  .refine((b) => b.sampling !== undefined || b.redaction !== undefined, "send sampling, redaction or both");

const view = (s: TracesSettings) => {
  const env = runtimeEnv();
  // The pins' days as the sweep applies them (bounded by the text retention).
  return { sampling: s.sampling, redaction: s.redaction, retention: { ...env.retention, pinDays: pinDays(env.retention), sweepMs: env.retentionSweepMs } };
};

export const getTracesSettings: Handler = withApi({ role: "viewer" }, async () => json(200, view(tracesSnapshot())));

export const putTracesSettings: Handler = withApi({ role: "admin", body: putBody }, async ({ body }) => json(200, view(await saveTracesConfig(body))));
