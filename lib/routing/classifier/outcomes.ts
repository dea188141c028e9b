/**
 * RouteLLM's outcome metrics for a router (Ong et al., "RouteLLM", 2024, §5):
 * on prompts where we know how a weak and a strong configuration scored, rank
 * the prompts by the router's score and send the top share to the strong one.
 *
 * - quality(share): mean score of the routed answers;
 * - PGR(share) = (quality(share) - weak) / (strong - weak): the share of the
 *   quality gap recovered;
 * - APGR: the area under PGR over share in [0, 1] (random routing gives 0.5);
 * - CPT(x): the smallest share of strong calls at which PGR reaches x;
 * - the smallest share of strong calls at which quality reaches x of the
 *   strong configuration's own quality ("calls for 95% of always-strong").
 *
 * Ties in the score are routed in random order, so the curve uses the
 * expected quality: within a block of equal scores, quality moves linearly.
 * The curve is therefore exact and piecewise linear between the block edges
 * (a router that gives every prompt the same score is the random router:
 * a straight line, APGR 0.5). Pure functions.
 */

export interface OutcomeItem {
  /** The router's score (higher = more likely to go to the strong configuration). */
  score: number;
  /** The weak configuration's score on this prompt (0/1, or a fraction). */
  weak: number;
  /** The strong configuration's score. */
  strong: number;
}

export interface CurvePoint {
  /** Share of prompts sent to the strong configuration. */
  share: number;
  /** Mean quality of the routed answers. */
  quality: number;
  /** Share of the quality gap recovered ((quality - weak) / (strong - weak)); NaN when strong = weak. */
  pgr: number;
}

export interface OutcomeMetrics {
  n: number;
  weakQuality: number;
  strongQuality: number;
  apgr: number;
  /** Smallest share of strong calls reaching PGR 50% / 80%. */
  cpt50: number;
  cpt80: number;
  /** Smallest share of strong calls reaching 95% of the strong configuration's quality. */
  strongShareFor95: number;
}

/** The expected quality curve at the edges of each block of equal scores (highest scores routed first). */
export function qualityCurve(items: readonly OutcomeItem[]): CurvePoint[] {
  const n = items.length;
  if (n === 0) throw new Error("qualityCurve: no items");
  const sorted = [...items].sort((a, b) => b.score - a.score);
  let weak = 0;
  let strong = 0;
  for (const it of items) {
    weak += it.weak;
    strong += it.strong;
  }
  const gap = strong - weak;
  const point = (routed: number, quality: number): CurvePoint => ({ share: routed / n, quality: quality / n, pgr: gap !== 0 ? (quality - weak) / gap : Number.NaN });
  const out: CurvePoint[] = [point(0, weak)];
  let quality = weak;
  let i = 0;
  while (i < n) {
    let j = i;
    while (j < n && sorted[j]!.score === sorted[i]!.score) {
      quality += sorted[j]!.strong - sorted[j]!.weak;
      j++;
    }
    out.push(point(j, quality));
    i = j;
  }
  return out;
}

/** Area under PGR over share (trapezoids over the piecewise-linear curve: exact). */
export function apgr(curve: readonly CurvePoint[]): number {
  let area = 0;
  for (let k = 1; k < curve.length; k++) {
    const a = curve[k - 1]!;
    const b = curve[k]!;
    area += ((a.pgr + b.pgr) / 2) * (b.share - a.share);
  }
  return area;
}

/** The smallest share at which `value(point)` reaches `target`, interpolated within a segment; NaN if never. */
function firstShareReaching(curve: readonly CurvePoint[], value: (p: CurvePoint) => number, target: number): number {
  if (value(curve[0]!) >= target - 1e-12) return curve[0]!.share;
  for (let k = 1; k < curve.length; k++) {
    const a = curve[k - 1]!;
    const b = curve[k]!;
    const va = value(a);
    const vb = value(b);
    if (vb >= target - 1e-12) {
      const t = vb === va ? 1 : (target - va) / (vb - va);
      return a.share + Math.min(1, Math.max(0, t)) * (b.share - a.share);
    }
  }
  return Number.NaN;
}

/** CPT(x): the smallest share of strong calls at which PGR reaches x. */
export function cpt(curve: readonly CurvePoint[], x: number): number {
  return firstShareReaching(curve, (p) => p.pgr, x);
}

/** The smallest share of strong calls at which quality reaches `fraction` of the strong configuration's quality. */
export function strongShareForQuality(curve: readonly CurvePoint[], strongQuality: number, fraction: number): number {
  return firstShareReaching(curve, (p) => p.quality, fraction * strongQuality);
}

export function outcomeMetrics(items: readonly OutcomeItem[]): OutcomeMetrics {
  const curve = qualityCurve(items);
  const n = items.length;
  const weakQuality = curve[0]!.quality;
  const strongQuality = items.reduce((s, i) => s + i.strong, 0) / n;
  return {
    n,
    weakQuality,
    strongQuality,
    apgr: apgr(curve),
    cpt50: cpt(curve, 0.5),
    cpt80: cpt(curve, 0.8),
    strongShareFor95: strongShareForQuality(curve, strongQuality, 0.95),
  };
}

export interface Spread {
  n: number;
  mean: number;
  /** Sample standard deviation (n - 1); NaN for fewer than two values. */
  sd: number;
  min: number;
  max: number;
}

/** Mean, sample standard deviation and range of per-fold figures (NaN values skipped): the fold noise a change must beat. */
export function spread(values: readonly number[]): Spread {
  const v = values.filter((x) => Number.isFinite(x));
  const n = v.length;
  if (n === 0) return { n, mean: Number.NaN, sd: Number.NaN, min: Number.NaN, max: Number.NaN };
  const mean = v.reduce((s, x) => s + x, 0) / n;
  const sd = n > 1 ? Math.sqrt(v.reduce((s, x) => s + (x - mean) ** 2, 0) / (n - 1)) : Number.NaN;
  return { n, mean, sd, min: Math.min(...v), max: Math.max(...v) };
}
