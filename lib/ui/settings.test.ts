import { describe, expect, it } from "vitest";
import { appsSummary, cacheRatesFromInput, clientLabel, parseAppList, fieldErrors, parseUnit, pricesInEffect, settingsTab, thinkingPolicySummary, type PriceView } from "./settings";

const p = (id: string, model: string, from: string): PriceView => ({
  id,
  model,
  effectiveFrom: from,
  input: 1,
  cacheWrite5m: 1,
  cacheWrite1h: 1,
  cacheRead: 1,
  output: 1,
  longContextThreshold: null,
  longInput: null,
  longCacheWrite5m: null,
  longCacheWrite1h: null,
  longCacheRead: null,
  longOutput: null,
  fastMultiplier: null,
  webSearchFee: null,
  webFetchFee: null,
  source: "",
});

describe("settings helpers", () => {
  it("marks the newest price whose date has come, per model", () => {
    const now = Date.parse("2026-06-01T00:00:00Z");
    const rows = [p("a1", "a", "2026-01-01T00:00:00Z"), p("a2", "a", "2026-05-01T00:00:00Z"), p("a3", "a", "2026-07-01T00:00:00Z"), p("b1", "b", "2025-01-01T00:00:00Z")];
    expect([...pricesInEffect(rows, now)].sort()).toEqual(["a2", "b1"]);
  });

  it("derives cache rates from the input rate", () => {
    expect(cacheRatesFromInput(3)).toEqual({ cacheWrite5m: 3.75, cacheWrite1h: 6, cacheRead: 0.3 });
  });

  it("parses a 0–1 value", () => {
    expect(parseUnit("0.25")).toBe(0.25);
    expect(parseUnit("")).toBeNull();
    expect(parseUnit("1.5")).toBeUndefined();
    expect(parseUnit("x")).toBeUndefined();
  });

  it("falls back to the first tab", () => {
    expect(settingsTab("keys")).toBe("keys");
    expect(settingsTab(["users"])).toBe("users");
    expect(settingsTab("nope")).toBe("routes");
    expect(settingsTab(undefined)).toBe("routes");
  });
});

describe("field errors", () => {
  it("splits a validation message by field", () => {
    expect(fieldErrors("budgetTokens: must be at least 1,024; model: model is required")).toEqual({ budgetTokens: "must be at least 1,024", model: "model is required" });
    expect(fieldErrors("route \"x\" does not exist")).toEqual({ "": 'route "x" does not exist' });
  });
});

describe("clients and client-thinking policies on the Settings page", () => {
  it("names the clients people know from their user-agents", () => {
    expect(clientLabel("claude-cli/2.1.3 (external, cli)")).toBe("Claude Code 2.1.3");
    expect(clientLabel("claude-cli/2.1.3 (external, sdk-ts)")).toBe("Claude Agent SDK (Claude Code 2.1.3)");
    expect(clientLabel("Anthropic/JS 1.14.0")).toBe("Anthropic JS SDK 1.14.0");
    expect(clientLabel("OpenAI/Python 2.3.0")).toBe("OpenAI Python SDK 2.3.0");
    expect(clientLabel("curl/8.5.0")).toBe("curl/8.5.0");
    expect(clientLabel("x".repeat(80))).toHaveLength(58);
  });

  it("summarises a policy; an app without one uses its key's", () => {
    expect(thinkingPolicySummary({ policy: "cap", cap: "medium" })).toBe("cap: medium");
    expect(thinkingPolicySummary({ policy: "decide", cap: null })).toBe("decide");
    expect(thinkingPolicySummary(null)).toBe("key's policy");
  });
});

describe("a key's apps as typed", () => {
  it("splits on commas and spaces; nothing typed is any app", () => {
    expect(parseAppList(" faq-bot, triage  billing ,")).toEqual(["faq-bot", "triage", "billing"]);
    expect(parseAppList(" , ")).toBeNull();
    expect(appsSummary(null)).toBe("any");
    expect(appsSummary(["faq-bot", "triage"])).toBe("faq-bot, triage");
  });
});
