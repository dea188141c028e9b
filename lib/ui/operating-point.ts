/**
 * The classifier threshold as a cost/quality choice (Settings -> Routing):
 * the operating curve from the model file (share of prompts sent to
 * reasoning against the share of reasoning-worthy prompts caught and the
 * quality gap recovered, on prompts of sources the model did not see), the
 * point of the threshold in effect and of the one being edited, and what the
 * change would cost per month at the team's own traffic. Pure: the chart
 * component only draws what this returns.
 */
import type { OperatingPointView } from "./settings";

export interface CurveChartPoint {
  threshold: number;
  /** Percent of prompts sent to reasoning (x). */
  share: number;
  /** Percent of reasoning-worthy prompts caught. */
  caught: number;
  /** Percent of the weak->strong quality gap recovered; null without outcome data. */
  recovered: number | null;
}

/** The curve at a threshold between stored points (linear interpolation; clamped to the ends). */
export function pointAt(curve: readonly OperatingPointView[], threshold: number): OperatingPointView {
  if (curve.length === 0) throw new Error("pointAt: empty curve");
  const sorted = [...curve].sort((a, b) => a.threshold - b.threshold);
  if (threshold <= sorted[0]!.threshold) return sorted[0]!;
  const last = sorted[sorted.length - 1]!;
  if (threshold >= last.threshold) return last;
  const k = sorted.findIndex((p) => p.threshold >= threshold);
  const a = sorted[k - 1]!;
  const b = sorted[k]!;
  const t = (threshold - a.threshold) / (b.threshold - a.threshold);
  const lerp = (x: number, y: number) => x + t * (y - x);
  return {
    threshold,
    share: lerp(a.share, b.share),
    recall: lerp(a.recall, b.recall),
    fpr: lerp(a.fpr, b.fpr),
    pgr: a.pgr === null || b.pgr === null ? null : lerp(a.pgr, b.pgr),
  };
}

const pct = (x: number) => Math.round(x * 1000) / 10;

export function toChartPoint(p: OperatingPointView): CurveChartPoint {
  return { threshold: p.threshold, share: pct(p.share), caught: pct(p.recall), recovered: p.pgr === null ? null : pct(p.pgr) };
}

/** The curve for the chart, ordered by share (low thresholds send more to reasoning). */
export function prepareCurve(curve: readonly OperatingPointView[]): CurveChartPoint[] {
  return [...curve].sort((a, b) => a.share - b.share || b.threshold - a.threshold).map(toChartPoint);
}

/** The team's traffic, from the cost summary grouped by tier. */
export interface TierTraffic {
  /** Requests per 30 days at the observed rate. */
  requestsPerMonth: number;
  /** Average cost per request of each tier (USD); null when the tier has no priced requests. */
  standardCost: number | null;
  reasoningCost: number | null;
}

/** Requests per month and average cost per tier from cost groups keyed by tier over `days` days. */
export function tierTraffic(groups: readonly { key: string; requests: number; avgCostPerRequest: number | null }[], days: number): TierTraffic {
  const requests = groups.reduce((s, g) => s + g.requests, 0);
  const cost = (tier: string) => groups.find((g) => g.key === tier)?.avgCostPerRequest ?? null;
  return { requestsPerMonth: days > 0 ? (requests / days) * 30 : 0, standardCost: cost("standard"), reasoningCost: cost("reasoning") };
}

export interface ThresholdChange {
  current: OperatingPointView;
  proposed: OperatingPointView;
  /** Expected change in monthly cost (USD), null when either tier's cost is unknown or there is no traffic. */
  monthlyDelta: number | null;
}

/**
 * Moving the threshold from `current` to `proposed`: the curve's points and
 * the expected monthly cost change = requests per month x change in the share
 * sent to reasoning x (reasoning cost - standard cost per request). The share
 * comes from the evaluation curve; the volume and prices from the team's traffic.
 */
export function thresholdChange(curve: readonly OperatingPointView[], current: number, proposed: number, traffic: TierTraffic | null): ThresholdChange {
  const a = pointAt(curve, current);
  const b = pointAt(curve, proposed);
  const known = traffic && traffic.requestsPerMonth > 0 && traffic.standardCost !== null && traffic.reasoningCost !== null;
  return {
    current: a,
    proposed: b,
    monthlyDelta: known ? traffic.requestsPerMonth * (b.share - a.share) * (traffic.reasoningCost! - traffic.standardCost!) : null,
  };
}
