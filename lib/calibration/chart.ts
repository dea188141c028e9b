/** Chart data for the quality-against-cost view: pure, so the chart component only draws. */
import type { Knee } from "./knee";
import type { ConfigStats } from "./stats";

export interface ChartPoint {
  key: string;
  label: string;
  model: string;
  /** Mean cost per request, USD. */
  cost: number;
  /** Accuracy, percent. */
  accuracy: number;
  /** Distances to the 95 % interval's ends, percent (recharts ErrorBar takes [below, above]). */
  error: [number, number];
  recommended: boolean;
  best: boolean;
}

export interface ChartSeries {
  model: string;
  points: ChartPoint[];
}

/** One series per model, each sorted by cost (a line per model's ladder); configurations without a price are left out. */
export function chartSeries(stats: ConfigStats[], knee: Knee | null, meta: (key: string) => { label: string; model: string }): ChartSeries[] {
  const byModel = new Map<string, ChartPoint[]>();
  for (const s of stats) {
    if (s.n === 0 || s.meanCost === null) continue;
    const { label, model } = meta(s.key);
    const acc = s.accuracy * 100;
    const point: ChartPoint = {
      key: s.key,
      label,
      model,
      cost: s.meanCost,
      accuracy: Math.round(acc * 10) / 10,
      error: [Math.round((acc - s.ci[0] * 100) * 10) / 10, Math.round((s.ci[1] * 100 - acc) * 10) / 10],
      recommended: knee?.recommended === s.key,
      best: knee?.best === s.key,
    };
    byModel.set(model, [...(byModel.get(model) ?? []), point]);
  }
  return [...byModel].map(([model, points]) => ({ model, points: points.sort((a, b) => a.cost - b.cost) }));
}
