/**
 * Price selection and cost calculation.
 *
 * Money is exact: rates and multipliers are turned into integers (millionths)
 * and multiplied as BigInt; each bucket is rounded once, half-up, to integer
 * nano-USD; the total is the sum of those integers. So the total equals the sum
 * of the buckets exactly in nano-USD (and therefore to the cent), and two runs
 * over the same usage always agree (Helicone stores nano-USD for the same
 * reason; peers §1.9.5).
 *
 * Modifier decisions (reference §4.3 leaves some unverified):
 * - Batch (usage.service_tier "batch"): 0.5× on EVERY bucket, cache writes and
 *   reads included. The official wording is "50% discount on input and
 *   output"; whether it reaches cache rates is unverified. We apply it because
 *   cache rates are defined as multiples of the input rate (1.25×, 2×, 0.1×),
 *   so a halved input rate halves them, and third-party write-ups of the batch
 *   page say "all usage: input, output, cache writes and cache reads". If this
 *   proves wrong, the error is on cache buckets of batch traffic only.
 * - inference_geo "us": 1.1× on every bucket (official, all token categories).
 *   We trust what usage reports; the API rejects "us" on models that lack it.
 * - speed "fast": × price.fastMultiplier on every bucket. When the row has no
 *   multiplier, the request is UNPRICED (reason "fast_multiplier_unknown"),
 *   with the standard-rate total in `lowerBoundTotal`: a standard-rate figure
 *   would be known to be too low (fast is 2–6× where known), and a wrong
 *   number that looks right is worse than an honest "unpriced" (peers §1.9.3).
 *   Filling in Price.fastMultiplier fixes it for re-pricing.
 * - service_tier "priority": priced at standard rates with a note (no
 *   per-token priority price was found).
 * - Server tools (usage.server_tool_use: web searches and fetches): each use
 *   at the price row's webSearchFee / webFetchFee, in USD, with no multiplier
 *   (a fee per use, not a token rate). No fee is shipped (none verified):
 *   while the row's fee for a tool the request used is unset, the request is
 *   UNPRICED (reason "server_tool_fee_unknown"), with the tokens' cost in
 *   `lowerBoundTotal`, as for an unknown fast multiplier: a total that
 *   silently leaves the fees out would look right and be too low.
 */
import type { PriceRow } from "./seed";
import { promptTokens, type PriceModifiers, type TokenBuckets } from "./usage";

export type PricingStatus = "priced" | "unpriced";
export type UnpricedReason = "no_price" | "fast_multiplier_unknown" | "server_tool_fee_unknown" | "invalid_price";
export type PriceTier = "standard" | "long_context";

/** Exact per-bucket cost in integer nano-USD (1e-9 USD). */
export interface NanoCost {
  input: number;
  cacheWrite5m: number;
  cacheWrite1h: number;
  cacheRead: number;
  output: number;
  thinking: number;
  /** Server tools' fees (web searches and fetches). */
  serverTools: number;
  total: number;
}

/**
 * Cost of one request, per exclusive bucket, in USD. Every USD field is null
 * when unpriced: unknown is never $0 (peers §1.9.3). Maps onto RequestRecord:
 * costInput, costCacheWrite, costCacheRead, costOutput, costThinking, costTotal.
 */
export interface CostBreakdown {
  pricingStatus: PricingStatus;
  unpricedReason: UnpricedReason | null;
  input: number | null;
  /** 5m + 1h writes. */
  cacheWrite: number | null;
  cacheRead: number | null;
  /** Output without thinking. */
  output: number | null;
  /** Thinking, at the output rate. */
  thinking: number | null;
  /** Server tools' fees: web searches and fetches at the price row's fees (0 when none was used). */
  serverTools: number | null;
  total: number | null;
  /** Exact integers behind the USD figures; sum these when aggregating. */
  nanoUsd: NanoCost | null;
  /** For a fast request with no known multiplier, or server tools with no fee set: the tokens' cost, which the true cost exceeds. */
  lowerBoundTotal: number | null;
  /** Which rate card applied (null when no price). */
  tier: PriceTier | null;
  /** Multipliers actually applied. */
  multipliers: { batch: number; geo: number; fast: number };
  /** The row used, for auditing a cost later (as Langfuse stores the matched tier). */
  priceModel: string | null;
  priceEffectiveFrom: Date | null;
  /** Machine-readable caveats, e.g. "priority_tier_priced_at_standard". */
  notes: string[];
}

// ---------------------------------------------------------------------------
// Price selection

/** A dated snapshot id: alias + "-YYYYMMDD" (claude-sonnet-4-5-20250929). */
const DATED_ID = /^(.+)-(\d{8})$/;

/** Newest row of exactly `model` in effect at `at`. */
function newestInEffect(rows: readonly PriceRow[], model: string, at: Date): PriceRow | null {
  let best: PriceRow | null = null;
  for (const r of rows) {
    if (r.model !== model || r.effectiveFrom.getTime() > at.getTime()) continue;
    if (!best || r.effectiveFrom.getTime() > best.effectiveFrom.getTime()) best = r;
  }
  return best;
}

/**
 * The price in effect for `model` at `at`: the newest row with
 * effectiveFrom ≤ at. Falls back, when the exact id has no row in effect,
 * from a dated id to its alias (claude-opus-4-1-20250805 → claude-opus-4-1),
 * and from an alias to its dated snapshots, newest snapshot first. A snapshot
 * and its alias are the same weights at the same price, so either row serves.
 * Returns null when nothing applies: the caller records "unpriced".
 */
export function pickPrice(rows: readonly PriceRow[], model: string, at: Date): PriceRow | null {
  const exact = newestInEffect(rows, model, at);
  if (exact) return exact;

  const dated = DATED_ID.exec(model);
  if (dated) return newestInEffect(rows, dated[1]!, at);

  const snapshots = [...new Set(rows.map((r) => r.model))]
    .filter((id) => {
      const m = DATED_ID.exec(id);
      return m !== null && m[1] === model;
    })
    .sort()
    .reverse(); // YYYYMMDD sorts chronologically as text
  for (const id of snapshots) {
    const found = newestInEffect(rows, id, at);
    if (found) return found;
  }
  return null;
}

// ---------------------------------------------------------------------------
// Exact arithmetic

const SCALE = 1_000_000n; // rates and multipliers are held in millionths

/** A rate (USD/MTok) or multiplier as an integer count of millionths; null if unusable. */
function millionths(x: number | null | undefined): bigint | null {
  if (typeof x !== "number" || !Number.isFinite(x) || x < 0) return null;
  return BigInt(Math.round(x * 1_000_000));
}

/**
 * tokens × rate(USD/MTok) × m1 × m2 × m3, in nano-USD, rounded half-up once.
 * With the rate in millionths, tokens × rate is in pico-USD (1e-12); each
 * multiplier in millionths adds a factor 1e6; one more 1e3 takes pico to nano.
 */
function bucketNano(tokens: number, rate: bigint, mults: readonly bigint[]): bigint {
  let num = BigInt(tokens) * rate;
  let den = 1000n;
  for (const m of mults) {
    num *= m;
    den *= SCALE;
  }
  return (num + den / 2n) / den;
}

const usd = (nano: bigint | number) => Number(nano) / 1e9;

// ---------------------------------------------------------------------------
// Cost

function unpriced(reason: UnpricedReason, price: PriceRow | null, notes: string[]): CostBreakdown {
  return {
    pricingStatus: "unpriced",
    unpricedReason: reason,
    input: null,
    cacheWrite: null,
    cacheRead: null,
    output: null,
    thinking: null,
    serverTools: null,
    total: null,
    nanoUsd: null,
    lowerBoundTotal: null,
    tier: null,
    multipliers: { batch: 1, geo: 1, fast: 1 },
    priceModel: price?.model ?? null,
    priceEffectiveFrom: price?.effectiveFrom ?? null,
    notes,
  };
}

/** Whether the prompt is past the price's long-context threshold (strictly greater: "> 100K"). */
export function isLongContext(buckets: TokenBuckets, price: PriceRow): boolean {
  return price.longContextThreshold != null && promptTokens(buckets) > price.longContextThreshold;
}

/**
 * Cost of one request from its exclusive buckets, the modifiers usage
 * reported, and the price row in effect (null → unpriced, never $0).
 */
export function computeCost(
  buckets: TokenBuckets,
  modifiers: PriceModifiers,
  price: PriceRow | null,
): CostBreakdown {
  const notes: string[] = [];
  if (!price) return unpriced("no_price", null, notes);

  // Past the threshold the whole request, output included, bills at the long
  // rates (Haiku 5.5). A long column left empty falls back to the standard one.
  const long = isLongContext(buckets, price);
  const pick = (std: number, lng: number | null) => (long && lng != null ? lng : std);
  const r = {
    input: millionths(pick(price.input, price.longInput)),
    cacheWrite5m: millionths(pick(price.cacheWrite5m, price.longCacheWrite5m)),
    cacheWrite1h: millionths(pick(price.cacheWrite1h, price.longCacheWrite1h)),
    cacheRead: millionths(pick(price.cacheRead, price.longCacheRead)),
    output: millionths(pick(price.output, price.longOutput)),
  };
  if (Object.values(r).some((v) => v === null)) return unpriced("invalid_price", price, notes);
  const rate = r as { [K in keyof typeof r]: bigint };

  const batch = modifiers.serviceTier === "batch" ? 0.5 : 1;
  const geo = modifiers.inferenceGeo?.toLowerCase() === "us" ? 1.1 : 1;
  if (modifiers.serviceTier === "priority") notes.push("priority_tier_priced_at_standard");

  let fast = 1;
  let fastUnknown = false;
  if (modifiers.speed === "fast") {
    if (price.fastMultiplier == null) fastUnknown = true;
    else fast = price.fastMultiplier;
  }
  const multNums = [millionths(batch), millionths(geo), millionths(fast)];
  if (multNums.some((m) => m === null)) return unpriced("invalid_price", price, notes);
  const mults = multNums as bigint[];

  const nano = {
    input: bucketNano(buckets.input, rate.input, mults),
    cacheWrite5m: bucketNano(buckets.cacheWrite5m, rate.cacheWrite5m, mults),
    cacheWrite1h: bucketNano(buckets.cacheWrite1h, rate.cacheWrite1h, mults),
    cacheRead: bucketNano(buckets.cacheRead, rate.cacheRead, mults),
    output: bucketNano(buckets.output, rate.output, mults),
    // Thinking is billed as output (reference §0.4), so at the output rate.
    thinking: bucketNano(buckets.thinking, rate.output, mults),
  };
  const tokensNano = nano.input + nano.cacheWrite5m + nano.cacheWrite1h + nano.cacheRead + nano.output + nano.thinking;

  // Server tools: a fee per use, where the row sets one for every tool used.
  const uses = [
    [modifiers.webSearchRequests, price.webSearchFee],
    [modifiers.webFetchRequests, price.webFetchFee],
  ] as const;
  let feeUnknown = false;
  let serverToolsNano = 0n;
  for (const [n, fee] of uses) {
    if (n <= 0) continue;
    const rate = fee == null ? null : millionths(fee);
    if (rate === null) feeUnknown = true;
    else serverToolsNano += (BigInt(n) * rate * 1000n); // millionths of USD × 1,000 = nano-USD
  }
  const totalNano = tokensNano + serverToolsNano;

  if (fastUnknown || feeUnknown) {
    const reason: UnpricedReason = fastUnknown ? "fast_multiplier_unknown" : "server_tool_fee_unknown";
    if (fastUnknown) notes.push("fast_multiplier_unknown");
    if (feeUnknown) notes.push("server_tool_fee_unknown");
    return {
      ...unpriced(reason, price, notes),
      lowerBoundTotal: usd(tokensNano + serverToolsNano),
      tier: long ? "long_context" : "standard",
      multipliers: { batch, geo, fast: fastUnknown ? 1 : fast },
    };
  }

  return {
    pricingStatus: "priced",
    unpricedReason: null,
    input: usd(nano.input),
    cacheWrite: usd(nano.cacheWrite5m + nano.cacheWrite1h),
    cacheRead: usd(nano.cacheRead),
    output: usd(nano.output),
    thinking: usd(nano.thinking),
    serverTools: usd(serverToolsNano),
    total: usd(totalNano),
    nanoUsd: {
      input: Number(nano.input),
      cacheWrite5m: Number(nano.cacheWrite5m),
      cacheWrite1h: Number(nano.cacheWrite1h),
      cacheRead: Number(nano.cacheRead),
      output: Number(nano.output),
      thinking: Number(nano.thinking),
      serverTools: Number(serverToolsNano),
      total: Number(totalNano),
    },
    lowerBoundTotal: null,
    tier: long ? "long_context" : "standard",
    multipliers: { batch, geo, fast },
    priceModel: price.model,
    priceEffectiveFrom: price.effectiveFrom,
    notes,
  };
}
