/**
 * The router page's data (GET /api/router) and the pure functions that turn
 * a version's evaluation into the rows the page shows.
 */
import type { ModelMetrics, SetComparison } from "@/lib/routing/classifier/compare";
import type { RouterOverview, VersionView } from "@/lib/router-versions/service";
import type { OutOfFold } from "@/lib/routing/classifier/model";

export type { RouterOverview, VersionView };

/** JSON turns NaN into null: a metric of an empty set (no reasoning rows: no F1). */
type Metric = number | null;

export interface ComparisonRow {
  /** "Shipped test split", "Team's test labels", or a source/origin (indented). */
  name: string;
  indent: boolean;
  /** Which held-out set the row belongs to. */
  set: "shipped" | "team";
  n: number;
  reasoning: number;
  f1: { current: Metric; candidate: Metric; change: Metric };
  /** Standard prompts sent to reasoning (false positive rate). */
  stdToReasoning: { current: Metric; candidate: Metric; change: Metric };
  recall: { current: Metric; candidate: Metric; change: Metric };
}

const num = (x: number | null | undefined): Metric => (typeof x === "number" && Number.isFinite(x) ? x : null);
const change = (a: Metric, b: Metric): Metric => (a === null || b === null ? null : b - a);

function triple(s: SetComparison, pick: (m: ModelMetrics) => number | null): ComparisonRow["f1"] {
  const current = num(pick(s.current));
  const candidate = num(pick(s.candidate));
  return { current, candidate, change: change(current, candidate) };
}

function row(s: SetComparison, name: string, indent: boolean, set: ComparisonRow["set"]): ComparisonRow {
  return {
    name,
    indent,
    set,
    n: s.n,
    reasoning: s.reasoning,
    f1: triple(s, (m) => m.f1),
    stdToReasoning: triple(s, (m) => m.fpr),
    recall: triple(s, (m) => m.recall),
  };
}

/** The comparison table of a version: the shipped test split and its sources, then the team's test labels and their origins (empty sets left out). */
export function comparisonRows(v: Pick<VersionView, "evaluation">): ComparisonRow[] {
  const c = v.evaluation.comparison;
  const rows = [row(c.shippedTest, "Shipped test split", false, "shipped"), ...c.shippedBySource.map((s) => row(s, s.name, true, "shipped"))];
  if (c.teamTest.n > 0) rows.push(row(c.teamTest, "Team's test labels", false, "team"), ...c.teamByOrigin.map((s) => row(s, s.name, true, "team")));
  return rows;
}

export function formatMetric(x: Metric, kind: "ratio" | "percent"): string {
  if (x === null) return "–";
  return kind === "percent" ? `${(100 * x).toFixed(1)}%` : x.toFixed(3);
}

/** A change: F1 in points of F1 (±0.012), rates in percentage points (±1.5 pp). */
export function formatChange(x: Metric, kind: "ratio" | "percent"): string {
  if (x === null) return "–";
  const sign = x > 0 ? "+" : x < 0 ? "−" : "±";
  return kind === "percent" ? `${sign}${Math.abs(100 * x).toFixed(1)} pp` : `${sign}${Math.abs(x).toFixed(3)}`;
}

/** Whether a change is for the better: a higher F1 or recall, fewer standard prompts sent to reasoning. */
export function changeTone(x: Metric, higherIsBetter: boolean): "better" | "worse" | "same" {
  if (x === null || Math.abs(x) < 1e-9) return "same";
  return x > 0 === higherIsBetter ? "better" : "worse";
}

/** What the model in use is, in words. */
export function modelInUse(o: RouterOverview): string {
  const m = o.current.model;
  if (m.source === "version") return `Version ${m.version}, trained ${m.trainedAt ? new Date(m.trainedAt).toISOString().slice(0, 16).replace("T", " ") + " UTC" : ""} on ${m.rows.shippedTrain} shipped + ${m.rows.teamTrain} team rows`;
  if (m.source === "deployment") return `The deployment's model file ${m.path} (${m.rows.shippedTrain} shipped + ${m.rows.teamTrain} team rows)`;
  return `The shipped model (${m.rows.shippedTrain} training rows)`;
}

/** A model's out-of-family estimate in one line, or null when its file has none. */
export function outOfFoldLine(o: OutOfFold | null | undefined): string | null {
  if (!o) return null;
  return `F1 ${formatMetric(num(o.f1), "ratio")} · standard prompts sent to reasoning ${formatMetric(num(o.fpr), "percent")} · reasoning prompts caught ${formatMetric(num(o.recall), "percent")}`;
}
