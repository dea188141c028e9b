/**
 * The cost dashboard's wire shapes (GET /api/costs/summary), shared by the
 * server that builds them and the pure prepare functions that chart them.
 * Money is USD as stored (full precision); rounding happens only for display.
 */

import type { CostAggregate } from "../db/analytics/types";

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
  };
  /** Every bucket start in the range, empty ones included, oldest first. */
  buckets: string[];
  series: CostSeriesPoint[];
  /** Per group of `groupBy`, over the whole range, most expensive first. */
  groups: CostGroup[];
  /** Per route, whatever `groupBy` is: the average cost per request per route and the projection use it. */
  routes: CostGroup[];
  totals: CostStat & {
    /** reasoning / requests; null without requests. */
    reasoningShare: number | null;
    avgCostPerRequest: number | null;
    /** counterfactualCost − counterfactualActual: what routing saved against always reasoning. */
    savings: number;
  };
  /** The most expensive priced requests in the range. */
  top: TopRequest[];
}
