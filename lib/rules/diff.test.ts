import { describe, expect, it } from "vitest";
import { ruleSetSchema, type Rule } from "../routing/rules";
import { diffRuleSets, isEmptyDiff } from "./diff";

const rules = (raw: unknown[]): Rule[] => ruleSetSchema.parse(raw);
const r = (id: string, extra: Record<string, unknown> = {}) => ({ id, name: id.toUpperCase(), when: {}, then: { routeId: "standard" }, ...extra });

describe("rule set diff", () => {
  it("is empty for the same rules in the same order", () => {
    const a = rules([r("a"), r("b")]);
    const d = diffRuleSets(a, rules([r("a"), r("b")]));
    expect(isEmptyDiff(d)).toBe(true);
    expect(d.unchanged).toBe(2);
  });

  it("reports added and removed rules with their positions", () => {
    const d = diffRuleSets(rules([r("a"), r("b")]), rules([r("a"), r("c")]));
    expect(d.added.map((x) => [x.rule.id, x.index])).toEqual([["c", 1]]);
    expect(d.removed.map((x) => [x.rule.id, x.index])).toEqual([["b", 1]]);
    expect(d.moved).toEqual([]);
  });

  it("reports changed fields with readable before and after values", () => {
    const before = rules([r("a", { when: { tasks: ["math"], hasTools: true }, then: { routeId: "reasoning" } })]);
    const after = rules([r("a", { enabled: false, when: { tasks: ["math", "planning"], minPromptChars: 100 }, then: { routeId: "reasoning-deep" } })]);
    const d = diffRuleSets(before, after);
    expect(d.changed).toHaveLength(1);
    expect(d.changed[0]!.fields).toEqual([
      { field: "enabled", label: "Enabled", before: "on", after: "off" },
      { field: "when.tasks", label: "Tasks", before: "math", after: "math, planning" },
      { field: "when.minPromptChars", label: "Min prompt chars", before: "any", after: "100" },
      { field: "when.hasTools", label: "Has tools", before: "yes", after: "any" },
      { field: "then.routeId", label: "Route", before: "reasoning", after: "reasoning-deep" },
    ]);
  });

  it("reports the fewest moved rules when the order changes", () => {
    // Moving d to the top shifts a, b and c down by one, but only d moved.
    const d = diffRuleSets(rules([r("a"), r("b"), r("c"), r("d")]), rules([r("d"), r("a"), r("b"), r("c")]));
    expect(d.moved).toEqual([{ id: "d", name: "D", from: 4, to: 1 }]);
    expect(d.changed).toEqual([]);
    const swap = diffRuleSets(rules([r("a"), r("b")]), rules([r("b"), r("a")]));
    expect(swap.moved).toHaveLength(1);
  });

  it("does not count an insertion as a move", () => {
    const d = diffRuleSets(rules([r("a"), r("b")]), rules([r("x"), r("a"), r("b")]));
    expect(d.moved).toEqual([]);
    expect(d.added).toHaveLength(1);
  });
});

describe("escalation in the diff", () => {
  it("reports an escalation policy switched on", () => {
    const before = rules([r("a")]);
    const after = rules([r("a", { escalate: { onLowConfidence: true } })]);
    const d = diffRuleSets(before, after);
    expect(d.changed[0]!.fields).toEqual([
      { field: "escalate", label: "Escalation", before: "off", after: "on max_tokens, refusal, low confidence, hedging > 25/1k words → reasoning tier route" },
    ]);
  });

  it("reports changes the words do not spell out: a JSON schema edited, a failure-score bound, list items that hold a comma", () => {
    const schema = (key: string) => ({ escalate: { jsonSchema: { type: "object", required: [key] } } });
    const edited = diffRuleSets(rules([r("a", schema("a"))]), rules([r("a", schema("b"))]));
    expect(isEmptyDiff(edited)).toBe(false);
    // The summary says "JSON schema" both times: the values show the change.
    const [field] = edited.changed[0]!.fields;
    expect(field!.field).toBe("escalate");
    expect([field!.before, field!.after].map((t) => JSON.parse(t).jsonSchema.required)).toEqual([["a"], ["b"]]);

    const bound = diffRuleSets(rules([r("a", { escalate: { maxFailureScore: 0.5 } })]), rules([r("a", { escalate: { maxFailureScore: 0.9 } })]));
    expect(bound.changed[0]!.fields[0]!.after).toContain("failure score > 0.9");

    const comma = diffRuleSets(rules([r("a", { when: { tasks: ["a", "b"] } })]), rules([r("a", { when: { tasks: ["a, b"] } })]));
    expect(comma.changed[0]!.fields).toEqual([{ field: "when.tasks", label: "Tasks", before: '["a","b"]', after: '["a, b"]' }]);
    // Key order is not a change.
    const reordered = diffRuleSets(rules([r("a", { escalate: { jsonSchema: { type: "object", required: ["a"] } } })]), rules([r("a", { escalate: { jsonSchema: { required: ["a"], type: "object" } } })]));
    expect(isEmptyDiff(reordered)).toBe(true);
  });
});
