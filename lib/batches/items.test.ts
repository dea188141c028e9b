import { describe, expect, it } from "vitest";
import type { RoutingSnapshot } from "../routing/pipeline";
import { compileRule, ruleSetSchema } from "../routing/rules";
import { testSnapshot } from "../routing/test-snapshot";
import { routeItems, type BatchCaller } from "./items";
import type { BatchItem } from "./validate";

const snapshot: RoutingSnapshot = testSnapshot({
  rules: ruleSetSchema
    .parse([
      { id: "r-words", name: "security words", when: { promptContains: ["threat model"] }, then: { routeId: "reasoning" } },
      { id: "r-check", name: "checked answers", when: { promptContains: ["check me"] }, then: { routeId: "standard" }, escalate: { answerPattern: "ok" } },
    ])
    .map(compileRule),
});

const caller = (headers: Record<string, string> = {}): BatchCaller => ({
  principal: { keyId: "key_1", role: "gateway", name: "batch key" },
  scope: "key_1",
  headers,
  createdAt: new Date("2026-12-01T10:00:00Z"),
});

const item = (customId: string, content: unknown, extra: Record<string, unknown> = {}): BatchItem => ({
  customId,
  params: { model: "claude-sonnet-4-6", max_tokens: 1000, messages: [{ role: "user", content }], ...extra },
});

describe("routeItems", () => {
  it("gives each item the decision a Messages request would get and applies its route to the params", async () => {
    const [hard, easy] = await routeItems([item("hard", "Write a threat model for our login flow"), item("easy", "Say hello", { temperature: 0.2 })], caller(), snapshot);
    expect(hard!.customId).toBe("hard");
    expect(hard!.params.model).toBe("claude-opus-4-7");
    expect(hard!.params.thinking).toBeTruthy();
    expect(hard!.skeleton.decision).toMatchObject({ stage: "rule", ruleId: "r-words", tier: "reasoning", routeId: "reasoning" });
    expect(hard!.skeleton.applied).toMatchObject({ model: "claude-opus-4-7", thinking: hard!.params.thinking });

    expect(easy!.params.model).toBe("claude-sonnet-4-6");
    expect(easy!.params.thinking?.type ?? "disabled").toBe("disabled");
    expect(easy!.params.temperature).toBe(0.2);
    expect(easy!.skeleton.decision).toMatchObject({ stage: "default", tier: "standard", routeId: "standard" });
  });

  it("makes a record skeleton per item: its own fixed id, the key, via batch, not streamed, no outcome yet", async () => {
    const [a, b] = await routeItems([item("a", "one"), item("b", "two")], caller(), snapshot);
    expect(a!.requestId).toMatch(/^req_/);
    expect(a!.requestId).not.toBe(b!.requestId);
    expect(a!.skeleton).toMatchObject({ requestId: a!.requestId, via: "batch", keyId: "key_1", createdAt: Date.parse("2026-12-01T10:00:00Z"), hops: [] });
    expect(a!.skeleton.request).toEqual({ model: "claude-sonnet-4-6", maxTokens: 1000, messageCount: 1, stream: false });
    expect(a!.skeleton.routable?.prompt).toBe("one");
    expect("outcome" in a!.skeleton).toBe(false);
  });

  it("takes the batch request's headers for every item (a forced tier, the app)", async () => {
    const [x] = await routeItems([item("x", "Say hello")], caller({ "thinkgate-tier": "reasoning", "thinkgate-app": "nightly" }), snapshot);
    expect(x!.skeleton.decision).toMatchObject({ stage: "override", tier: "reasoning" });
    expect(x!.skeleton.routable?.app).toBe("nightly");
    expect(x!.params.model).toBe("claude-opus-4-7");
  });

  it("drops escalation, which a batch cannot do, and says so", async () => {
    const [x] = await routeItems([item("x", "please check me")], caller(), snapshot);
    expect(x!.skeleton.decision).toMatchObject({ stage: "rule", tier: "standard" });
    expect(x!.skeleton.applied?.adjustments).toContain("no escalation for a batch item: its answer cannot be checked before it is served");
  });

  it("looks up no pins: a tool loop's continuation is forwarded as sent", async () => {
    const continuation = item("t", "", {
      messages: [
        { role: "user", content: "weather?" },
        { role: "assistant", content: [{ type: "tool_use", id: "tu_1", name: "w", input: {} }] },
        { role: "user", content: [{ type: "tool_result", tool_use_id: "tu_1", content: "sunny" }] },
      ],
      tools: [{ name: "w", input_schema: { type: "object" } }],
    });
    // No database here: nothing was held back.
    const [x] = await routeItems([continuation], caller(), snapshot, { getMany: async () => new Map() });
    expect(x!.skeleton.decision).toMatchObject({ stage: "pinned", routeId: null });
    expect(x!.params.model).toBe("claude-sonnet-4-6");
    expect(x!.skeleton.conversation?.toolResults).toEqual([{ toolUseId: "tu_1", content: "sunny", isError: false }]);
  });

  it("redacts the texts the skeleton keeps, as the recorder would", async () => {
    const [x] = await routeItems([item("x", "Mail jane.doe@example.com the threat model")], caller(), snapshot);
    expect(x!.skeleton.routable?.prompt).not.toContain("jane.doe@example.com");
    expect(x!.skeleton.routable?.prompt).toContain("[redacted:");
    // What goes upstream is the client's text.
    expect(JSON.stringify(x!.params.messages)).toContain("jane.doe@example.com");
  });
});
