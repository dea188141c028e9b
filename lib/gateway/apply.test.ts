import { describe, expect, it } from "vitest";
import type { MessagesBody } from "../routing/request";
import type { Decision, RouteConfig } from "../routing/types";
import { applyDecision } from "./apply";

const reasoning: RouteConfig = {
  id: "reasoning",
  name: "Reasoning",
  tier: "reasoning",
  model: "claude-opus-4-7",
  thinking: "on",
  budgetTier: "complex",
  budgetTokens: null,
  effort: null,
  display: "summarized",
  minMaxTokens: null,
};
const standard: RouteConfig = { ...reasoning, id: "standard", name: "Standard", tier: "standard", model: "*", thinking: "off", budgetTier: null };
const decision = (route: RouteConfig | null, extra: Partial<Decision> = {}): Decision => ({ tier: route?.tier ?? "standard", stage: "rule", reason: "test", route, ...extra });

const body = (extra: Partial<MessagesBody> = {}): MessagesBody => ({
  model: "claude-sonnet-4-6",
  max_tokens: 1024,
  messages: [{ role: "user", content: "hi" }],
  ...extra,
});

describe("applying a decision to the upstream body", () => {
  it("forwards fields it does not know, unchanged", () => {
    const b = body({ metadata: { user_id: "u1" }, some_future_field: { nested: [1, 2] }, container: "c1" });
    const out = applyDecision(b, decision(reasoning)).body;
    expect(out.some_future_field).toEqual({ nested: [1, 2] });
    expect(out.metadata).toEqual({ user_id: "u1" });
    expect(out.container).toBe("c1");
    expect(b.model).toBe("claude-sonnet-4-6"); // the client's body is not mutated
  });

  it("turns a reasoning route into the model's thinking configuration and notes every change", () => {
    const a = applyDecision(body(), decision(reasoning));
    expect(a.model).toBe("claude-opus-4-7");
    expect(a.body.thinking).toEqual({ type: "adaptive", display: "summarized" });
    expect(a.body.output_config).toEqual({ effort: "high" });
    expect(a.body.max_tokens).toBeGreaterThan(1024);
    expect(a.adjustments.join("\n")).toMatch(/max_tokens raised from 1024/);
    expect(a.adjustments.join("\n")).toMatch(/model claude-sonnet-4-6 → claude-opus-4-7/);
  });

  it("keeps the requested model on a '*' route and turns thinking off", () => {
    const a = applyDecision(body({ thinking: { type: "enabled", budget_tokens: 2000 } }), decision(standard));
    expect(a.model).toBe("claude-sonnet-4-6");
    expect(a.body.thinking).toEqual({ type: "disabled" });
    expect(a.adjustments.join("\n")).toMatch(/client's thinking/);
  });

  it("removes the clear_thinking edit Claude Code sends when it turns thinking off (the API's 400 otherwise), and keeps other edits", () => {
    const clearThinking = { type: "clear_thinking_20251015", keep: "all" };
    const clearTools = { type: "clear_tool_uses_20250919" };
    const cc = body({ thinking: { type: "adaptive", display: "omitted" }, output_config: { effort: "high" }, context_management: { edits: [clearThinking] } });
    const off = applyDecision(cc, decision(standard));
    expect(off.body.thinking).toEqual({ type: "disabled" });
    expect(off.body.context_management).toBeUndefined();
    expect(off.adjustments.join("\n")).toMatch(/clear_thinking_20251015 removed/);
    expect(applyDecision({ ...cc, context_management: { edits: [clearThinking, clearTools] } }, decision(standard)).body.context_management).toEqual({ edits: [clearTools] });
    // Thinking on: the edit stays, as it does on a model that thinks when thinking is omitted (the pin of a conversation on it).
    expect(applyDecision(cc, decision(reasoning)).body.context_management).toEqual({ edits: [clearThinking] });
    const pinned = decision(null, { stage: "pinned", pinned: { routeId: null, model: "claude-opus-5-5" } });
    expect(applyDecision({ ...cc, model: "claude-opus-5-5" }, pinned).body.context_management).toEqual({ edits: [clearThinking] });
    // The client's own configuration is not corrected behind its back.
    const own = body({ thinking: { type: "disabled" }, context_management: { edits: [clearThinking] } });
    expect(applyDecision(own, decision(null, { stage: "client" })).body.context_management).toEqual({ edits: [clearThinking] });
    // The client's body is not changed in place.
    expect(cc.context_management).toEqual({ edits: [clearThinking] });
  });

  it("passes the client's thinking through for a model whose capabilities are unknown", () => {
    const a = applyDecision(body({ model: "claude-next-gen", thinking: { type: "adaptive" } }), decision(standard));
    expect(a.body.thinking).toEqual({ type: "adaptive" });
  });

  it("removes sampling parameters of an older-version client when thinking turns on, and says so", () => {
    const a = applyDecision(body({ temperature: 0.3, top_k: 5 }), decision(reasoning));
    expect("temperature" in a.body).toBe(false);
    expect("top_k" in a.body).toBe(false);
    expect(a.adjustments.filter((x) => x.includes("removed"))).toHaveLength(2);
    const kept = applyDecision(body({ temperature: 0.3 }), decision(standard));
    expect(kept.body.temperature).toBe(0.3);
  });

  it("replays a pinned conversation's configuration exactly, making room for its budget", () => {
    const pinned = { routeId: "old", model: "claude-sonnet-4-5", thinking: { type: "enabled", budget_tokens: 8000 } };
    const a = applyDecision(body({ max_tokens: 2000 }), decision(null, { stage: "pinned", pinned }));
    expect(a.model).toBe("claude-sonnet-4-5");
    expect(a.body.thinking).toEqual(pinned.thinking);
    expect(a.body.max_tokens).toBeGreaterThan(8000);
  });

  it("replays the max_tokens a pinned adaptive-thinking conversation was raised to, so a later call's answer is not cut short", () => {
    const pinned = { routeId: "reasoning", model: "claude-opus-4-7", thinking: { type: "adaptive", display: "summarized" }, effort: "high" as const, maxTokens: 16_000 };
    const a = applyDecision(body({ max_tokens: 600 }), decision(null, { stage: "pinned", pinned }));
    expect(a.body.max_tokens).toBe(16_000);
    expect(a.adjustments.join("\n")).toMatch(/max_tokens raised from 600 to 16000/);
    // A client that already asks for more keeps its own value.
    expect(applyDecision(body({ max_tokens: 20_000 }), decision(null, { stage: "pinned", pinned })).body.max_tokens).toBe(20_000);
  });

  it("forwards an unknown conversation as the client sent it", () => {
    const b = body({ thinking: { type: "adaptive" }, output_config: { effort: "low" } });
    const a = applyDecision(b, decision(null, { stage: "pinned" }));
    expect(a.body).toEqual(b);
    expect(a.adjustments).toEqual([]);
  });
});

describe("routes and the requested model", () => {
  const reasoning = { id: "reasoning", name: "Reasoning", tier: "reasoning" as const, model: "claude-opus-4-7", thinking: "on" as const, budgetTier: "complex" as const, budgetTokens: null, effort: null, display: "summarized" as const, minMaxTokens: null };
  const decision = { tier: "reasoning" as const, stage: "rule" as const, reason: "r", route: reasoning };
  const body = (model: string) => ({ model, max_tokens: 1000, messages: [{ role: "user", content: "hi" }] });

  it("never downgrades a newer requested model of the route's line", () => {
    const a = applyDecision(body("claude-opus-4-8"), decision);
    expect(a.model).toBe("claude-opus-4-8");
    expect(a.adjustments.join("\n")).toMatch(/kept claude-opus-4-8: route "reasoning" names claude-opus-4-7/);
  });

  it("leaves thinking off for a request ending in an assistant prefill, and never moves it to a model that refuses prefills", () => {
    const prefilled = { ...body("claude-sonnet-4-6"), messages: [{ role: "user", content: "hi" }, { role: "assistant", content: "{" }] };
    const a = applyDecision(prefilled, decision);
    expect(a.model).toBe("claude-opus-4-7");
    expect(a.body.thinking).toEqual({ type: "disabled" });
    expect(a.adjustments.join("\n")).toMatch(/thinking left off: the request ends with an assistant prefill/);
    const toOpus55 = applyDecision(prefilled, { ...decision, route: { ...reasoning, model: "claude-opus-5-5" } });
    expect(toOpus55.model).toBe("claude-sonnet-4-6");
    expect(toOpus55.adjustments.join("\n")).toMatch(/kept claude-sonnet-4-6: the request ends with an assistant prefill/);
    // A final assistant turn that opens with its thinking block is a continuation, not a prefill: thinking stays on.
    const continued = { ...prefilled, messages: [prefilled.messages[0]!, { role: "assistant", content: [{ type: "thinking", thinking: "t", signature: "s" }, { type: "text", text: "{" }] }] };
    expect(applyDecision(continued, decision).body.thinking).toEqual({ type: "adaptive", display: "summarized" });
  });

  it("never moves a forced tool_choice to a model that could only take it as auto, and turns thinking off for it where it stays", () => {
    for (const type of ["any", "tool"]) {
      const forced = { ...body("claude-sonnet-4-6"), tool_choice: { type, ...(type === "tool" ? { name: "extract" } : {}) } };
      // Opus 5.5 thinks always and refuses a forced tool_choice with thinking.
      const toOpus55 = applyDecision(forced, { ...decision, route: { ...reasoning, model: "claude-opus-5-5" } });
      expect(toOpus55.model).toBe("claude-sonnet-4-6");
      expect(toOpus55.body.tool_choice).toEqual(forced.tool_choice);
      expect(toOpus55.body.thinking).toEqual({ type: "disabled" });
      expect(toOpus55.adjustments.join("\n")).toMatch(new RegExp(`kept claude-sonnet-4-6: the request forces tool_choice "${type}"`));
      // Sonnet 5.5 turns thinking off for it (between_tools), and Fable 5.2 takes it with adaptive thinking: moved as named.
      expect(applyDecision(forced, { ...decision, route: { ...reasoning, model: "claude-sonnet-5-5" } }).model).toBe("claude-sonnet-5-5");
      expect(applyDecision(forced, { ...decision, route: { ...reasoning, model: "claude-fable-5-2" } }).model).toBe("claude-fable-5-2");
      // Asked of a model that cannot take it either, the route's model stays and the choice becomes auto.
      const fromFable51 = applyDecision({ ...body("claude-fable-5-1"), tool_choice: { type: "any" } }, { ...decision, route: { ...reasoning, model: "claude-opus-5-5" } });
      expect(fromFable51.model).toBe("claude-opus-5-5");
      expect(fromFable51.body.tool_choice).toEqual({ type: "auto" });
    }
  });

  it("applies the named model to an older one or another line", () => {
    expect(applyDecision(body("claude-opus-4-6"), decision).model).toBe("claude-opus-4-7");
    expect(applyDecision(body("claude-sonnet-5"), decision).model).toBe("claude-opus-4-7");
    expect(applyDecision(body("claude-opus-4-7"), decision).model).toBe("claude-opus-4-7");
  });
});
