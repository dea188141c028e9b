import { describe, expect, it } from "vitest";
import { foldEvent, initialRunState, type RunState } from "./stream";

const run = (events: unknown[]): RunState => events.reduce<RunState>((s, e) => foldEvent(s, e), { ...initialRunState, phase: "waiting" });

describe("foldEvent", () => {
  it("builds thinking and answer from deltas and takes the last usage", () => {
    const s = run([
      { type: "message_start", message: { model: "claude-opus-4-7", usage: { input_tokens: 15, output_tokens: 1 } } },
      { type: "content_block_start", index: 0, content_block: { type: "thinking", thinking: "" } },
      { type: "content_block_delta", index: 0, delta: { type: "thinking_delta", thinking: "I think " } },
      { type: "content_block_delta", index: 0, delta: { type: "thinking_delta", thinking: "it is 7 × 13." } },
      { type: "content_block_delta", index: 0, delta: { type: "signature_delta", signature: "sig" } },
      { type: "content_block_start", index: 1, content_block: { type: "text", text: "" } },
      { type: "content_block_delta", index: 1, delta: { type: "text_delta", text: "No: 91 = 7 × 13." } },
      { type: "message_delta", delta: { stop_reason: "end_turn" }, usage: { output_tokens: 40, output_tokens_details: { thinking_tokens: 25 } } },
      { type: "message_delta", delta: {}, usage: { output_tokens: 42, output_tokens_details: { thinking_tokens: 25 } } },
      { type: "message_stop" },
    ]);
    expect(s).toMatchObject({
      phase: "done", model: "claude-opus-4-7", thinking: "I think it is 7 × 13.", answer: "No: 91 = 7 × 13.",
      stopReason: "end_turn", inputTokens: 15, outputTokens: 42, thinkingTokens: 25, thinkingBlocks: 1, thinkingRedacted: false,
    });
  });

  it("notes redacted thinking, which has no text", () => {
    const s = run([{ type: "content_block_start", index: 0, content_block: { type: "redacted_thinking", data: "xyz" } }]);
    expect(s.thinkingRedacted).toBe(true);
    expect(s.thinking).toBe("");
  });

  it("ends in error on an error event", () => {
    const s = run([{ type: "message_start", message: {} }, { type: "error", error: { type: "overloaded_error", message: "Overloaded" } }]);
    expect(s.phase).toBe("error");
    expect(s.error).toEqual({ type: "overloaded_error", message: "Overloaded" });
  });

  it("ignores pings and unknown events", () => {
    expect(run([{ type: "ping" }, { type: "future_event" }]).phase).toBe("waiting");
  });
});
