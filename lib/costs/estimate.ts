/**
 * "Saved vs always reasoning", measured instead of assumed. Pure functions.
 *
 * The counterfactual of a standard-routed request is what the reasoning route
 * would have charged for it: the same prompt (input and cache buckets, priced
 * at the reasoning route's model) plus the output and thinking tokens the
 * reasoning route actually produces on comparable requests of this
 * deployment. "Comparable" is a cell: the same prompt-size band, task tag and
 * app. A cell needs MIN_SAMPLES measured reasoning requests; with fewer, the
 * estimate widens to the same prompt-size band, then to all reasoning
 * traffic, and only then falls back to the literature's typical thinking for
 * the route's budget tier (output unchanged), labelled so.
 *
 * The interval is the uncertainty of the measured means (a normal
 * approximation, 95 %): for each set of samples used, the variance of the
 * mean output-plus-thinking tokens times the number of requests it is applied
 * to, at the output rate. Literature estimates have no sample: their bounds
 * are the tier's documented range (e.g. 8,000–16,000 thinking tokens for
 * "complex").
 *
 * A request that reasoned has its actual cost as its counterfactual (nothing
 * to estimate), and a standard request that did not complete (an error, a
 * stream cut short) is not compared at all: a broken 1-token answer says
 * nothing about what a full reasoning answer would have cost.
 */
import type { ReasoningSampleRow, StandardCellRow } from "../db/analytics/types";
import { computeCost, isLongContext } from "../pricing/cost";
import { DEFAULT_THINKING_TOKENS, type ThinkingTier } from "../pricing/counterfactual";
import type { PriceRow } from "../pricing/seed";
import { STANDARD_MODIFIERS, type TokenBuckets } from "../pricing/usage";

/** Measured reasoning requests a set of samples needs before its mean is used. */
export const MIN_SAMPLES = 20;

/** Prompt-size bands (input + cache tokens), upper bounds exclusive; the last is open. */
export const SIZE_BANDS = [1_000, 4_000, 16_000, 64_000] as const;
export const SIZE_BAND_LABELS = ["< 1k", "1k–4k", "4k–16k", "16k–64k", "≥ 64k"] as const;

/** The literature's range per budget tier (ARCHITECTURE "Router"), the bounds of a default estimate. */
export const LITERATURE_RANGE: Readonly<Record<ThinkingTier, [number, number]>> = Object.freeze({
  simple: [2_000, 4_000],
  complex: [8_000, 16_000],
  maximum: [16_000, 32_000],
});

const Z95 = 1.96;

export function sizeBand(promptTokens: number): number {
  const i = SIZE_BANDS.findIndex((b) => promptTokens < b);
  return i === -1 ? SIZE_BANDS.length : i;
}

/** Reasoning-route requests of one cell: sums for means and variances (generatedSq: Σ (output + thinking)²). */
export type ReasoningSample = ReasoningSampleRow;

/** Complete, priced standard requests of one cell and served model; cost is their actual cost, USD. */
export type StandardCell = StandardCellRow;

export type Basis = "cell" | "size" | "all" | "literature";

export const BASIS_LABEL: Record<Basis, string> = {
  cell: "measured on the same prompt size, task and app",
  size: "measured on the same prompt size",
  all: "measured on all reasoning traffic",
  literature: "literature default (not enough measured reasoning traffic)",
};

interface Pool {
  key: string;
  basis: Basis;
  n: number;
  meanOutput: number;
  meanThinking: number;
  /** Sample variance of output + thinking per request. */
  variance: number;
}

function pool(key: string, basis: Basis, xs: ReasoningSample[]): Pool | null {
  const n = xs.reduce((a, x) => a + x.n, 0);
  if (n < MIN_SAMPLES) return null;
  const output = xs.reduce((a, x) => a + x.output, 0);
  const thinking = xs.reduce((a, x) => a + x.thinking, 0);
  const sq = xs.reduce((a, x) => a + x.generatedSq, 0);
  const mean = (output + thinking) / n;
  return { key, basis, n, meanOutput: output / n, meanThinking: thinking / n, variance: Math.max(0, (sq - n * mean * mean) / (n - 1)) };
}

/** Finds the most specific pool with enough samples for a cell: same cell, same size band, everything. */
export class SamplePools {
  private readonly cells = new Map<string, Pool | null>();
  private readonly bands = new Map<number, Pool | null>();
  private readonly all: Pool | null;

  constructor(private readonly samples: ReasoningSample[]) {
    this.all = pool("all", "all", samples);
  }

  get measuredRequests(): number {
    return this.samples.reduce((a, x) => a + x.n, 0);
  }

  find(band: number, task: string, app: string): Pool | null {
    const ck = `${band}\u0000${task}\u0000${app}`;
    if (!this.cells.has(ck)) this.cells.set(ck, pool(`cell:${ck}`, "cell", this.samples.filter((s) => s.band === band && s.task === task && s.app === app)));
    const cell = this.cells.get(ck);
    if (cell) return cell;
    if (!this.bands.has(band)) this.bands.set(band, pool(`band:${band}`, "size", this.samples.filter((s) => s.band === band)));
    return this.bands.get(band) ?? this.all;
  }
}

export interface CounterfactualContext {
  pools: SamplePools;
  /** The reasoning route's model price for a served model ("*" routes keep the client's model); null → unpriced. */
  priceFor: (servedModel: string) => PriceRow | null;
  thinkingTier: ThinkingTier;
}

/** One estimate: a point and its 95 % bounds, USD, and what it rests on. */
export interface Estimate {
  cost: number;
  low: number;
  high: number;
  basis: Basis;
  /** Output and thinking tokens per request the estimate assumed. */
  output: number;
  thinking: number;
}

/** n requests' prompt tokens, and their own output tokens (which the literature fallback keeps). */
type Prompt = Pick<StandardCell, "n" | "input" | "cacheWrite5m" | "cacheWrite1h" | "cacheRead" | "output">;

/**
 * The cost of n requests with the cell's prompt tokens and `output` and
 * `thinking` tokens each, priced together (costs are linear in tokens within
 * a price tier; computeCost wants whole tokens). Whether the long-context
 * rates apply is decided on the average prompt, not on the sum.
 */
function costOfCell(p: Prompt, output: number, thinking: number, price: PriceRow): number | null {
  const whole: TokenBuckets = {
    input: p.input, cacheWrite5m: p.cacheWrite5m, cacheWrite1h: p.cacheWrite1h, cacheRead: p.cacheRead,
    output: Math.round(output * p.n), thinking: Math.round(thinking * p.n),
  };
  const average: TokenBuckets = { ...whole, input: p.input / p.n, cacheWrite5m: p.cacheWrite5m / p.n, cacheWrite1h: p.cacheWrite1h / p.n, cacheRead: p.cacheRead / p.n };
  const rates = isLongContext(average, price) ? price : { ...price, longContextThreshold: null };
  return computeCost(whole, STANDARD_MODIFIERS, rates).total;
}

/**
 * What `p.n` standard requests sharing a cell would have cost on the reasoning
 * route, or null when the reasoning model is unpriced. The cell's tokens are
 * the answers' own: the calls before them (the LLM classifier's) are not
 * priced at the reasoning model's rates but added as they cost (`before`),
 * paid whichever route answered.
 */
export function estimateCell(p: Omit<StandardCell, "cost">, ctx: CounterfactualContext): (Estimate & { pool: Pool | null }) | null {
  const price = ctx.priceFor(p.model);
  if (!price || p.n <= 0) return null;
  const outRate = price.output / 1e6;
  const found = ctx.pools.find(p.band, p.task, p.app);
  const cost = (output: number, thinking: number) => {
    const answers = costOfCell(p, output, thinking, price);
    return answers === null ? null : answers + p.before;
  };
  if (found) {
    const total = cost(found.meanOutput, found.meanThinking);
    if (total === null) return null;
    // Half-width for n requests whose generated tokens are estimated by one mean over found.n samples.
    const half = Z95 * p.n * outRate * Math.sqrt(found.variance / found.n);
    return { cost: total, low: Math.max(0, total - half), high: total + half, basis: found.basis, output: found.meanOutput, thinking: found.meanThinking, pool: found };
  }
  const ownOutput = p.output / p.n;
  const typical = DEFAULT_THINKING_TOKENS[ctx.thinkingTier];
  const [lo, hi] = LITERATURE_RANGE[ctx.thinkingTier];
  const point = cost(ownOutput, typical);
  const low = cost(ownOutput, lo);
  const high = cost(ownOutput, hi);
  if (point === null || low === null || high === null) return null;
  return { cost: point, low, high, basis: "literature", output: ownOutput, thinking: typical, pool: null };
}

export interface SavingsEstimate {
  /** Counterfactual − actual over the compared requests, USD; with its 95 % bounds. */
  savings: number;
  low: number;
  high: number;
  counterfactual: number;
  /** Actual cost of the compared requests. */
  actual: number;
  /** Standard requests compared, by what their estimate rests on. */
  compared: number;
  byBasis: Record<Basis, number>;
  /** Standard requests left out: their reasoning model has no price. */
  unpricedModel: number;
  /** Reasoning requests measured (the samples), and their mean thinking and output tokens. */
  measured: { requests: number; meanThinking: number | null; meanOutput: number | null };
}

/**
 * Savings over complete, priced standard requests. Reasoned requests add
 * nothing (their counterfactual is their actual cost), so they are not
 * summed. Bounds add up per pool: the same pool's error hits all its
 * requests the same way (correlated), different pools are independent.
 */
export function estimateSavings(cells: StandardCell[], ctx: CounterfactualContext, samples: ReasoningSample[]): SavingsEstimate {
  const byBasis: Record<Basis, number> = { cell: 0, size: 0, all: 0, literature: 0 };
  let counterfactual = 0;
  let actual = 0;
  let unpricedModel = 0;
  let litLow = 0;
  let litHigh = 0;
  let litPoint = 0;
  const halfByPool = new Map<string, number>();
  for (const c of cells) {
    const e = estimateCell(c, ctx);
    if (!e) {
      unpricedModel += c.n;
      continue;
    }
    byBasis[e.basis] += c.n;
    counterfactual += e.cost;
    actual += c.cost;
    if (e.pool) halfByPool.set(e.pool.key, (halfByPool.get(e.pool.key) ?? 0) + (e.high - e.cost));
    else {
      litPoint += e.cost;
      litLow += e.low;
      litHigh += e.high;
    }
  }
  const measuredHalf = Math.sqrt([...halfByPool.values()].reduce((a, h) => a + h * h, 0));
  const savings = counterfactual - actual;
  const n = samples.reduce((a, s) => a + s.n, 0);
  return {
    savings,
    low: savings - measuredHalf - (litPoint - litLow),
    high: savings + measuredHalf + (litHigh - litPoint),
    counterfactual,
    actual,
    compared: byBasis.cell + byBasis.size + byBasis.all + byBasis.literature,
    byBasis,
    unpricedModel,
    measured: {
      requests: n,
      meanThinking: n ? samples.reduce((a, s) => a + s.thinking, 0) / n : null,
      meanOutput: n ? samples.reduce((a, s) => a + s.output, 0) / n : null,
    },
  };
}

/** The headline's method in one sentence, from the bases the estimate used. */
export function describeMethod(s: SavingsEstimate): string {
  const used = (Object.keys(s.byBasis) as Basis[]).filter((b) => s.byBasis[b] > 0);
  if (!used.length) return "No complete standard request to compare.";
  const parts = used.map((b) => `${s.byBasis[b].toLocaleString("en-US")} ${BASIS_LABEL[b]}`);
  return `Standard requests priced as if the reasoning route had answered them: ${parts.join("; ")}.`;
}
