import { describe, expect, it } from "vitest";
import { BINDING_BETA, dropStaleHeld, heldKey, holdBack, putBack, StreamThinkingFilter } from "./hidden-thinking";
import { SseParser } from "./sse";

const thinking = { type: "thinking", thinking: "Let me think.", signature: "sig-1" };
const redacted = { type: "redacted_thinking", data: "opaque" };
const text = { type: "text", text: "The answer." };
const tool = { type: "tool_use", id: "toolu_1", name: "Read", input: { path: "a.ts" } };

describe("held-back thinking", () => {
  it("takes thinking blocks out and puts them back, unmodified, where they stood", () => {
    const content = [thinking, text, redacted, tool];
    const { visible, held } = holdBack(content);
    expect(visible).toEqual([text, tool]);
    expect(putBack(visible, held)).toEqual(content);
  });

  it("keys an answer by its tool_use ids, else by its text, per caller; nothing visible has no key", () => {
    expect(heldKey("k", [thinking, tool])).toBe(heldKey("k", [{ ...tool, input: { other: 1 } }]));
    expect(heldKey("k", [tool])).not.toBe(heldKey("k2", [tool]));
    expect(heldKey("k", [text])).toBe(heldKey("k", "The answer."));
    expect(heldKey("k", [thinking])).toBeNull();
  });

  it("filters a stream: no thinking events, later blocks renumbered from 0, the held blocks rebuilt from their deltas", () => {
    const ev = (name: string, data: object) => `event: ${name}\ndata: ${JSON.stringify(data)}\n\n`;
    const upstream =
      ev("message_start", { type: "message_start", message: { id: "msg_1", content: [] } }) +
      ev("content_block_start", { type: "content_block_start", index: 0, content_block: { type: "thinking", thinking: "", signature: "" } }) +
      ev("content_block_delta", { type: "content_block_delta", index: 0, delta: { type: "thinking_delta", thinking: "Let me " } }) +
      ev("content_block_delta", { type: "content_block_delta", index: 0, delta: { type: "thinking_delta", thinking: "think." } }) +
      ev("content_block_delta", { type: "content_block_delta", index: 0, delta: { type: "signature_delta", signature: "sig-1" } }) +
      ev("content_block_stop", { type: "content_block_stop", index: 0 }) +
      "event: ping\ndata: {\"type\":\"ping\"}\n\n" +
      ev("content_block_start", { type: "content_block_start", index: 1, content_block: { type: "text", text: "" } }) +
      ev("content_block_delta", { type: "content_block_delta", index: 1, delta: { type: "text_delta", text: "The answer." } }) +
      ev("content_block_stop", { type: "content_block_stop", index: 1 }) +
      ev("message_stop", { type: "message_stop" });
    const filter = new StreamThinkingFilter();
    const out = new SseParser().push(upstream).map((f) => filter.frame(f)).join("");
    const frames = new SseParser().push(out).map((f) => JSON.parse(f.data) as { type: string; index?: number; content_block?: { type: string } });
    expect(frames.map((f) => f.type)).toEqual(["message_start", "ping", "content_block_start", "content_block_delta", "content_block_stop", "message_stop"]);
    expect(frames.filter((f) => f.index !== undefined).every((f) => f.index === 0)).toBe(true);
    expect(out).not.toContain("thinking");
    // What is kept is the block as the API sent it whole.
    expect((filter as unknown as { hiddenAt: Map<number, { block: unknown }> }).hiddenAt.get(0)!.block).toEqual(thinking);
  });
});

describe("held thinking put back under a changed prefix", () => {
  const body = (thinking?: Record<string, unknown>) => ({ model: "claude-opus-5-5", max_tokens: 100, messages: [{ role: "user", content: "hi" }], ...(thinking ? { thinking } : {}) });

  it("asks the API to drop blocks bound to another prefix, with the beta the setting needs, added to the client's", () => {
    const out = dropStaleHeld(body({ type: "adaptive", display: "summarized" }), { "anthropic-beta": "files-api-2025-04-14", "anthropic-version": "2026-10-21" });
    expect(out.body.thinking).toEqual({ type: "adaptive", display: "summarized", block_binding: { prefix_mismatch_behavior: "drop_block" } });
    expect(out.headers).toEqual({ "anthropic-beta": `files-api-2025-04-14,${BINDING_BETA}`, "anthropic-version": "2026-10-21" });
    expect(dropStaleHeld(body({ type: "enabled", budget_tokens: 2048 }), { "anthropic-beta": BINDING_BETA }).headers["anthropic-beta"]).toBe(BINDING_BETA);
  });

  it("leaves thinking off, and a binding already named, as they are", () => {
    for (const b of [body(), body({ type: "disabled" }), body({ type: "between_tools" }), body({ type: "adaptive", block_binding: { prefix_mismatch_behavior: "error" } })]) {
      expect(dropStaleHeld(b, {})).toEqual({ body: b, headers: {} });
    }
  });
});
