/**
 * Prepares the cost summary for the charts and tables: every presentation
 * decision (stacking, colours per cost bucket and group, "Other" for the long
 * tail, bucket labels, cent rounding, the projection) is made here, in pure
 * functions, and the components only draw what they get (the "prepare →
 * visualise" split of Langfuse's chart library).
 */
import { MONTH_DAYS, type MonthlyProjection } from "./projection";
import type { CostGroup, CostSummary, Granularity, GroupBy } from "./types";

/** The stacked cost buckets, in stacking order (bottom first). Thinking uses the reasoning tier's violet. */
export const COST_BUCKETS = [
  { key: "costInput", label: "Input", color: "#64748b" },
  { key: "costCache", label: "Cache", color: "#14b8a6" },
  { key: "costOutput", label: "Output", color: "#3b82f6" },
  { key: "costThinking", label: "Thinking", color: "#8b5cf6" },
  { key: "costServerTools", label: "Server tools", color: "#f59e0b" },
] as const;

export type CostBucketKey = (typeof COST_BUCKETS)[number]["key"];

/** Distinct, colour-blind-friendlier hues for groups; "Other" is grey. */
const GROUP_PALETTE = ["#2563eb", "#f59e0b", "#10b981", "#ef4444", "#8b5cf6", "#06b6d4", "#ec4899", "#84cc16"];
const TIER_COLORS: Record<string, string> = { reasoning: "#7c3aed", standard: "#0d9488" };
export const OTHER_COLOR = "#9ca3af";
export const OTHER_KEY = "__other__";

/** USD rounded to the cent, as a bill shows it. Sums are rounded once, at the end, never per row. */
export function toCents(usd: number): number {
  return Math.round((usd + Number.EPSILON) * 100) / 100;
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** "Nov 25, 14:00" (hour), "Nov 25" (day), "Wk Nov 23" (week), in UTC like the buckets. */
export function bucketLabel(iso: string, granularity: Granularity): string {
  const d = new Date(iso);
  const day = `${MONTHS[d.getUTCMonth()]} ${d.getUTCDate()}`;
  if (granularity === "hour") return `${day}, ${String(d.getUTCHours()).padStart(2, "0")}:00`;
  if (granularity === "week") return `Wk ${day}`;
  return day;
}

export interface BucketPoint {
  bucket: string;
  label: string;
  costInput: number;
  costCache: number;
  costOutput: number;
  costThinking: number;
  costServerTools: number;
  costTotal: number;
  requests: number;
  reasoning: number;
  unpriced: number;
  /** reasoning / requests, 0..1; null for an empty bucket (a gap, not 0%). */
  reasoningShare: number | null;
}

/** One point per bucket (empty buckets included, as zeros), the groups summed: the cost-bucket stack and the request chart. */
export function prepareBucketSeries(s: CostSummary): BucketPoint[] {
  const byBucket = new Map<string, BucketPoint>();
  for (const b of s.buckets) {
    byBucket.set(b, {
      bucket: b, label: bucketLabel(b, s.range.granularity),
      costInput: 0, costCache: 0, costOutput: 0, costThinking: 0, costServerTools: 0, costTotal: 0,
      requests: 0, reasoning: 0, unpriced: 0, reasoningShare: null,
    });
  }
  for (const p of s.series) {
    const t = byBucket.get(p.bucket);
    if (!t) continue;
    t.costInput += p.costInput;
    t.costCache += p.costCache;
    t.costOutput += p.costOutput;
    t.costThinking += p.costThinking;
    t.costServerTools += p.costServerTools;
    t.costTotal += p.costTotal;
    t.requests += p.requests;
    t.reasoning += p.reasoning;
    t.unpriced += p.unpriced;
  }
  return [...byBucket.values()].map((t) => ({ ...t, reasoningShare: t.requests > 0 ? t.reasoning / t.requests : null }));
}

export interface GroupKey {
  /** The group: a route id, a model, a tier, or OTHER_KEY. */
  key: string;
  /**
   * Its column in the rows: "g0", "g1"... (OTHER_KEY for Other), never the
   * key itself. Route ids are chosen by editors: one named "label" or
   * "bucket" overwrote the row's own fields, and "__proto__" was dropped.
   */
  dataKey: string;
  label: string;
  color: string;
}

export interface GroupSeries {
  keys: GroupKey[];
  /** One row per bucket: bucket, label, and the cost of each group under its dataKey (plus "Other"). */
  rows: ({ bucket: string; label: string } & Record<string, number | string>)[];
}

export function groupColor(groupBy: GroupBy, key: string, index: number): string {
  if (key === OTHER_KEY) return OTHER_COLOR;
  if (groupBy === "tier" && TIER_COLORS[key]) return TIER_COLORS[key]!;
  return GROUP_PALETTE[index % GROUP_PALETTE.length]!;
}

/**
 * Spend per bucket stacked by group. The `maxGroups - 1` most expensive groups
 * keep their own colour; the rest become "Other", so the legend stays legible.
 */
export function prepareGroupSeries(s: CostSummary, maxGroups = 6): GroupSeries {
  const ranked = [...s.groups].sort((a, b) => b.costTotal - a.costTotal || b.requests - a.requests);
  const own = ranked.length > maxGroups ? ranked.slice(0, maxGroups - 1) : ranked;
  const keys: GroupKey[] = own.map((g, i) => ({ key: g.key, dataKey: `g${i}`, label: g.label, color: groupColor(s.range.groupBy, g.key, i) }));
  const column = new Map(keys.map((k) => [k.key, k.dataKey]));
  if (ranked.length > own.length) keys.push({ key: OTHER_KEY, dataKey: OTHER_KEY, label: `Other (${ranked.length - own.length})`, color: OTHER_COLOR });
  const rows = new Map<string, GroupSeries["rows"][number]>();
  for (const b of s.buckets) {
    const row: GroupSeries["rows"][number] = { bucket: b, label: bucketLabel(b, s.range.granularity) };
    for (const k of keys) row[k.dataKey] = 0;
    rows.set(b, row);
  }
  for (const p of s.series) {
    const row = rows.get(p.bucket);
    if (!row) continue;
    const k = column.get(p.key) ?? OTHER_KEY;
    row[k] = (row[k] as number) + p.costTotal;
  }
  return { keys, rows: [...rows.values()] };
}

export interface GroupTableRow {
  key: string;
  label: string;
  color: string;
  requests: number;
  reasoningShare: number | null;
  priced: number;
  unpriced: number;
  /** Failed before any upstream call: $0, not billed. */
  notBilled: number;
  costTotal: number;
  /** Share of the range's priced spend, 0..1. */
  share: number;
  avgCostPerRequest: number | null;
}

export function prepareGroupTable(s: CostSummary, groups: CostGroup[] = s.groups, groupBy: GroupBy = s.range.groupBy): GroupTableRow[] {
  const total = groups.reduce((a, g) => a + g.costTotal, 0);
  return [...groups]
    .sort((a, b) => b.costTotal - a.costTotal || b.requests - a.requests)
    .map((g, i) => ({
      key: g.key,
      label: g.label,
      color: groupColor(groupBy, g.key, i),
      requests: g.requests,
      reasoningShare: g.requests > 0 ? g.reasoning / g.requests : null,
      priced: g.priced,
      unpriced: g.unpriced,
      notBilled: g.requests - g.priced - g.unpriced,
      costTotal: g.costTotal,
      share: total > 0 ? g.costTotal / total : 0,
      avgCostPerRequest: g.avgCostPerRequest,
    }));
}

export const PROJECTION_DAYS = MONTH_DAYS;

export interface ProjectionRow {
  key: string;
  label: string;
  /** Requests per day over the projection's basis (recent days with traffic). */
  observedPerDay: number;
  /** Requests per day used: the observed rate unless the user typed another. */
  requestsPerDay: number;
  edited: boolean;
  avgCostPerRequest: number | null;
  /** Per month at requestsPerDay; null when the group has no priced request to go by. */
  monthly: number | null;
}

export interface Projection {
  rows: ProjectionRow[];
  /** Sum of the priced groups' monthly costs. */
  monthly: number;
  /** Groups left out of the total because nothing in them is priced. */
  unpricedRoutes: number;
}

/**
 * The server's monthly projection (lib/costs/projection.ts), with the
 * requests per day the user typed (`overrides`, by group key): an edited
 * group's month scales with its rate (the same mix of billed, failed and
 * unpriced requests), or is rate × average cost × 30 when it had no traffic.
 */
export function projectMonthly(p: Pick<MonthlyProjection, "groups">, overrides: Record<string, number> = {}): Projection {
  const rows = p.groups.map((g): ProjectionRow => {
    const override = overrides[g.key];
    const edited = override !== undefined && Number.isFinite(override) && override >= 0;
    const requestsPerDay = edited ? override : g.requestsPerDay;
    let monthly = g.monthly;
    if (edited && g.avgCostPerRequest !== null) {
      monthly = g.requestsPerDay > 0 && g.monthly !== null ? (g.monthly * requestsPerDay) / g.requestsPerDay : requestsPerDay * g.avgCostPerRequest * PROJECTION_DAYS;
    }
    return { key: g.key, label: g.label, observedPerDay: g.requestsPerDay, requestsPerDay, edited, avgCostPerRequest: g.avgCostPerRequest, monthly };
  });
  return {
    rows,
    monthly: rows.reduce((a, r) => a + (r.monthly ?? 0), 0),
    unpricedRoutes: rows.filter((r) => r.monthly === null && r.requestsPerDay > 0).length,
  };
}

/**
 * A chart axis tick in USD, exactly the value its grid line stands at: the
 * axis picks ticks such as 0, 0.9, 1.8, 2.7, 3.6, and rounding those above a
 * dollar to whole dollars labelled the grid lines "$2", "$3", "$4", a bar of
 * $3.41 reading as about $3.80. Whole dollars stay whole ("$4"); other ticks
 * of a dollar or more show their cents ("$1.80"); below a dollar, two
 * significant digits ("$0.90", "$0.0035").
 */
export function formatAxisUsd(v: number): string {
  if (v === 0) return "$0";
  const sign = v < 0 ? "-" : "";
  const abs = Math.abs(v);
  if (abs < 1) return `${sign}$${abs.toPrecision(2)}`;
  const whole = Math.abs(abs - Math.round(abs)) < 1e-9;
  return `${sign}$${abs.toLocaleString("en-US", whole ? { maximumFractionDigits: 0 } : { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
}

/** Percent with one decimal below 10 % ("4.5%"), whole above ("43%"); "—" for unknown. */
export function formatShare(share: number | null): string {
  if (share === null || !Number.isFinite(share)) return "—";
  const pct = share * 100;
  if (pct > 0 && pct < 0.1) return "<0.1%";
  return `${pct < 10 ? pct.toFixed(1) : Math.round(pct)}%`;
}
