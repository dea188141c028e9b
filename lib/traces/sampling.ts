/**
 * Which thinking traces are stored (settings key `traces.sampling`). Token
 * counts, cost and the signal counts are stored for every request; only the
 * thinking text itself is sampled.
 *
 * - Deterministic by request id: the id is hashed to a number in [0, 1) and
 *   the trace is kept when it is below the rate, so the same request gets the
 *   same decision on every instance and on a replay.
 * - Per-route rates override the default rate (10%).
 * - Always kept: errors and partial responses, escalations, and traces whose
 *   hedge density exceeds the threshold (the traces people open first).
 *
 * The hedge threshold: 20 hedges per 1,000 words of thinking, counted by
 * lib/traces/signals.ts, with at least MIN_HEDGES of them. Measured on the 240
 * raw thinking traces of the shared sample (data/reasoning_traces, open and
 * Claude 3.7 models, answers labelled right or wrong): hedge density has
 * median 9.7, p75 18.4, p90 26.2, and wrong answers hedge more (median 13.3
 * against 8.2). The share of traces the rule keeps, of all / wrong / right:
 *
 *   threshold 15: 29% / 43% / 24%
 *   threshold 20: 21% / 29% / 17%
 *   threshold 25: 10% /  8% / 10%   (no longer tells wrong from right)
 *
 * 20 is the highest threshold at which the rule still picks out troubled
 * traces (wrong answers ~1.7× as often as right ones) rather than one model's
 * verbal style; above it the kept traces are as likely right as wrong. A
 * density over fewer than MIN_HEDGES hedges (a 40-word trace with one "I
 * think") is noise, not hedging, and does not count.
 *
 * Beware `rate || default`: a rate of 0 is falsy (Langfuse's Python SDK stored
 * everything at sample_rate=0.0 for that reason). Rates here use `??`.
 */
import { z } from "zod";

export const DEFAULT_SAMPLE_RATE = 0.1;
export const DEFAULT_HEDGE_DENSITY_THRESHOLD = 20;
/** The density rule needs at least this many hedges in the thinking. */
export const MIN_HEDGES = 3;

const rate = z.number().min(0).max(1);

export const samplingConfigSchema = z.object({
  /** Share of requests whose thinking text is stored, 0–1. */
  rate: rate.default(DEFAULT_SAMPLE_RATE),
  /** Route id → rate, overriding `rate` for that route. */
  perRoute: z.record(z.string().min(1).max(200), rate).default({}),
  /** Hedges per 1,000 words of thinking above which the text is always stored. */
  hedgeDensityThreshold: z.number().min(0).max(1000).default(DEFAULT_HEDGE_DENSITY_THRESHOLD),
});

export type SamplingConfig = z.infer<typeof samplingConfigSchema>;
export type SamplingConfigInput = z.input<typeof samplingConfigSchema>;

export const DEFAULT_SAMPLING: SamplingConfig = samplingConfigSchema.parse({});

export interface SamplingInput {
  requestId: string;
  routeId: string | null;
  status: "ok" | "error" | "partial";
  escalated: boolean;
  /** Hedges per 1,000 words of the thinking; null without thinking text. */
  hedgeDensity: number | null;
  /** Hedges in the thinking. */
  hedgeCount: number;
}

/** cyrb53 (a fast, well-spread 53-bit string hash) scaled to [0, 1). */
export function sampleFraction(id: string): number {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < id.length; i++) {
    const ch = id.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return (4294967296 * (2097151 & h2) + (h1 >>> 0)) / 2 ** 53;
}

/** A route's own rate, else the default; own keys only: "constructor" is a valid route id. */
export function rateFor(routeId: string | null, config: SamplingConfig): number {
  return (routeId !== null && Object.hasOwn(config.perRoute, routeId) ? config.perRoute[routeId] : undefined) ?? config.rate;
}

export type SamplingReason = "error" | "partial" | "escalated" | "hedging" | "sampled" | "sampled_out";

/** Why a trace is kept or dropped (the first rule that applies). */
export function samplingReason(input: SamplingInput, config: SamplingConfig): SamplingReason {
  if (input.status === "error") return "error";
  if (input.status === "partial") return "partial";
  if (input.escalated) return "escalated";
  if (input.hedgeDensity !== null && input.hedgeCount >= MIN_HEDGES && input.hedgeDensity > config.hedgeDensityThreshold) return "hedging";
  return sampleFraction(input.requestId) < rateFor(input.routeId, config) ? "sampled" : "sampled_out";
}

export function shouldStoreThinking(input: SamplingInput, config: SamplingConfig): boolean {
  return samplingReason(input, config) !== "sampled_out";
}
