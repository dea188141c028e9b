/**
 * The analytics queries thinkgate runs as raw SQL, one implementation per
 * database (sqlite.ts, postgres.ts) behind one dispatcher (index.ts), in the
 * way of umami's runQuery: SQLite and PostgreSQL differ exactly here
 * (full-text search, how the rollup's hour is computed, result types).
 */
import type { Prisma } from "../generated/sqlite/client.ts";
import type { SearchToken } from "../traces.repo";
import type { TraceOrder } from "./common";

export type Granularity = "hour" | "day" | "week";
export type GroupBy = "route" | "model" | "tier";

/** Whole UTC hours since the Unix epoch, [fromHour, toHour). */
export interface HourRange {
  fromHour: number;
  toHour: number;
}

/** Sums over records, as CostRollup keeps them. Costs are USD over priced records only. */
export interface CostAggregate {
  requests: number;
  reasoning: number;
  errors: number;
  escalated: number;
  priced: number;
  unpriced: number;
  costInput: number;
  costCache: number;
  costOutput: number;
  costThinking: number;
  costTotal: number;
  counterfactualCount: number;
  counterfactualCost: number;
  counterfactualActual: number;
  inputTokens: number;
  cacheTokens: number;
  outputTokens: number;
  thinkingTokens: number;
  latencyMs: number;
}

export interface CostGroupRow extends CostAggregate {
  /** routeId ("" for none), model id or tier. */
  key: string;
  /** The route's name for route groups; the key otherwise. */
  label: string;
}

export interface CostSeriesRow extends CostGroupRow {
  /** First hour of the bucket (UTC hours since the epoch). */
  bucket: number;
}

export interface TopRequestRow {
  id: string;
  createdAt: Date;
  routeId: string | null;
  routeName: string | null;
  servedModel: string;
  tier: string;
  costTotal: number;
  counterfactualCost: number | null;
  promptPreview: string;
}

export type FacetColumn = "routeId" | "servedModel" | "app" | "task";

export interface AnalyticsDialect {
  /** Spend per time bucket and group. */
  costSeries(range: HourRange, granularity: Granularity, groupBy: GroupBy): Promise<CostSeriesRow[]>;
  /** Spend per group over the whole range. */
  costByGroup(range: HourRange, groupBy: GroupBy): Promise<CostGroupRow[]>;
  /**
   * The priced records with the highest cost whose ids fall in [fromId, toId).
   * `pricedInRange` (from the rollup) lets the dialect pick a plan.
   */
  topRequests(fromId: string, toId: string, limit: number, pricedInRange: number): Promise<TopRequestRow[]>;
  /**
   * One page of the trace explorer: `columns` of RequestRecord `r` where all
   * `conditions` hold and every search word occurs in the prompt, answer or
   * thinking, after the `cursor` id, newest first, at most `take` rows.
   */
  listTraces(columns: Prisma.Sql, conditions: Prisma.Sql[], search: SearchToken[], cursor: string | undefined, take: number, order?: TraceOrder): Promise<Record<string, unknown>[]>;
  /** Distinct non-null values of a column, by a loose index scan (cheap at a million rows). */
  distinct(column: FacetColumn, limit: number): Promise<string[]>;
}
