import { describe, expect, it } from "vitest";
import { RECORDABLE_CHARS } from "../recorder/build";
import { ResponseObserver } from "./stream-observer";

describe("the response observer", () => {
  it("keeps no more of a stream's answer and thinking than a record can use, however long the stream runs", () => {
    const o = new ResponseObserver();
    o.event({ type: "message_start", message: { id: "msg_1", usage: { input_tokens: 10, output_tokens: 1 } } });
    o.event({ type: "content_block_start", index: 0, content_block: { type: "thinking", thinking: "", signature: "" } });
    o.event({ type: "content_block_start", index: 1, content_block: { type: "text", text: "" } });
    // An upstream that does not stop: several times what a record stores, in 16 KiB deltas.
    const piece = "x".repeat(16 * 1024);
    const n = Math.ceil((3 * RECORDABLE_CHARS) / piece.length);
    for (let i = 0; i < n; i++) {
      o.event({ type: "content_block_delta", index: 0, delta: { type: "thinking_delta", thinking: piece } });
      o.event({ type: "content_block_delta", index: 1, delta: { type: "text_delta", text: i === 0 ? "first" : piece } });
    }
    o.event({ type: "message_delta", delta: { stop_reason: "max_tokens" }, usage: { output_tokens: 123_456 } });
    const seen = o.result();
    expect(seen.answer.length).toBe(RECORDABLE_CHARS);
    expect(seen.answer.startsWith("first")).toBe(true);
    expect(seen.thinking.length).toBe(RECORDABLE_CHARS);
    expect(seen.thinkingStatus).toBe("text");
    // What is not text is kept whole.
    expect(seen.usage?.output_tokens).toBe(123_456);
    expect(seen.stopReason).toBe("max_tokens");
  });

  it("keeps a whole message's text whole when it is within the bound", () => {
    const o = new ResponseObserver();
    o.message({ id: "m", content: [{ type: "text", text: "a" }, { type: "text", text: "b" }], stop_reason: "end_turn" });
    expect(o.result().answer).toBe("ab");
    expect(o.result().complete).toBe(true);
  });

  it("keeps the usage and text of a whole message whose content holds something that is not a block", () => {
    const o = new ResponseObserver();
    o.message({ id: "m", content: [null, 5, { type: "text", text: "kept" }] as never, stop_reason: "end_turn", usage: { input_tokens: 10, output_tokens: 5 } });
    const seen = o.result();
    expect(seen.answer).toBe("kept");
    expect(seen.usage).toEqual({ input_tokens: 10, output_tokens: 5 });
    expect(seen.complete).toBe(true);
  });
});

describe("a stream cut before the API's count", () => {
  const cut = (thinking: string, text: string, toolJson = "") => {
    const o = new ResponseObserver();
    o.event({ type: "message_start", message: { id: "msg_1", usage: { input_tokens: 30, output_tokens: 1 } } });
    o.event({ type: "content_block_start", index: 0, content_block: { type: "thinking", thinking: "", signature: "" } });
    for (let i = 0; i < thinking.length; i += 100) o.event({ type: "content_block_delta", index: 0, delta: { type: "thinking_delta", thinking: thinking.slice(i, i + 100) } });
    o.event({ type: "content_block_start", index: 1, content_block: { type: "text", text: "" } });
    o.event({ type: "content_block_delta", index: 1, delta: { type: "text_delta", text } });
    if (toolJson) {
      o.event({ type: "content_block_start", index: 2, content_block: { type: "tool_use", id: "t", name: "f", input: {} } });
      o.event({ type: "content_block_delta", index: 2, delta: { type: "input_json_delta", partial_json: toolJson } });
    }
    return o;
  };

  it("counts at least the output it relayed (about 4 characters a token), thinking included, and says the count is a floor", () => {
    const seen = cut("t".repeat(10_000), "a".repeat(400), '{"city":"Oslo"}').result();
    expect(seen.complete).toBe(false);
    expect(seen.outputEstimated).toBe(true);
    expect(seen.usage).toEqual({ input_tokens: 30, output_tokens: 2_500 + 100 + 4, output_tokens_details: { thinking_tokens: 2_500 } });
  });

  it("keeps the API's count whenever it arrived, and a complete stream's as it is", () => {
    const counted = cut("t".repeat(10_000), "a".repeat(400));
    counted.event({ type: "message_delta", delta: { stop_reason: "end_turn" }, usage: { output_tokens: 2_000 } });
    expect(counted.result()).toMatchObject({ outputEstimated: false, usage: { output_tokens: 2_000 } });
    const whole = cut("", "short");
    whole.event({ type: "message_stop" });
    expect(whole.result()).toMatchObject({ outputEstimated: false, usage: { output_tokens: 1 } });
  });
});
