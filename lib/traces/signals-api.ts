/**
 * POST /api/v1/signals — the signal extractor as a service: the spans and
 * stats lib/traces/signals.ts finds in any text (a thinking trace, an answer).
 * The same function runs on every recorded trace.
 *
 * The extractor runs on the event loop at ~5 MB/s: the 2 MiB cap keeps one
 * call under half a second.
 */
import { z } from "zod";
import { json, type Handler } from "../api/http";
import { withApi } from "../api/wrap";
import { extractSignals } from "./signals";

export const MAX_SIGNALS_TEXT = 2 * 1024 * 1024;

const signalsBody = z.object({
  text: z.string({ error: "text: a string is required" }).max(MAX_SIGNALS_TEXT, `text: at most ${MAX_SIGNALS_TEXT} characters (2 MiB)`),
});

export const postSignals: Handler = withApi({ role: "viewer", body: signalsBody, readOnly: true }, async ({ body }) => json(200, extractSignals(body.text)));
