/**
 * What a request may cost at most, before it is sent: the amount a budget
 * reserves. It must be an upper bound, so it is deliberately generous:
 *   input  = ⌈body bytes / 2⌉ tokens (real prompts run about 3.5–4 bytes per
 *            token; JSON framing only adds bytes), at the dearest input rate
 *            (cache writes cost more than plain input), long-context rates
 *            once the estimate passes the model's threshold;
 *   output = the max_tokens sent upstream (thinking is billed as output and
 *            fits inside max_tokens), at the output rate;
 *   server tools = each declared web search or web fetch tool, at the price
 *            row's fee per use (webSearchFee / webFetchFee, where set), times
 *            the most uses it may make: its max_uses when the request sets
 *            one, DEFAULT_SERVER_TOOL_USES otherwise.
 * An unpriced model estimates as null: no upper bound is known, so a capped
 * request to it is refused (admission.ts).
 */
import type { PriceRow } from "../pricing/seed";
import { priceFor } from "../pricing/service";

/** Input tokens never estimate past this: a base64 image costs far fewer tokens than its bytes. */
const MAX_INPUT_ESTIMATE = 2_000_000;

export function estimateInputTokens(bodyBytes: number): number {
  return Math.min(Math.ceil(bodyBytes / 2), MAX_INPUT_ESTIMATE);
}

/**
 * The uses a server tool without max_uses is reserved for. The API runs
 * server tools in a loop of its own and documents no ceiling on their uses in
 * one request (a long turn ends in pause_turn, after an unpublished number of
 * iterations), so this is an assumption, not a limit: ten searches or
 * fetches per tool is more than a turn commonly makes. The request is settled
 * at the uses its usage reports, so a request that makes more counts them all;
 * the assumption only bounds how far one request can pass a budget's cap.
 */
export const DEFAULT_SERVER_TOOL_USES = 10;

/** The most uses of each fee-charging server tool the declared tools allow (max_uses, or DEFAULT_SERVER_TOOL_USES). */
export function serverToolUses(tools: unknown[] | undefined): { webSearch: number; webFetch: number } {
  const out = { webSearch: 0, webFetch: 0 };
  for (const t of tools ?? []) {
    if (!t || typeof t !== "object") continue;
    const { type, max_uses } = t as { type?: unknown; max_uses?: unknown };
    if (typeof type !== "string") continue;
    const uses = typeof max_uses === "number" && Number.isInteger(max_uses) && max_uses >= 0 ? max_uses : DEFAULT_SERVER_TOOL_USES;
    if (type.startsWith("web_search_")) out.webSearch += uses;
    else if (type.startsWith("web_fetch_")) out.webFetch += uses;
  }
  return out;
}

export function estimateCostUsd(model: string, bodyBytes: number, maxTokens: number, at: Date, tools?: unknown[]): number | null {
  const p = priceFor(model, at);
  return p ? estimateAtPrice(p, bodyBytes, maxTokens, tools) : null;
}

/** The estimate on a price row. */
export function estimateAtPrice(p: PriceRow, bodyBytes: number, maxTokens: number, tools?: unknown[]): number {
  // A fee that is not set counts nothing here: the call is then unpriced, and settled at no less than this reservation (admission.ts spentMicro).
  const uses = serverToolUses(tools);
  const fees = uses.webSearch * (p.webSearchFee ?? 0) + uses.webFetch * (p.webFetchFee ?? 0);
  const input = estimateInputTokens(bodyBytes);
  const long = p.longContextThreshold !== null && input > p.longContextThreshold;
  const pick = (base: number, longRate: number | null) => (long && longRate !== null ? Math.max(base, longRate) : base);
  const inRate = Math.max(pick(p.input, p.longInput), pick(p.cacheWrite5m, p.longCacheWrite5m), pick(p.cacheWrite1h, p.longCacheWrite1h));
  const outRate = pick(p.output, p.longOutput);
  return (input * inRate + Math.max(0, maxTokens) * outRate) / 1e6 + fees;
}
