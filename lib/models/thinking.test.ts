import { describe, expect, it } from "vitest";
import { validateMessagesRequest } from "../simulator/validate";
import { builtinCapabilities } from "./capabilities";
import { allModelIds, EFFORTS, modelInfo } from "./catalog";
import { effortForBudget, planThinking, TIER_BUDGETS, type BudgetTier, type ThinkingIntent, type ThinkingPlan } from "./thinking";

const HEADERS = { "anthropic-version": "2026-10-21" };
const TOOL = { name: "get_weather", description: "Weather", input_schema: { type: "object", properties: { city: { type: "string" } } } };

/** The request a gateway would send after applying the plan. */
function requestFor(model: string, plan: ThinkingPlan, toolChoice?: { type: string; name?: string }): Record<string, unknown> {
  return {
    model,
    max_tokens: plan.maxTokens,
    messages: [{ role: "user", content: "Compare two database migration strategies." }],
    ...(plan.thinking ? { thinking: plan.thinking } : {}),
    ...(plan.effort ? { output_config: { effort: plan.effort } } : {}),
    ...(toolChoice ? { tools: [TOOL], tool_choice: plan.toolChoice ?? toolChoice } : {}),
  };
}

const tiers: BudgetTier[] = ["simple", "complex", "maximum"];
const intents: [string, ThinkingIntent][] = [
  ["off", { thinking: "off" }],
  ["on (model default)", { thinking: "on", display: "summarized" }],
  ...tiers.flatMap((t): [string, ThinkingIntent][] => [
    [`on ${t} summarized`, { thinking: "on", budgetTier: t, display: "summarized" }],
    [`on ${t} omitted`, { thinking: "on", budgetTier: t, display: "omitted" }],
  ]),
  ...EFFORTS.map((e): [string, ThinkingIntent] => [`on effort ${e}`, { thinking: "on", effort: e, display: "summarized" }]),
  ["on budget 500", { thinking: "on", budgetTokens: 500, display: "summarized" }],
  ["on budget 50000", { thinking: "on", budgetTokens: 50_000, display: "summarized" }],
  ["on budget 200000", { thinking: "on", budgetTokens: 200_000, display: "summarized" }],
];
const toolChoices: (undefined | { type: string; name?: string })[] = [undefined, { type: "auto" }, { type: "any" }, { type: "tool", name: "get_weather" }];
const maxTokensCases = [1024, 16_000, 300_000];

describe("planThinking × every catalog model", () => {
  const cases = allModelIds().flatMap((model) => intents.map(([label, intent]) => [model, label, intent] as const));
  it.each(cases)("%s, intent %s: the planned request passes the API's validation", (model, _label, intent) => {
    const caps = builtinCapabilities(model);
    for (const toolChoice of toolChoices) {
      for (const maxTokens of maxTokensCases) {
        const plan = planThinking({ model, caps, intent, maxTokens, toolChoice });
        const err = validateMessagesRequest(requestFor(model, plan, toolChoice), HEADERS);
        expect(err?.message ?? null, `tool_choice ${toolChoice?.type}, max_tokens ${maxTokens}: ${plan.adjustments.join("; ")}`).toBeNull();
        expect(plan.maxTokens).toBeLessThanOrEqual(modelInfo(model)!.maxOutputTokens);
        const type = plan.thinking?.type;
        if (intent.thinking === "on" && !toolChoice) {
          // Thinking on is honoured, with the display asked for.
          expect(["adaptive", "enabled"]).toContain(type);
          expect(plan.thinking!.display).toBe(intent.display);
        }
        if (intent.thinking === "off" && modelInfo(model)!.capabilities.thinking.types.disabled.supported) expect(type).toBe("disabled");
        if (maxTokens > modelInfo(model)!.maxOutputTokens) expect(plan.adjustments.join(" ")).toMatch(/max_tokens lowered/);
      }
    }
  });
});

const plan = (model: string, intent: ThinkingIntent, maxTokens = 1024, toolChoice?: { type: string }) =>
  planThinking({ model, caps: builtinCapabilities(model), intent, maxTokens, toolChoice });
const on = (extra: Partial<Extract<ThinkingIntent, { thinking: "on" }>> = {}): ThinkingIntent => ({ thinking: "on", display: "summarized", ...extra });

describe("planThinking rules", () => {
  it("maps tiers to budgets on manual-only models and makes room in max_tokens", () => {
    const p = plan("claude-sonnet-4-5", on({ budgetTier: "complex" }));
    expect(p.thinking).toEqual({ type: "enabled", budget_tokens: TIER_BUDGETS.complex, display: "summarized" });
    expect(p.maxTokens).toBe(16_384);
    expect(p.adjustments).toContain("max_tokens raised from 1024 to 16384 to fit a 12288-token thinking budget");
    expect(p.effort).toBeUndefined(); // Sonnet 4.5 takes no effort
  });

  it("shrinks a budget that cannot fit under the model's maximum output", () => {
    const p = plan("claude-sonnet-4-5", on({ budgetTokens: 200_000 }));
    expect(p.maxTokens).toBe(64_000);
    expect(p.thinking!.budget_tokens).toBe(64_000 - 4_096);
    expect(p.adjustments.join(" ")).toMatch(/thinking budget lowered from 200000 to 59904/);
  });

  it("raises a budget below the API minimum", () => {
    expect(plan("claude-haiku-4-5", on({ budgetTokens: 500 })).thinking!.budget_tokens).toBe(1024);
  });

  it("maps tiers to effort on adaptive models: simple → medium, complex → high, maximum → xhigh", () => {
    expect(plan("claude-opus-4-7", on({ budgetTier: "simple" })).effort).toBe("medium");
    expect(plan("claude-opus-4-7", on({ budgetTier: "complex" })).effort).toBe("high");
    expect(plan("claude-opus-4-7", on({ budgetTier: "maximum" })).effort).toBe("xhigh");
    expect(plan("claude-opus-4-7", on({ budgetTier: "maximum" })).thinking).toEqual({ type: "adaptive", display: "summarized" });
    expect(effortForBudget(1024)).toBe("low");
    expect(effortForBudget(64_000)).toBe("max");
  });

  it("uses max for the maximum tier where xhigh is missing (Opus 4.6, Mythos Preview), and says so", () => {
    const p = plan("claude-opus-4-6", on({ budgetTier: "maximum" }));
    expect(p.effort).toBe("max");
    expect(p.adjustments.join(" ")).toMatch(/effort xhigh is not supported by claude-opus-4-6; using max/);
    expect(plan("claude-mythos-preview", on({ budgetTier: "maximum" })).effort).toBe("max");
  });

  it("prefers adaptive over the deprecated enabled where both exist (Opus/Sonnet 4.6)", () => {
    expect(plan("claude-sonnet-4-6", on({ budgetTokens: 8_000 })).thinking!.type).toBe("adaptive");
  });

  it("turns thinking off with the value each model accepts", () => {
    const opus47 = plan("claude-opus-4-7", { thinking: "off" });
    expect(opus47.thinking).toEqual({ type: "disabled" });
    expect(opus47.effort).toBeUndefined();
    expect(plan("claude-opus-5", { thinking: "off" })).toMatchObject({ thinking: { type: "disabled" }, effort: "high" });
    expect(plan("claude-haiku-5-5", { thinking: "off" })).toMatchObject({ thinking: { type: "disabled" }, effort: "medium" });
    expect(plan("claude-sonnet-5-5", { thinking: "off" })).toMatchObject({ thinking: { type: "between_tools" }, effort: "high" });
  });

  it("records that thinking cannot be turned off on always-on models and uses the lowest effort", () => {
    for (const model of ["claude-opus-5-5", "claude-fable-5-2", "claude-mythos-5-1", "claude-mythos-preview"]) {
      const p = plan(model, { thinking: "off" });
      expect(p.thinking).toEqual({ type: "adaptive" });
      expect(p.effort).toBe("low");
      expect(p.adjustments.join(" ")).toMatch(/thinking cannot be turned off/);
    }
  });

  it("handles a forced tool_choice where thinking is rejected with it", () => {
    // Manual thinking never allows forced tool use: thinking goes off.
    expect(plan("claude-sonnet-4-5", on(), 1024, { type: "any" }).thinking).toEqual({ type: "disabled" });
    // Sonnet 5.5 rejects forced tool use with thinking: off is between_tools.
    expect(plan("claude-sonnet-5-5", on(), 1024, { type: "tool" }).thinking!.type).toBe("between_tools");
    // Opus 5.5 cannot turn thinking off: tool_choice becomes auto.
    const p = plan("claude-opus-5-5", on(), 1024, { type: "any" });
    expect(p.thinking!.type).toBe("adaptive");
    expect(p.toolChoice).toEqual({ type: "auto" });
    expect(p.adjustments.join(" ")).toMatch(/tool_choice "any" replaced by "auto"/);
    // Adaptive models without the rule take a forced tool_choice but skip thinking for it, and a tool loop
    // continuing the call with thinking on would lack its block: off where it can be turned off.
    const skip = plan("claude-opus-4-7", on(), 1024, { type: "any" });
    expect(skip.thinking).toEqual({ type: "disabled" });
    expect(skip.adjustments.join(" ")).toMatch(/skips thinking for tool_choice "any"/);
    expect(plan("claude-fable-5-2", on(), 1024, { type: "any" }).thinking!.type).toBe("adaptive");
  });

  it("passes the client's configuration through for a model nobody knows", () => {
    const p = plan("claude-future-9", on({ budgetTier: "complex" }), 2048);
    expect(p).toMatchObject({ passthrough: true, maxTokens: 2048 });
    expect(p.thinking).toBeUndefined();
    expect(p.effort).toBeUndefined();
  });
});
