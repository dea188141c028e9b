/**
 * Patterns across traces, for the UI:
 *
 *   GET /api/traces/patterns?from&to&routeId&app
 *     hedge and assumption rates per UTC day, route and app, and recurring
 *     assumptions per route as prompt-improvement suggestions.
 *   GET /api/traces/failures?from&to&routeId&app&limit
 *     errors, partial answers and escalations with their hedge position
 *     profile and the tenth of the trace where hedging peaked.
 *
 * Bounded work: each call analyses at most ANALYSE_LIMIT (5,000) of the most
 * recent matching records in the window (the response says when it hit the
 * bound), reading only their signal columns: assumptions were normalised when
 * the records were built. The window defaults to the last 7 days.
 */
import { z } from "zod";
import { decimal } from "../api/query-number";
import { badRequest } from "../api/errors";
import { json, type Handler } from "../api/http";
import { isoDate } from "../api/instant";
import { withApi } from "../api/wrap";
import { patternsRepo, type WindowFilter } from "../db/patterns.repo";
import { parseProfile, peakBin, rateSeries, recurringAssumptions } from "./patterns";
import { POSITION_BINS } from "./signals";
import { yieldToIo } from "../runtime/turns";

export const ANALYSE_LIMIT = 5_000;
const DEFAULT_DAYS = 7;

const windowQuery = z.object({
  from: isoDate.optional(),
  to: isoDate.optional(),
  routeId: z.string().min(1).max(200).optional(),
  app: z.string().min(1).max(200).optional(),
});

function windowOf(q: z.infer<typeof windowQuery>): Omit<WindowFilter, "limit"> {
  const to = q.to ?? new Date();
  const from = q.from ?? new Date(to.getTime() - DEFAULT_DAYS * 86_400_000);
  if (from >= to) throw badRequest("from must be before to");
  return { from, to, routeId: q.routeId, app: q.app };
}

const describe = (w: Omit<WindowFilter, "limit">) => ({ from: w.from.toISOString(), to: w.to.toISOString(), routeId: w.routeId ?? null, app: w.app ?? null });

export const getPatterns: Handler = withApi({ role: "viewer" }, async ({ req }) => {
  const w = windowOf(windowQuery.parse(Object.fromEntries(req.query)));
  const rows = await patternsRepo.traces({ ...w, limit: ANALYSE_LIMIT });
  const rates = rateSeries(rows);
  // Each pass over 5,000 traces takes 10-25 ms: other requests are served between the two.
  await yieldToIo();
  return json(200, {
    window: describe(w),
    analysed: { traces: rows.length, limit: ANALYSE_LIMIT, truncated: rows.length >= ANALYSE_LIMIT },
    rates,
    assumptions: recurringAssumptions(rows, { app: w.app }),
  });
});

const failuresQuery = windowQuery.extend({
  limit: decimal(z.number().int().min(1).max(500)).default(100),
});

export const getFailures: Handler = withApi({ role: "viewer" }, async ({ req }) => {
  const q = failuresQuery.parse(Object.fromEntries(req.query));
  const w = windowOf(q);
  const rows = await patternsRepo.failures({ ...w, limit: ANALYSE_LIMIT });
  // Where hedging peaked, over every failure analysed: the UI's histogram.
  const peakBins = new Array<number>(POSITION_BINS).fill(0);
  const data = rows.map((r) => {
    const { signalProfile, ...rest } = r;
    const profile = parseProfile(signalProfile);
    const hedgePeakBin = profile ? peakBin(profile.hedge) : null;
    if (hedgePeakBin !== null) peakBins[hedgePeakBin]!++;
    return { ...rest, thinkingStored: r.thinkingStatus === "text" && !r.thinkingSampledOut, profile, hedgePeakBin };
  });
  return json(200, {
    window: describe(w),
    analysed: { failures: rows.length, limit: ANALYSE_LIMIT, truncated: rows.length >= ANALYSE_LIMIT },
    peakBins,
    data: data.slice(0, q.limit),
  });
});
