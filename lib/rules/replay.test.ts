import { describe, expect, it } from "vitest";
import { pickPrice } from "../pricing/cost";
import type { PriceRow } from "../pricing/seed";
import type { RoutingSnapshot } from "../routing/pipeline";
import { compileRule, ruleSetSchema } from "../routing/rules";
import type { RouteConfig } from "../routing/types";
import { replay, thinkingTierOf, type ReplayRecord } from "./replay";

const route = (id: string, tier: "standard" | "reasoning", model: string, budgetTier: RouteConfig["budgetTier"] = null): RouteConfig => ({
  id,
  name: id,
  tier,
  model,
  thinking: tier === "reasoning" ? "on" : "off",
  budgetTier,
  budgetTokens: null,
  effort: null,
  display: "summarized",
  minMaxTokens: null,
});

const price = (model: string, input: number, output: number): PriceRow => ({
  model,
  effectiveFrom: new Date("2026-01-01T00:00:00Z"),
  input,
  cacheWrite5m: input * 1.25,
  cacheWrite1h: input * 2,
  cacheRead: input / 10,
  output,
  longContextThreshold: null,
  longInput: null,
  longCacheWrite5m: null,
  longCacheWrite1h: null,
  longCacheRead: null,
  longOutput: null,
  fastMultiplier: null,
  webSearchFee: null,
  webFetchFee: null,
  source: "test",
});
const PRICES = [price("claude-sonnet-4-6", 3, 15), price("claude-opus-4-7", 5, 25)];
const priceFor = (model: string, at: Date) => pickPrice(PRICES, model, at);

function snapshot(rules: unknown[]): RoutingSnapshot {
  return {
    routes: new Map([
      ["standard", route("standard", "standard", "*")],
      ["reasoning", route("reasoning", "reasoning", "claude-opus-4-7", "complex")],
      ["reasoning-deep", route("reasoning-deep", "reasoning", "claude-opus-4-7", "maximum")],
    ]),
    rules: ruleSetSchema.parse(rules).map(compileRule),
    apps: new Map(),
    tierRoutes: { standard: "standard", reasoning: "reasoning" },
    defaultRouteId: "standard",
  };
}

const ACTIVE = snapshot([
  { id: "sum", name: "Summaries reason", when: { tasks: ["summarize"] }, then: { routeId: "reasoning" } },
  { id: "math", name: "Math", when: { tasks: ["math"] }, then: { routeId: "reasoning" } },
]);
const DRAFT = snapshot([
  { id: "review", name: "Code review", when: { tasks: ["code-review"] }, then: { routeId: "reasoning" } },
  { id: "math", name: "Math", when: { tasks: ["math"] }, then: { routeId: "reasoning-deep" } },
]);

const T0 = Date.parse("2026-11-20T10:00:00Z");
let n = 0;
function rec(over: Partial<ReplayRecord> & { minutes: number }): ReplayRecord {
  const { minutes, ...rest } = over;
  return {
    id: `req_${String(++n).padStart(3, "0")}`,
    createdAt: new Date(T0 + minutes * 60_000),
    prompt: "Some prompt",
    system: null,
    task: null,
    app: null,
    requestedModel: "claude-sonnet-4-6",
    hasTools: false,
    stage: "default",
    textCleared: false,
    tier: "standard",
    routeId: "standard",
    buckets: { input: 1000, cacheWrite5m: 0, cacheWrite1h: 0, cacheRead: 0, output: 500, thinking: 0 },
    costTotal: (1000 * 3 + 500 * 15) / 1e6,
    counterfactualCost: null,
    ...rest,
  };
}

const reasoned = { tier: "reasoning", routeId: "reasoning", stage: "rule", buckets: { input: 1000, cacheWrite5m: 0, cacheWrite1h: 0, cacheRead: 0, output: 500, thinking: 9000 }, costTotal: (1000 * 5 + 9500 * 25) / 1e6 };

describe("what-if replay", () => {
  const records = [
    // standard → reasoning: priced with the stored counterfactual (the tier's reasoning route)
    rec({ minutes: 120, task: "code-review", counterfactualCost: 0.5 }),
    // reasoning → standard: thinking removed, on the requested model's price
    rec({ minutes: 100, task: "summarize", ...reasoned }),
    // reasoning → another reasoning route: its own thinking dropped, the maximum tier's typical thinking added
    rec({ minutes: 60, task: "math", ...reasoned }),
    // unpriced model: changes, but its delta is unknown, not $0
    rec({ minutes: 30, task: "code-review", requestedModel: "claude-unknown-1", costTotal: null }),
    // unchanged
    rec({ minutes: 0, task: "qa" }),
    // skipped: a forced tier, a pinned conversation, a request rejected before routing
    rec({ minutes: 500, task: "code-review", stage: "override" }),
    rec({ minutes: 501, task: "code-review", stage: "pinned" }),
    rec({ minutes: 502, stage: "none" }),
    // skipped: its text cleared by the retention (re-decided on an empty prompt it would count as a change)
    rec({ minutes: 503, task: "code-review", prompt: null, textCleared: true }),
  ];

  it("counts what changes tier or route, and skips overrides, pins, undecided requests and cleared text", async () => {
    const r = await replay({ records, active: ACTIVE, draft: DRAFT, priceFor });
    expect(r.considered).toBe(9);
    expect(r.replayed).toBe(5);
    expect(r.skipped).toEqual({ override: 1, pinned: 1, undecided: 1, cleared: 1 });
    expect(r.changed).toEqual({ total: 4, toReasoning: 2, toStandard: 1, routeOnly: 1 });
    expect(r.changes.map((c) => c.kind)).toEqual(["to_reasoning", "to_standard", "route", "to_reasoning"]);
    const math = r.changes[2]!;
    expect(math.before).toMatchObject({ tier: "reasoning", routeId: "reasoning", ruleId: "math", stage: "rule" });
    expect(math.after).toMatchObject({ tier: "reasoning", routeId: "reasoning-deep", ruleId: "math" });
    expect(r.changes[0]!.promptPreview).toBe("Some prompt");
  });

  it("estimates each changed request's cost on its new route and scales the delta to a day", async () => {
    const r = await replay({ records, active: ACTIVE, draft: DRAFT, priceFor });
    const [toReasoning, toStandard, routeOnly, unpriced] = r.changes;
    expect(toReasoning!.before.cost).toBeCloseTo(0.0105, 9);
    expect(toReasoning!.after.cost).toBe(0.5);
    expect(toStandard!.before.cost).toBeCloseTo(0.2425, 9);
    expect(toStandard!.after.cost).toBeCloseTo((1000 * 3 + 500 * 15) / 1e6, 9);
    expect(routeOnly!.after.cost).toBeCloseTo((1000 * 5 + (500 + 20_000) * 25) / 1e6, 9);
    expect(unpriced!.costDelta).toBeNull();
    expect(r.cost.pricedChanges).toBe(3);
    expect(r.cost.unpricedChanges).toBe(1);
    const total = 0.4895 - 0.232 + 0.275;
    expect(r.cost.deltaTotal).toBeCloseTo(total, 9);
    // The replayed requests span two hours: twelve such windows a day.
    expect(r.window.days).toBeCloseTo(2 / 24, 9);
    expect(r.cost.deltaPerDay).toBeCloseTo(total * 12, 6);
  });

  it("reports nothing when the draft equals the active rules, and lists at most maxListed changes", async () => {
    const same = await replay({ records, active: ACTIVE, draft: ACTIVE, priceFor });
    expect(same.changed.total).toBe(0);
    expect(same.cost.deltaPerDay).toBe(0);
    const capped = await replay({ records, active: ACTIVE, draft: DRAFT, priceFor, maxListed: 1 });
    expect(capped.changes).toHaveLength(1);
    expect(capped.truncated).toBe(true);
    expect(capped.changed.total).toBe(4);
  });

  it("floors the window at one hour so a burst does not extrapolate wildly", async () => {
    const burst = [rec({ minutes: 0, task: "code-review", counterfactualCost: 0.1 }), rec({ minutes: 0.01, task: "code-review", counterfactualCost: 0.1 })];
    const r = await replay({ records: burst, active: ACTIVE, draft: DRAFT, priceFor });
    expect(r.window.days).toBeCloseTo(1 / 24, 9);
    expect(r.cost.deltaPerDay).toBeCloseTo(r.cost.deltaTotal * 24, 9);
  });

  it("handles no stored requests", async () => {
    const r = await replay({ records: [], active: ACTIVE, draft: DRAFT, priceFor });
    expect(r).toMatchObject({ considered: 0, replayed: 0, changes: [], window: { from: null, to: null, days: 0 } });
  });

  it("picks a budget tier for routes that state tokens or effort instead", () => {
    const base = route("x", "reasoning", "m");
    expect(thinkingTierOf({ ...base, budgetTokens: 2048 })).toBe("simple");
    expect(thinkingTierOf({ ...base, budgetTokens: 12_000 })).toBe("complex");
    expect(thinkingTierOf({ ...base, effort: "max" })).toBe("maximum");
    expect(thinkingTierOf(base)).toBe("complex");
  });
});
