/**
 * What a record's cost means. "priced": the number is what was billed.
 * "unpriced": upstream was called and billed, but the model has no price, so
 * the cost is unknown (never shown as $0). "not_billed": the request failed
 * before any upstream call answered with usage (a 400 from the gateway, an
 * open circuit, a model id upstream refused with a 404): nothing was billed,
 * it cost $0 whatever the price table says.
 *
 * Records written before "not_billed" existed say "unpriced" for those; a
 * failed record with no tokens at all is read as not billed too. A record
 * stored as "unknown" (the gateway stopped while its request was in flight:
 * upstream may have billed it; or an upstream call answered with a success
 * status and lost its body: upstream billed it) is "unpriced": its cost is not known, and it
 * is not read as not billed for its zero tokens.
 */
export type BillingStatus = "priced" | "unpriced" | "not_billed";

export interface BillingFields {
  pricingStatus: string;
  status: string;
  costTotal: number | null;
  inputTokens: number;
  outputTokens: number;
  thinkingTokens: number;
  cacheWrite5mTokens?: number;
  cacheWrite1hTokens?: number;
  cacheReadTokens?: number;
}

export function billingStatus(r: BillingFields): BillingStatus {
  if (r.pricingStatus === "not_billed") return "not_billed";
  if (r.pricingStatus === "unknown") return "unpriced";
  if (r.costTotal !== null && r.pricingStatus !== "unpriced") return "priced";
  const tokens = r.inputTokens + r.outputTokens + r.thinkingTokens + (r.cacheWrite5mTokens ?? 0) + (r.cacheWrite1hTokens ?? 0) + (r.cacheReadTokens ?? 0);
  return r.status === "error" && tokens === 0 ? "not_billed" : "unpriced";
}
