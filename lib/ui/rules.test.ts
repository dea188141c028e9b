import { describe, expect, it } from "vitest";
import { ApiError } from "./api-client";
import { conditionPhrases, issuesForRule, issuesOf, moveRule, newRule, sameRules, signed, slugify, uniqueId, type Rule } from "./rules";

const rule = (over: Partial<Rule> = {}): Rule => ({ id: "a", name: "A", enabled: true, description: "", when: {}, then: { routeId: "standard" }, ...over });

describe("rule editor helpers", () => {
  it("moves a rule up and down, clamped at the ends", () => {
    expect(moveRule(["a", "b", "c"], 2, -1)).toEqual(["a", "c", "b"]);
    expect(moveRule(["a", "b", "c"], 0, -1)).toEqual(["a", "b", "c"]);
    expect(moveRule(["a", "b", "c"], 0, 1)).toEqual(["b", "a", "c"]);
  });

  it("makes ids from names and keeps them unique", () => {
    expect(slugify("Code review (strict)")).toBe("code-review-strict");
    expect(slugify("!!!")).toBe("rule");
    expect(uniqueId("x", ["x", "x-2"])).toBe("x-3");
    expect(newRule("reasoning", [rule({ id: "new-rule" })]).id).toBe("new-rule-2");
  });

  it("summarizes conditions in words", () => {
    expect(conditionPhrases(rule({ when: { tasks: ["math", "planning"], minPromptChars: 10, maxPromptChars: 90, hasTools: false } }))).toEqual([
      "task is math or planning",
      "prompt is 10–90 chars",
      "no tools",
    ]);
    expect(conditionPhrases(rule())).toEqual([]);
  });

  it("treats empty lists and missing ones as the same rules", () => {
    expect(sameRules([rule({ when: { tasks: [] } })], [rule()])).toBe(true);
    expect(sameRules([rule()], [rule({ enabled: false })])).toBe(false);
  });

  it("reads field issues from a 400", () => {
    const err = new ApiError(400, {
      type: "error",
      error: { type: "invalid_request_error", message: "x", issues: [{ rule: 1, field: "name", message: "is required" }, { rule: 1, field: "name", message: "too long" }] } as never,
    });
    const issues = issuesOf(err);
    expect(issuesForRule(issues, 1)).toEqual({ name: "is required; too long" });
    expect(issuesForRule(issues, 0)).toEqual({});
    expect(issuesOf(new Error("x"))).toEqual([]);
  });

  it("signs deltas", () => {
    const f = (v: number) => `$${v.toFixed(2)}`;
    expect(signed(1.5, f)).toBe("+$1.50");
    expect(signed(-1.5, f)).toBe("−$1.50");
    expect(signed(0, f)).toBe("$0.00");
  });
});
