/**
 * Difficulty tier: how much thinking a reasoning-worthy prompt deserves.
 *
 * A points rule over the prompt's structure (documented, deterministic, no
 * training), because labelled difficulty data does not exist here and a rule
 * is easy to audit and tune:
 *
 *   length        +1 over 1,000 chars, +2 over 6,000
 *   constraints   constraint words + list items: +1 at 4 or more, +2 at 8 or more
 *   code          +1 with a code block or 5+ code lines, +2 with 60+ code lines
 *   stack trace   +1
 *   sub-questions +1 at 2-3 question marks, +2 at 4 or more
 *   derivation    +1 at 2+ proof/derivation cues ("prove", "derive", "step by step", ...)
 *   breadth       design/security/planning/debugging cues together: +1 at 2 or more, +2 at 4 or more
 *
 *   simple: 0 points; complex: 1-3; maximum: 4 or more.
 *
 * On the shipped reasoning rows this puts 96% of GSM8K, 93% of BBH and 18 of
 * 20 one-line technical questions in simple; most planning, architecture,
 * security and debugging prompts (and 40% of arena-hard coding prompts) in
 * complex; long multi-part specifications (22% of arena-hard coding, the
 * planning prompts with long constraint lists) in maximum. The score does not
 * enter the rule: it says whether to reason, not how hard the task is.
 *
 * Tiers map to the budget tiers of the architecture (simple 2-4k, complex
 * 8-16k, maximum 16-32k thinking tokens) or, on models that only take
 * adaptive thinking, to an effort level. The model-capabilities layer clamps
 * to what the chosen model accepts (e.g. "max" where only "high" exists).
 */
import type { Structure } from "./features";

export type Difficulty = "simple" | "complex" | "maximum";

export interface TierConfig {
  /** Range from the literature; a team measures and narrows it. */
  budgetRange: readonly [number, number];
  /** budget_tokens to send on models with manual extended thinking. */
  budgetTokens: number;
  /** output_config.effort on adaptive-only models. */
  effort: "low" | "medium" | "high" | "xhigh" | "max";
}

export const DIFFICULTY_TIERS: Record<Difficulty, TierConfig> = {
  simple: { budgetRange: [2_000, 4_000], budgetTokens: 4_000, effort: "medium" },
  complex: { budgetRange: [8_000, 16_000], budgetTokens: 12_000, effort: "high" },
  maximum: { budgetRange: [16_000, 32_000], budgetTokens: 24_000, effort: "max" },
};

export interface TierPoints {
  tier: Difficulty;
  points: number;
  why: string[];
}

export function difficultyOf(s: Structure, _score?: number): TierPoints {
  const why: string[] = [];
  let points = 0;
  const add = (p: number, reason: string) => {
    if (p > 0) {
      points += p;
      why.push(`${reason} +${p}`);
    }
  };
  add(s.chars > 6_000 ? 2 : s.chars > 1_000 ? 1 : 0, `length ${s.chars}`);
  const constraints = s.cues.constraint + s.listItems;
  add(constraints >= 8 ? 2 : constraints >= 4 ? 1 : 0, `constraints ${constraints}`);
  add(s.codeLines >= 60 ? 2 : s.codeFences > 0 || s.codeLines >= 5 ? 1 : 0, `code ${s.codeLines} lines`);
  add(s.stackTrace ? 1 : 0, "stack trace");
  add(s.questions >= 4 ? 2 : s.questions >= 2 ? 1 : 0, `${s.questions} questions`);
  add(s.cues.derive >= 2 ? 1 : 0, "derivation asked");
  const breadth = s.cues.design + s.cues.security + s.cues.plan + s.cues.debug;
  add(breadth >= 4 ? 2 : breadth >= 2 ? 1 : 0, `design/security/planning/debugging cues ${breadth}`);
  const tier: Difficulty = points >= 4 ? "maximum" : points >= 1 ? "complex" : "simple";
  return { tier, points, why };
}
