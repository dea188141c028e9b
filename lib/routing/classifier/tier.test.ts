import { describe, expect, it } from "vitest";
import { extractFeatures } from "./features";
import { difficultyOf, DIFFICULTY_TIERS } from "./tier";

const tierOf = (text: string, score = 0.8) => difficultyOf(extractFeatures(text).structure, score).tier;

// Labelled tier cases: written for this rule, not measured (see tier.ts).
describe("difficulty tier", () => {
  it("simple: a short word problem or a one-line question", () => {
    expect(tierOf("A robe takes 2 bolts of blue fiber and half that much white fiber. How many bolts in total does it take?")).toBe("simple");
    expect(tierOf("Is 2^61 - 1 prime?")).toBe("simple");
  });

  it("complex: a plan under a few constraints", () => {
    expect(tierOf("Plan a 3-day trip to Rome on a budget of $900. We must see the Vatican and can't walk more than 10 km a day.")).toBe("complex");
  });

  it("maximum: scheduling under a list of constraints, with sub-questions", () => {
    const text = `Design a rotation for 5 nurses covering 3 shifts a day for 4 weeks. Rules:
- nobody works more than 5 shifts in any 7 days
- at least 11 hours between two shifts
- night shifts come in blocks of 2 or 3
- every nurse gets one full weekend off
Is this feasible? If not, what is the smallest change that makes it feasible?`;
    expect(tierOf(text)).toBe("maximum");
  });

  it("complex: debugging with code and a stack trace", () => {
    const text = `This fails in production only. Why, and how do I fix it?
\`\`\`
Traceback (most recent call last):
  File "etl.py", line 54, in transform
    total += float(r["amount"])
ValueError: could not convert string to float: '1,234.50'
\`\`\``;
    expect(tierOf(text)).toBe("complex");
  });

  it("maximum: a long multi-part design and proof task with code", () => {
    const code = "```ts\n" + Array.from({ length: 70 }, (_, i) => `const v${i} = compute(${i});`).join("\n") + "\n```\n";
    const text =
      "Prove that the scheduler below never starves a job, derive its worst-case complexity step by step, and design a replacement that must scale to 10k jobs per second. " +
      "Constraints: it must be idempotent, at most one worker per job, no more than 2 ms per decision, every retry must be logged, each tenant gets a fair share.\n" +
      code +
      "Why does it deadlock under load? What are the failure modes? How would you test it? What would you change first?";
    expect(tierOf(text, 0.99)).toBe("maximum");
  });

  it("maps tiers to the documented budgets and effort", () => {
    expect(DIFFICULTY_TIERS.simple.budgetRange).toEqual([2000, 4000]);
    expect(DIFFICULTY_TIERS.complex.budgetRange).toEqual([8000, 16000]);
    expect(DIFFICULTY_TIERS.maximum.budgetRange).toEqual([16000, 32000]);
    for (const t of Object.values(DIFFICULTY_TIERS)) {
      expect(t.budgetTokens).toBeGreaterThanOrEqual(t.budgetRange[0]);
      expect(t.budgetTokens).toBeLessThanOrEqual(t.budgetRange[1]);
    }
  });
});
