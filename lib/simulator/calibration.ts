/**
 * Calibration prompts: `[[sim:difficulty=N]]` next to an arithmetic problem
 * ("Compute 37 * 41 + 12."). The simulator answers with the right value only
 * when it was given enough thinking, so an evaluation set graded by exact
 * numbers measures something real, and the same set always gives the same
 * curve (tests, demos, the calibration lab offline).
 *
 *   needed   = N × 1,024 thinking tokens × the model's strength factor
 *   budget   = budget_tokens (manual thinking), the effort's equivalent
 *              (adaptive), 0 with thinking off
 *   solved   ⇔ budget ≥ needed
 *   thinking = a little under `needed` when solved; the whole budget when not
 *              (it thought until the budget ran out)
 */
import type { ModelLine } from "@anthropic-ai/sdk/resources/models";
import { hash53 } from "./random";

/** Stronger models need less thinking for the same problem. */
const STRENGTH: Partial<Record<ModelLine, number>> = { haiku: 1.5, sonnet: 1, opus: 0.75, fable: 0.5, mythos: 0.5 };

export const TOKENS_PER_DIFFICULTY = 1_024;

export function neededThinking(difficulty: number, line: ModelLine): number {
  return Math.round(difficulty * TOKENS_PER_DIFFICULTY * (STRENGTH[line] ?? 1));
}

/** The first arithmetic expression of the text: numbers joined by + - * / × ÷ and parentheses. */
export function findExpression(text: string): string | null {
  let best: string | null = null;
  for (const m of text.matchAll(/[\d(][\d\s.+\-*/×÷()]*[\d)]/g)) {
    const candidate = m[0].trim();
    if (/\d/.test(candidate) && /[+\-*/×÷]/.test(candidate.replace(/^-/, "")) && (!best || candidate.length > best.length)) best = candidate;
  }
  return best;
}

/** Evaluates + - * / with parentheses and unary minus; null for anything else (or a division by zero). */
export function evaluate(expression: string): number | null {
  const src = expression.replace(/×/g, "*").replace(/÷/g, "/").replace(/\s+/g, "");
  let i = 0;
  const peek = () => src[i];
  function primary(): number {
    if (peek() === "(") {
      i++;
      const v = sum();
      if (peek() !== ")") throw new Error("unbalanced");
      i++;
      return v;
    }
    if (peek() === "-") {
      i++;
      return -primary();
    }
    const m = /^\d+(\.\d+)?/.exec(src.slice(i));
    if (!m) throw new Error("number expected");
    i += m[0].length;
    return Number(m[0]);
  }
  function product(): number {
    let v = primary();
    while (peek() === "*" || peek() === "/") {
      const op = src[i++];
      const r = primary();
      if (op === "/" && r === 0) throw new Error("division by zero");
      v = op === "*" ? v * r : v / r;
    }
    return v;
  }
  function sum(): number {
    let v = product();
    while (peek() === "+" || peek() === "-") {
      const op = src[i++];
      const r = product();
      v = op === "+" ? v + r : v - r;
    }
    return v;
  }
  try {
    const v = sum();
    return i === src.length && Number.isFinite(v) ? Math.round(v * 1e6) / 1e6 : null;
  } catch {
    return null;
  }
}

export interface CalibrationOutcome {
  solved: boolean;
  /** Raw thinking tokens spent (0 with thinking off). */
  thinkingTokens: number;
  answer: string;
}

/**
 * The answer to a calibration prompt. `budget` is 0 with thinking off; `cap`
 * bounds the thinking the request can hold (max_tokens room).
 */
export function calibrationAnswer(o: { text: string; difficulty: number; line: ModelLine; budget: number; cap: number }): CalibrationOutcome {
  const needed = neededThinking(o.difficulty, o.line);
  const solved = o.budget >= needed;
  const h = hash53(o.text);
  const thinkingTokens =
    o.budget <= 0 ? 0 : Math.min(o.cap, solved ? Math.max(64, Math.round(needed * (0.8 + 0.2 * ((h % 1000) / 1000)))) : o.budget);
  const expression = findExpression(o.text);
  const value = expression === null ? null : evaluate(expression);
  if (value === null) {
    return { solved, thinkingTokens, answer: solved ? "Solved: the problem has no arithmetic to state." : "I could not solve this within the thinking I had." };
  }
  // A wrong answer is off by a small, fixed amount: plausible, and never accidentally right.
  const shown = solved ? value : value + 1 + (h % 9);
  return { solved, thinkingTokens, answer: `The answer is ${shown}.` };
}
