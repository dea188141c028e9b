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
  /** Server tools' fees (web searches and fetches). */
  costServerTools: number;
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
  status: string;
  task: string;
  app: string;
  inputTokens: number;
  cacheWrite5mTokens: number;
  cacheWrite1hTokens: number;
  cacheReadTokens: number;
  outputTokens: number;
  thinkingTokens: number;
  /** What the calls before the answer cost (the LLM classifier's): the token fields above are the answer's own. */
  before: number;
}

/** Complete, priced standard requests of one comparability cell and served model (lib/costs/estimate.ts). */
export interface StandardCellRow {
  band: number;
  task: string;
  app: string;
  model: string;
  n: number;
  input: number;
  cacheWrite5m: number;
  cacheWrite1h: number;
  cacheRead: number;
  output: number;
  /** Actual cost, every call included. */
  cost: number;
  /** What the calls before the answers cost (the LLM classifier's): paid whichever route answered. The token sums are the answers' own. */
  before: number;
}

/** Complete reasoning requests of one cell: sums for the mean and variance of what they generated. */
export interface ReasoningSampleRow {
  band: number;
  task: string;
  app: string;
  n: number;
  output: number;
  thinking: number;
  generatedSq: number;
}

/** The rollup's sums of one hour, all groups together. */
export interface HourTotalRow {
  hour: number;
  requests: number;
  costTotal: number;
  /** Input, cache, output and thinking tokens. */
  tokens: number;
}

/** One UTC day, group and endpoint. */
export interface DayGroupRow {
  /** The day: its index among the days asked for, as the query returns it; its start (epoch ms) once placed (lib/costs/summary.ts). */
  day: number;
  key: string;
  label: string;
  via: string;
  requests: number;
  priced: number;
  unpriced: number;
  cost: number;
}

export type FacetColumn = "routeId" | "servedModel" | "app" | "task";

/**
 * A filter condition of the trace explorer on RequestRecord `r`, with what
 * keeps a scan in the page's order at one row per step when it is part of
 * the scan's WHERE (SQLite steps through such scans, lib/db/analytics/sqlite.ts):
 * "id", a bound on the id (newest first walks the id); "indexed", an equality
 * that a ("column", "id") index serves newest first; "failure", a bound on
 * the failure score (likely wrong first walks its index). Any other condition
 * may reject most rows, and so make one step read them all.
 */
export interface TraceCondition {
  sql: Prisma.Sql;
  scan?: "id" | "indexed" | "failure";
}

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
  listTraces(columns: Prisma.Sql, conditions: TraceCondition[], search: SearchToken[], cursor: string | undefined, take: number, order?: TraceOrder): Promise<Record<string, unknown>[]>;
  /** Standard requests in [fromId, toId) per comparability cell (the measured savings). */
  standardCells(fromId: string, toId: string): Promise<StandardCellRow[]>;
  /** Reasoning requests in [fromId, toId) per comparability cell (the measured savings' samples). */
  reasoningSamples(fromId: string, toId: string): Promise<ReasoningSampleRow[]>;
  /** Spend per day of `dayIds` (first ids of consecutive days, then the end), group and endpoint (the projection). */
  dayGroups(dayIds: string[], groupBy: GroupBy): Promise<DayGroupRow[]>;
  /** The rollup's request count, cost and tokens per hour of the range (what tells a cached day is unchanged). */
  hourTotals(range: HourRange): Promise<HourTotalRow[]>;
  /** The oldest record's id, or null without records. */
  firstId(): Promise<string | null>;
  /** Distinct non-null values of a column, by a loose index scan (cheap at a million rows). */
  distinct(column: FacetColumn, limit: number): Promise<string[]>;
}
