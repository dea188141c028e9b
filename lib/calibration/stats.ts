/** Per-configuration results of an experiment: accuracy with its interval, cost, thinking and latency. */

export interface TrialOutcome {
  configKey: string;
  category: string | null;
  /** null: the call failed for good (not graded, not counted in accuracy). */
  correct: boolean | null;
  costUsd: number | null;
  thinkingTokens: number | null;
  latencyMs: number | null;
}

export interface ConfigStats {
  key: string;
  /** Trials graded. */
  n: number;
  correct: number;
  failed: number;
  accuracy: number;
  /** Wilson score interval, 95 %. */
  ci: [number, number];
  /** Per request, over graded trials with a price; null when none was priced. */
  meanCost: number | null;
  p95Cost: number | null;
  meanThinking: number;
  p95Thinking: number;
  meanLatencyMs: number;
  p95LatencyMs: number;
}

/**
 * Wilson score interval for k successes in n trials. Unlike the normal
 * approximation it stays inside [0, 1] and is sensible at 0 % and 100 %,
 * which small evaluation sets hit often.
 */
export function wilson(k: number, n: number, z = 1.96): [number, number] {
  if (n === 0) return [0, 1];
  const p = k / n;
  const z2 = z * z;
  const centre = (p + z2 / (2 * n)) / (1 + z2 / n);
  const half = (z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / (1 + z2 / n);
  return [Math.max(0, centre - half), Math.min(1, centre + half)];
}

/** Nearest-rank percentile (q in 0..1) of a non-empty list. */
export function percentile(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))]!;
}

const mean = (xs: number[]) => (xs.length ? xs.reduce((t, x) => t + x, 0) / xs.length : 0);

export function configStats(key: string, trials: TrialOutcome[]): ConfigStats {
  const graded = trials.filter((t) => t.correct !== null);
  const correct = graded.filter((t) => t.correct).length;
  const costs = graded.map((t) => t.costUsd).filter((c): c is number => c !== null);
  const thinking = graded.map((t) => t.thinkingTokens ?? 0);
  const latency = graded.map((t) => t.latencyMs ?? 0);
  return {
    key,
    n: graded.length,
    correct,
    failed: trials.length - graded.length,
    accuracy: graded.length ? correct / graded.length : 0,
    ci: wilson(correct, graded.length),
    meanCost: costs.length ? mean(costs) : null,
    p95Cost: costs.length ? percentile(costs, 0.95) : null,
    meanThinking: Math.round(mean(thinking)),
    p95Thinking: thinking.length ? percentile(thinking, 0.95) : 0,
    meanLatencyMs: Math.round(mean(latency)),
    p95LatencyMs: latency.length ? percentile(latency, 0.95) : 0,
  };
}

/** Stats per configuration, in the order of `keys`. */
export function statsByConfig(keys: string[], trials: TrialOutcome[]): ConfigStats[] {
  const by = new Map<string, TrialOutcome[]>(keys.map((k) => [k, []]));
  for (const t of trials) by.get(t.configKey)?.push(t);
  return keys.map((k) => configStats(k, by.get(k)!));
}

/** Accuracy per category and configuration (for sets whose items have categories). */
export function statsByCategory(keys: string[], trials: TrialOutcome[]): { category: string; stats: ConfigStats[] }[] {
  const cats = [...new Set(trials.map((t) => t.category).filter((c): c is string => c !== null))].sort();
  return cats.map((category) => ({ category, stats: statsByConfig(keys, trials.filter((t) => t.category === category)) }));
}
