import { describe, expect, it } from "vitest";
import { keywordRules } from "./keywords";

describe("keyword-rules baseline", () => {
  it("needs two reasoning markers that outnumber standard cues", () => {
    expect(keywordRules("Prove the bound and derive the complexity.").tier).toBe("reasoning");
    expect(keywordRules("Prove it.").tier).toBe("standard");
    expect(keywordRules("Summarize and translate this security advisory.").tier).toBe("standard");
  });

  it("counts code, stack traces and quantitative questions as markers", () => {
    const r = keywordRules("Why does this fail?\n```\nTraceback (most recent call last):\n  File \"a.py\", line 3\nKeyError: 'x'\n```");
    expect(r.tier).toBe("reasoning");
    expect(r.reason).toMatch(/stack-trace 1/);
    expect(keywordRules("Tom has 3 apples, buys 5 more and gives away 2. How many does he have?").tier).toBe("reasoning");
  });
});
