/**
 * Token accounting: from the Messages API `usage` object to the exclusive
 * buckets we price and store (RequestRecord.inputTokens ... thinkingTokens).
 *
 * Rules (reference/anthropic-api.md §3):
 * - `output_tokens` is the inclusive, authoritative billed output and already
 *   contains `output_tokens_details.thinking_tokens`. We split it, never add.
 * - Total prompt = input_tokens + cache_creation_input_tokens + cache_read_input_tokens;
 *   the three are already disjoint.
 * - In a stream, usage is a running total: the last value wins, never a sum.
 */

/** Either write-TTL breakdown, as in the SDK's `CacheCreation`. */
export interface CacheCreationUsage {
  ephemeral_5m_input_tokens?: number | null;
  ephemeral_1h_input_tokens?: number | null;
}

/**
 * The API's usage object, loosely typed: the SDK's `Usage` (non-streaming
 * message, `message_start`) and `MessageDeltaUsage` both fit, and so does raw
 * JSON from the simulator or an older API version that omits fields.
 */
export interface AnthropicUsage {
  input_tokens?: number | null;
  cache_creation_input_tokens?: number | null;
  cache_read_input_tokens?: number | null;
  cache_creation?: CacheCreationUsage | null;
  output_tokens?: number | null;
  output_tokens_details?: { thinking_tokens?: number | null } | null;
  server_tool_use?: { web_search_requests?: number | null; web_fetch_requests?: number | null } | null;
  service_tier?: string | null;
  inference_geo?: string | null;
  speed?: string | null;
}

/** Exclusive token buckets: each token is counted in exactly one. */
export interface TokenBuckets {
  /** Uncached input. */
  input: number;
  cacheWrite5m: number;
  cacheWrite1h: number;
  cacheRead: number;
  /** Output WITHOUT thinking (output_tokens − thinking). */
  output: number;
  thinking: number;
}

/** What changes the rate card apart from the model (see reference §4.3). */
export interface PriceModifiers {
  /** "standard" | "priority" | "batch" | null */
  serviceTier: string | null;
  /** Where inference ran, e.g. "us" (1.1×) or "global". */
  inferenceGeo: string | null;
  /** "standard" | "fast" | null */
  speed: string | null;
  /** Server tool uses (usage.server_tool_use), billed per use at the price row's fees (none shipped: see cost.ts). */
  webSearchRequests: number;
  webFetchRequests: number;
}

export const ZERO_BUCKETS: TokenBuckets = Object.freeze({
  input: 0,
  cacheWrite5m: 0,
  cacheWrite1h: 0,
  cacheRead: 0,
  output: 0,
  thinking: 0,
});

export const STANDARD_MODIFIERS: PriceModifiers = Object.freeze({
  serviceTier: null,
  inferenceGeo: null,
  speed: null,
  webSearchRequests: 0,
  webFetchRequests: 0,
});

/**
 * A token count from untrusted JSON: a missing, negative or non-finite value counts as 0, and so does one past
 * what a record's integer columns hold (2^31 − 1), which no request comes near. Counted, 1e308 made the cost
 * infinite, a record "priced" at no cost and a request the metrics refused to observe; on PostgreSQL a count
 * past 2^31 − 1 had the record's whole batch refused ("integer out of range"), and every later one held up.
 */
const MAX_COUNT = 2 ** 31 - 1;

function count(n: number | null | undefined): number {
  return typeof n === "number" && n > 0 && n <= MAX_COUNT ? Math.floor(n) : 0;
}

/** Split the API's usage into exclusive, priceable buckets. */
export function normalizeUsage(u: AnthropicUsage): TokenBuckets {
  const cacheWriteTotal = count(u.cache_creation_input_tokens);
  let cacheWrite5m: number;
  let cacheWrite1h: number;
  if (u.cache_creation == null) {
    // No TTL breakdown (older API versions, some simulators): 5m is the
    // default TTL and the cheaper write, so the reference prices it all at 5m.
    cacheWrite5m = cacheWriteTotal;
    cacheWrite1h = 0;
  } else {
    cacheWrite5m = count(u.cache_creation.ephemeral_5m_input_tokens);
    cacheWrite1h = count(u.cache_creation.ephemeral_1h_input_tokens);
    // A stream's message_delta may raise cache_creation_input_tokens without
    // sending a new breakdown; tokens the breakdown does not explain go to 5m,
    // as in the null case, so no billed token is dropped.
    const unexplained = cacheWriteTotal - cacheWrite5m - cacheWrite1h;
    if (unexplained > 0) cacheWrite5m += unexplained;
  }

  const outputTotal = count(u.output_tokens);
  // thinking_tokens is documented as ≤ output_tokens; clamp anyway so that
  // output + thinking always equals the billed output_tokens.
  const thinking = Math.min(count(u.output_tokens_details?.thinking_tokens), outputTotal);

  return {
    input: count(u.input_tokens),
    cacheWrite5m,
    cacheWrite1h,
    cacheRead: count(u.cache_read_input_tokens),
    output: outputTotal - thinking,
    thinking,
  };
}

/** The rate-card modifiers the API reports in usage, carried through as-is. */
export function usageModifiers(u: AnthropicUsage): PriceModifiers {
  return {
    serviceTier: u.service_tier ?? null,
    inferenceGeo: u.inference_geo ?? null,
    speed: u.speed ?? null,
    webSearchRequests: count(u.server_tool_use?.web_search_requests),
    webFetchRequests: count(u.server_tool_use?.web_fetch_requests),
  };
}

/**
 * Fold one `message_delta` usage into the running usage of a stream, exactly
 * as the SDK's MessageStream does (src/lib/MessageStream.ts): start from
 * `message_start.message.usage`; every delta overwrites output_tokens; the
 * other counters are whole-message running totals that a delta omits (null)
 * when they did not change, so overwrite only when non-null. Never add:
 * summing deltas double-counts (reference §3, ARCHITECTURE "Cost").
 *
 * Pure: returns a new object, leaves `base` untouched.
 */
export function mergeStreamUsage(base: AnthropicUsage, delta: AnthropicUsage): AnthropicUsage {
  const next: AnthropicUsage = { ...base };
  // output_tokens is always present on a delta in the SDK's types; if a
  // malformed delta lacks it, keep the base rather than zero the output.
  if (delta.output_tokens != null) next.output_tokens = delta.output_tokens;
  if (delta.input_tokens != null) next.input_tokens = delta.input_tokens;
  if (delta.cache_creation_input_tokens != null) next.cache_creation_input_tokens = delta.cache_creation_input_tokens;
  if (delta.cache_read_input_tokens != null) next.cache_read_input_tokens = delta.cache_read_input_tokens;
  if (delta.server_tool_use != null) next.server_tool_use = delta.server_tool_use;
  if (delta.output_tokens_details != null) next.output_tokens_details = delta.output_tokens_details;
  // Not in MessageDeltaUsage today; take them if a future API version sends them.
  if (delta.cache_creation != null) next.cache_creation = delta.cache_creation;
  if (delta.service_tier != null) next.service_tier = delta.service_tier;
  if (delta.inference_geo != null) next.inference_geo = delta.inference_geo;
  if (delta.speed != null) next.speed = delta.speed;
  return next;
}

/** Sum of buckets: every token billed on the request (prompt + output incl. thinking). */
export function totalTokens(b: TokenBuckets): number {
  return promptTokens(b) + b.output + b.thinking;
}

/** Prompt size as Anthropic measures it for long-context tiers: input + cache reads + cache writes. */
export function promptTokens(b: TokenBuckets): number {
  return b.input + b.cacheRead + b.cacheWrite5m + b.cacheWrite1h;
}
