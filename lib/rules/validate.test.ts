import { describe, expect, it } from "vitest";
import { AppError } from "../api/errors";
import { checkRuleSet, validateRuleSet } from "./validate";

const ROUTES = new Set(["standard", "reasoning"]);

describe("rule set validation", () => {
  it("accepts a valid draft and fills defaults", () => {
    const rules = validateRuleSet([{ id: "a", name: "A", when: { tasks: ["math"] }, then: { routeId: "reasoning" } }], ROUTES);
    expect(rules[0]).toMatchObject({ enabled: true, description: "" });
  });

  it("names the rule and the field of each problem, in plain words", () => {
    const { rules, issues } = checkRuleSet(
      [
        { id: "a", name: "A", when: { minPromptChars: 50, maxPromptChars: 10 }, then: { routeId: "nope" } },
        { id: "b", name: "", when: { colour: "red" }, then: { routeId: "standard" } },
        { id: "c", name: "C", when: { minPromptChars: "ten" }, then: { routeId: "standard" } },
      ],
      ROUTES,
    );
    expect(rules).toBeNull();
    expect(issues).toEqual([
      { rule: 0, field: "then.routeId", message: 'route "nope" does not exist; choose one of: reasoning, standard' },
      { rule: 0, field: "when.minPromptChars", message: "minPromptChars is greater than maxPromptChars" },
      { rule: 1, field: "name", message: "is required" },
      { rule: 1, field: "when", message: "unknown field: colour" },
      { rule: 2, field: "when.minPromptChars", message: "must be a whole number" },
    ]);
  });

  it("reports a rule set longer than allowed once, without checking each rule", () => {
    // 500,000 rules with one id (a viewer's test draft) made 500,000 "duplicate rule id" issues, seconds of event loop.
    const t0 = performance.now();
    expect(checkRuleSet(Array.from({ length: 500_000 }, () => ({ id: "a" })), ROUTES)).toEqual({
      rules: null,
      issues: [{ rule: null, field: "", message: "has too many entries (at most 500)" }],
    });
    expect(performance.now() - t0).toBeLessThan(500);
  });

  it("throws a 400 whose message reads on its own and whose details carry the issues", () => {
    let err: unknown;
    try {
      validateRuleSet([{ id: "a", name: "Code review", when: {}, then: { routeId: "gone" } }], ROUTES);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(AppError);
    const e = err as AppError;
    expect(e.status).toBe(400);
    expect(e.message).toBe('the rules are not valid: rule 1 "Code review": route: route "gone" does not exist; choose one of: reasoning, standard');
    expect(e.details).toEqual({ issues: [{ rule: 0, field: "then.routeId", message: expect.stringContaining("gone") }] });
  });

  it("rejects something that is not a list", () => {
    const { issues } = checkRuleSet({ rules: [] }, ROUTES);
    expect(issues[0]).toMatchObject({ rule: null, message: "must be a list" });
  });
});
