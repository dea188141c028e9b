/**
 * GET /api/settings/traces (viewer) and PUT /api/settings/traces (admin):
 * the sampling and redaction settings. A PUT replaces the sections it names
 * (sampling, redaction or both), validated in full, and the in-memory
 * snapshot the recorder uses is reloaded at once.
 */
import { z } from "zod";
import { json, type Handler } from "../api/http";
import { withApi } from "../api/wrap";
import { saveTracesConfig, tracesSnapshot, type TracesSettings } from "./config";
import { redactionConfigSchema } from "./redaction";
import { samplingConfigSchema } from "./sampling";

const putBody = z
  .object({ sampling: samplingConfigSchema.optional(), redaction: redactionConfigSchema.optional() })
  .strict()
  .refine((b) => b.sampling !== undefined || b.redaction !== undefined, "send sampling, redaction or both");

const view = (s: TracesSettings) => ({ sampling: s.sampling, redaction: s.redaction });

export const getTracesSettings: Handler = withApi({ role: "viewer" }, async () => json(200, view(tracesSnapshot())));

export const putTracesSettings: Handler = withApi({ role: "admin", body: putBody }, async ({ body }) => json(200, view(await saveTracesConfig(body))));
