import { describe, expect, it } from "vitest";
import { calibrationAnswer, evaluate, findExpression, neededThinking } from "./calibration";

describe("simulator calibration prompts", () => {
  it("finds and evaluates the arithmetic of a prompt", () => {
    expect(findExpression("A crate holds 24 bottles. Work it out as 24 * 35 - 612. Reply.")).toBe("24 * 35 - 612");
    expect(evaluate("2 * (3 + 4 * (5 + 6 * (7 - 2))) - 99")).toBe(187);
    expect(evaluate("1161 / 9 + 12")).toBe(141);
    expect(evaluate("4 / 0")).toBeNull();
    expect(evaluate("2 +")).toBeNull();
  });

  it("solves only with enough thinking, scaled by the model's strength", () => {
    expect(neededThinking(4, "sonnet")).toBe(4096);
    expect(neededThinking(4, "haiku")).toBe(6144);
    const base = { text: "Compute 37 * 41.", difficulty: 4, line: "sonnet" as const, cap: 100_000 };
    const off = calibrationAnswer({ ...base, budget: 0 });
    const low = calibrationAnswer({ ...base, budget: 2048 });
    const enough = calibrationAnswer({ ...base, budget: 4096 });
    const more = calibrationAnswer({ ...base, budget: 16384 });
    expect(off).toMatchObject({ solved: false, thinkingTokens: 0 });
    expect(off.answer).not.toBe("The answer is 1517.");
    expect(low).toMatchObject({ solved: false, thinkingTokens: 2048 });
    expect(enough).toMatchObject({ solved: true, answer: "The answer is 1517." });
    expect(enough.thinkingTokens).toBeLessThanOrEqual(4096);
    // Past what is needed, more budget changes nothing.
    expect(more).toEqual(enough);
  });
});
