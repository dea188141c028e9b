/**
 * The knee of the quality-against-cost curve, defined so it can be checked:
 *
 * - best: the configuration with the highest accuracy (ties: the cheaper).
 * - recommended: the cheapest configuration (by mean cost per request) whose
 *   accuracy is at least best − tolerance. Paying more buys at most
 *   `tolerance` accuracy.
 * - where extra budget stops paying: walk the frontier (configurations sorted
 *   by mean cost, keeping each one more accurate than every cheaper one). A
 *   step stops paying when its gain is smaller than the tolerance, or when the
 *   costlier configuration's 95 % interval reaches down to the cheaper one's
 *   accuracy (the gain cannot be told from noise). The configuration before
 *   that step is the last one whose extra cost paid; without such a step it is
 *   the frontier's end.
 */
import type { ConfigStats } from "./stats";

export interface FrontierStep {
  from: string;
  to: string;
  gain: number;
  extraCost: number;
  /** Extra dollars per extra correct answer along this step. */
  costPerExtraCorrect: number | null;
  pays: boolean;
  why: string;
}

export interface Knee {
  best: string;
  recommended: string;
  tolerance: number;
  /** The last configuration whose extra cost paid for itself. */
  stopsPayingAfter: string;
  frontier: string[];
  steps: FrontierStep[];
  /** Plain-language account of the above, for the page and the CLI. */
  explanation: string[];
}

const pts = (x: number) => `${(x * 100).toFixed(1)} %`;
const usd = (x: number) => (x >= 0.01 ? `$${x.toFixed(4)}` : `$${x.toPrecision(2)}`);

/** null when no configuration has a graded, priced trial. */
export function findKnee(stats: ConfigStats[], tolerance: number, label: (key: string) => string = (k) => k): Knee | null {
  const usable = stats.filter((s) => s.n > 0 && s.meanCost !== null);
  if (usable.length === 0) return null;
  const cost = (s: ConfigStats) => s.meanCost!;
  const best = usable.reduce((b, s) => (s.accuracy > b.accuracy || (s.accuracy === b.accuracy && cost(s) < cost(b)) ? s : b));
  const floor = best.accuracy - tolerance - 1e-12;
  const recommended = usable
    .filter((s) => s.accuracy >= floor)
    .reduce((r, s) => (cost(s) < cost(r) || (cost(s) === cost(r) && s.accuracy > r.accuracy) ? s : r));

  const byCost = [...usable].sort((a, b) => cost(a) - cost(b) || b.accuracy - a.accuracy);
  const frontier: ConfigStats[] = [];
  for (const s of byCost) if (frontier.length === 0 || s.accuracy > frontier[frontier.length - 1]!.accuracy) frontier.push(s);

  const steps: FrontierStep[] = [];
  let stopsPayingAfter: ConfigStats | null = null;
  for (let i = 1; i < frontier.length; i++) {
    const a = frontier[i - 1]!;
    const b = frontier[i]!;
    const gain = b.accuracy - a.accuracy;
    const extraCost = cost(b) - cost(a);
    const small = gain < tolerance;
    const noise = b.ci[0] <= a.accuracy;
    const pays = !small && !noise;
    steps.push({
      from: a.key,
      to: b.key,
      gain,
      extraCost,
      costPerExtraCorrect: gain > 0 ? extraCost / gain : null,
      pays,
      why: pays
        ? `+${pts(gain)} for ${usd(extraCost)} more per request`
        : small
          ? `+${pts(gain)} is less than the ${pts(tolerance)} tolerance`
          : `+${pts(gain)} is within the noise (its 95 % interval starts at ${pts(b.ci[0])})`,
    });
    if (!pays && !stopsPayingAfter) stopsPayingAfter = a;
  }
  stopsPayingAfter ??= frontier[frontier.length - 1]!;

  const explanation = [
    `Best accuracy: ${label(best.key)} at ${pts(best.accuracy)} (95 % interval ${pts(best.ci[0])}–${pts(best.ci[1])}), ${usd(cost(best))} per request.`,
    recommended.key === best.key
      ? `Recommended: ${label(recommended.key)}, the best configuration is also the cheapest one within ${pts(tolerance)} of it.`
      : `Recommended: ${label(recommended.key)} at ${pts(recommended.accuracy)}, the cheapest configuration within ${pts(tolerance)} of the best; ${usd(cost(recommended))} per request, ${pts(cost(recommended) / cost(best))} of the best's cost.`,
    steps.length === 0
      ? `No costlier configuration was more accurate than the cheapest one: extra thinking did not pay on this set.`
      : stopsPayingAfter.key === frontier[frontier.length - 1]!.key
        ? `Every step up in cost bought a real gain, up to ${label(stopsPayingAfter.key)}; nothing costlier was more accurate.`
        : `Extra budget stops paying after ${label(stopsPayingAfter.key)}: the next step (${label(steps.find((s) => !s.pays)!.to)}) ${steps.find((s) => !s.pays)!.why}.`,
  ];
  return {
    best: best.key,
    recommended: recommended.key,
    tolerance,
    stopsPayingAfter: stopsPayingAfter.key,
    frontier: frontier.map((s) => s.key),
    steps,
    explanation,
  };
}
