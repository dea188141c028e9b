/**
 * Counterfactual costs, so the dashboards can show what routing saved against
 * "always reason" (RequestRecord.counterfactualCost) and, the other way, what
 * reasoning cost over a standard answer.
 *
 * Pure functions. Assumptions, all deliberate and all estimates:
 * - Same prompt buckets: the other route is priced on the same input, cache
 *   write and cache read counts. We do not model the other model's tokenizer
 *   (Haiku 5.5 and 4.7+ count ~30% more tokens than Haiku 4.5, reference §4.1)
 *   nor a cold cache on the other model; over steady traffic each route keeps
 *   its own cache warm.
 * - Same visible answer: output-without-thinking is unchanged; only thinking
 *   differs.
 * - Same modifiers (batch, geo, speed) unless the caller passes others; a fast
 *   request priced on a model with no known fast multiplier is unpriced, as in
 *   computeCost.
 * - Reasoning thinking tokens come from the budget tier's typical value
 *   (DEFAULT_THINKING_TOKENS, from the budget calibration in ARCHITECTURE
 *   "Router": simple 2–4K, complex 8–16K, maximum 16–32K), overridable per
 *   deployment once a team has measured its own.
 * - When the request actually ran on the route being asked about, the
 *   counterfactual is its actual cost: nothing is estimated.
 */
import { computeCost, type CostBreakdown } from "./cost";
import type { PriceRow } from "./seed";
import type { PriceModifiers, TokenBuckets } from "./usage";

export type ServedTier = "standard" | "reasoning";
export type ThinkingTier = "simple" | "complex" | "maximum";

/** Typical thinking tokens per budget tier (documented defaults; override with measurements). */
export const DEFAULT_THINKING_TOKENS: Readonly<Record<ThinkingTier, number>> = Object.freeze({
  simple: 2_500,
  complex: 9_000,
  maximum: 20_000,
});

export interface Counterfactual {
  cost: CostBreakdown;
  /** The buckets the estimate priced (the actual ones when not estimated). */
  buckets: TokenBuckets;
  /** false when the request ran on that route and this is its actual cost. */
  estimated: boolean;
}

export interface ReasoningEstimateInput {
  /** What the served request used. */
  actual: TokenBuckets;
  /** The served request's modifiers (from usage); reused for the estimate. */
  modifiers: PriceModifiers;
  servedTier: ServedTier;
  /** The served request's cost (computeCost on the served model). */
  actualCost: CostBreakdown;
  /** Price of the reasoning route's model at the request's time; null → unpriced. */
  reasoningPrice: PriceRow | null;
  /** The reasoning route's budget tier. */
  thinkingTier: ThinkingTier;
  /** Per-deployment typical thinking tokens, overriding the defaults. */
  thinkingTokens?: Partial<Record<ThinkingTier, number>>;
}

/**
 * What the request would have cost on the reasoning route. A standard request
 * that already thought (e.g. adaptive thinking on the standard model) is
 * assumed to think at least as much on the reasoning route, hence the max.
 */
export function estimateReasoningCost(x: ReasoningEstimateInput): Counterfactual {
  if (x.servedTier === "reasoning") return { cost: x.actualCost, buckets: x.actual, estimated: false };
  const typical = x.thinkingTokens?.[x.thinkingTier] ?? DEFAULT_THINKING_TOKENS[x.thinkingTier];
  const buckets: TokenBuckets = { ...x.actual, thinking: Math.max(x.actual.thinking, Math.max(0, Math.round(typical))) };
  return { cost: computeCost(buckets, x.modifiers, x.reasoningPrice), buckets, estimated: true };
}

export interface StandardEstimateInput {
  actual: TokenBuckets;
  modifiers: PriceModifiers;
  servedTier: ServedTier;
  actualCost: CostBreakdown;
  /** Price of the standard route's model at the request's time; null → unpriced. */
  standardPrice: PriceRow | null;
}

/**
 * What a reasoning request would have cost on the standard route: the same
 * prompt and visible output with no thinking, at the standard model's price.
 */
export function estimateStandardCost(x: StandardEstimateInput): Counterfactual {
  if (x.servedTier === "standard") return { cost: x.actualCost, buckets: x.actual, estimated: false };
  const buckets: TokenBuckets = { ...x.actual, thinking: 0 };
  return { cost: computeCost(buckets, x.modifiers, x.standardPrice), buckets, estimated: true };
}
