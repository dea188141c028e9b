/** The cost dashboard's controls in the page URL, and their translation into a /api/costs/summary query. Pure. */
import type { Granularity, GroupBy } from "./types";

/**
 * "auto" lets the server pick: hourly while the deployment has less than two
 * days of records (a first day drawn as hours, not one bar among 29 empty
 * days), daily after.
 */
export type GranularityChoice = Granularity | "auto";

export const COST_RANGES = [
  { value: "24h", label: "Last 24 hours", days: 1, granularity: "hour" },
  { value: "7d", label: "Last 7 days", days: 7, granularity: "auto" },
  { value: "30d", label: "Last 30 days", days: 30, granularity: "auto" },
  { value: "90d", label: "Last 90 days", days: 90, granularity: "week" },
] as const satisfies readonly { value: string; label: string; days: number; granularity: GranularityChoice }[];

export interface CostControls {
  range: string;
  /** YYYY-MM-DD, for range "custom"; `to` is the last day included. */
  from?: string;
  to?: string;
  granularity: GranularityChoice;
  groupBy: GroupBy;
  /** The monthly projection includes one-off traffic (calibration, playground). */
  oneOff?: boolean;
}

const GRANULARITIES: GranularityChoice[] = ["hour", "day", "week", "auto"];
const GROUP_BYS: GroupBy[] = ["route", "model", "tier"];
const DATE = /^\d{4}-\d{2}-\d{2}$/;

export function readCostControls(p: URLSearchParams): CostControls {
  const range = p.get("range") ?? "";
  const from = p.get("from") ?? undefined;
  const to = p.get("to") ?? undefined;
  const custom = range === "custom" || (!range && (from || to));
  const preset = COST_RANGES.find((r) => r.value === range) ?? COST_RANGES[2];
  const g = p.get("granularity") as GranularityChoice | null;
  const groupBy = p.get("groupBy") as GroupBy | null;
  return {
    range: custom ? "custom" : preset.value,
    ...(custom && from && DATE.test(from) ? { from } : {}),
    ...(custom && to && DATE.test(to) ? { to } : {}),
    granularity: g && GRANULARITIES.includes(g) ? g : custom ? "day" : preset.granularity,
    groupBy: groupBy && GROUP_BYS.includes(groupBy) ? groupBy : "route",
    ...(p.get("oneOff") === "1" ? { oneOff: true } : {}),
  };
}

export function costControlsToSearch(c: CostControls): string {
  const p = new URLSearchParams();
  p.set("range", c.range);
  if (c.range === "custom") {
    if (c.from) p.set("from", c.from);
    if (c.to) p.set("to", c.to);
  }
  p.set("granularity", c.granularity);
  p.set("groupBy", c.groupBy);
  if (c.oneOff) p.set("oneOff", "1");
  return `?${p.toString()}`;
}

function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** The API query. A preset ends now; a custom range includes its last day (the API's `to` is exclusive). */
export function costControlsToApiQuery(c: CostControls, now: number): Record<string, string> {
  const q: Record<string, string> = { granularity: c.granularity, groupBy: c.groupBy, ...(c.oneOff ? { oneOff: "true" } : {}) };
  if (c.range === "custom") {
    if (c.from) q.from = c.from;
    if (c.to) q.to = addDays(c.to, 1);
    return q;
  }
  const preset = COST_RANGES.find((r) => r.value === c.range) ?? COST_RANGES[2];
  q.from = new Date(now - preset.days * 86_400_000).toISOString();
  q.to = new Date(now).toISOString();
  return q;
}
