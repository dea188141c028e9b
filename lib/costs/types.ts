/**
 * The cost dashboard's wire shapes (GET /api/costs/summary), shared by the
 * server that builds them and the pure prepare functions that chart them.
 * Money is USD as stored (full precision); rounding happens only for display.
 */

import type { CostAggregate } from "../db/analytics/types";
import type { Basis, SavingsEstimate } from "./estimate";
import type { MonthlyProjection } from "./projection";

export type Granularity = "hour" | "day" | "week";
export type GroupBy = "route" | "model" | "tier";

/** Sums over records for one bucket or group; costs are USD over priced records only. */
export type CostStat = CostAggregate;

export interface CostGroup extends CostStat {
  /** Route id ("" when no route applied), model id, or tier. */
  key: string;
  label: string;
  /** costTotal / priced; null when nothing in the group is priced. */
  avgCostPerRequest: number | null;
}

export interface CostSeriesPoint extends CostGroup {
  /** ISO start of the bucket (UTC). */
  bucket: string;
}

export interface TopRequest {
  id: string;
  createdAt: string;
  routeId: string | null;
  routeName: string | null;
  servedModel: string;
  tier: string;
  costTotal: number;
  counterfactualCost: number | null;
  promptPreview: string;
  /** What the reasoning route would have cost: the actual cost when it reasoned or did not complete, the estimate otherwise; null when unpriced. */
  reasoningWouldCost: number | null;
  reasoningBasis: Basis | "actual" | "not compared" | "unpriced";
}

export interface CostSummary {
  range: {
    /** Inclusive, whole UTC hours. */
    from: string;
    /** Exclusive, whole UTC hours. */
    to: string;
    granularity: Granularity;
    groupBy: GroupBy;
    timezone: "UTC";
    /** Length of the range in days (fractional), for per-day rates. */
    days: number;
    /** Automatic granularity chose hours (less than two days of records) and the range starts at the first record's hour. */
    hourlyFirstDays: boolean;
    /** When the oldest record was made; null without records. */
    dataSince: string | null;
  };
  /** Every bucket start in the range, empty ones included, oldest first. */
  buckets: string[];
  series: CostSeriesPoint[];
  /** Per group of `groupBy`, over the whole range, most expensive first. */
  groups: CostGroup[];
  /** Per route, whatever `groupBy` is (the CSV's route table). */
  routes: CostGroup[];
  /** Groups left out of `groups` and `series` (model view): ids only ever asked for, every request failed before any upstream call. */
  notServed: { keys: string[]; requests: number };
  totals: CostStat & {
    /** Failed before any upstream call: billed nothing, $0. */
    notBilled: number;
    /** reasoning / requests; null without requests. */
    reasoningShare: number | null;
    avgCostPerRequest: number | null;
    /** What routing saved against always reasoning: `savings.savings`. */
    savings: number;
  };
  /** The measured savings, with its 95 % interval and its method (lib/costs/estimate.ts). */
  savings: SavingsEstimate & { method: string; reasoningRoute: string | null; reasoningModel: string | null; thinkingTier: string };
  /** Monthly cost at recent traffic, independent of the range (lib/costs/projection.ts). */
  projection: MonthlyProjection;
  /** The most expensive priced requests in the range. */
  top: TopRequest[];
}
