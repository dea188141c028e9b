/**
 * The price table over HTTP: anyone with a viewer key reads it, admins add a
 * price from a date on. Prices are never edited in place: a new row with a
 * later effectiveFrom keeps past requests priced as they were billed.
 */
import { z } from "zod";
import { json, type Handler } from "../api/http";
import { isoDate } from "../api/instant";
import { MAX_INT_COLUMN } from "../api/query-number";
import { withApi } from "../api/wrap";
import { pricesRepo } from "../db/prices.repo";
import { announceChange } from "../cluster/bus";
import { LONG_RATES, longContextHalf } from "./long-context";
import { invalidatePrices } from "./service";

const perMTok = z.number().finite().min(0).max(10_000);

export const priceBody = z
  .object({
    model: z.string().trim().min(1).max(200),
    effectiveFrom: isoDate,
    input: perMTok,
    cacheWrite5m: perMTok,
    cacheWrite1h: perMTok,
    cacheRead: perMTok,
    output: perMTok,
    longContextThreshold: z.number().int().positive().max(MAX_INT_COLUMN).nullable().default(null),
    longInput: perMTok.nullable().default(null),
    longCacheWrite5m: perMTok.nullable().default(null),
    longCacheWrite1h: perMTok.nullable().default(null),
    longCacheRead: perMTok.nullable().default(null),
    longOutput: perMTok.nullable().default(null),
    fastMultiplier: z.number().finite().min(1).max(100).nullable().default(null),
    /** USD per use of the server tool; null: unknown, and a request that used it is unpriced. */
    webSearchFee: z.number().finite().min(0).max(100).nullable().default(null),
    webFetchFee: z.number().finite().min(0).max(100).nullable().default(null),
    source: z.string().max(2000).default(""),
  })
  .strict()
  // Either half of a long-context pair alone was stored as if it priced long prompts (long-context.ts).
  .superRefine((p, ctx) => {
    const half = longContextHalf(p);
    if (half && "ratesWithoutThreshold" in half) {
      ctx.addIssue({
        code: "custom",
        path: ["longContextThreshold"],
        message: `longContextThreshold is required with long-context rates (${half.ratesWithoutThreshold.join(", ")} given): the prompt size in tokens past which they apply`,
      });
    }
    if (half && "thresholdWithoutRates" in half) {
      ctx.addIssue({
        code: "custom",
        path: ["longContextThreshold"],
        message: `longContextThreshold needs at least one long-context rate (${LONG_RATES.join(", ")}): without one, prompts past it are billed at the standard rates`,
      });
    }
  });

export const listPrices: Handler = withApi({ role: "viewer" }, async () => json(200, { data: await pricesRepo.all() }));

export const addPrice: Handler = withApi({ role: "admin", body: priceBody }, async ({ body, principal }) => {
  const row = await pricesRepo.add({ ...body, source: body.source || `added by ${principal.name}` });
  await invalidatePrices();
  await announceChange("prices");
  return json(201, row);
});
