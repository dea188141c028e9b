import { describe, expect, it } from "vitest";
import { itemRecord, outcomeOf, relayResults } from "./results";

const message = {
  id: "msg_1",
  type: "message",
  role: "assistant",
  model: "claude-opus-4-7",
  content: [
    { type: "thinking", thinking: "Let me think.", signature: "sig" },
    { type: "text", text: "The answer." },
  ],
  stop_reason: "end_turn",
  usage: { input_tokens: 10, output_tokens: 50, output_tokens_details: { thinking_tokens: 30 }, service_tier: "batch" },
};

describe("a result line's outcome", () => {
  it("takes a succeeded item's usage, answer, thinking and stop reason", () => {
    const o = outcomeOf({ custom_id: "a", result: { type: "succeeded", message } })!;
    expect(o).toMatchObject({ status: "ok", httpStatus: 200, errorType: null, upstreamRequestId: "msg_1" });
    expect(o.observed).toMatchObject({ answer: "The answer.", thinking: "Let me think.", stopReason: "end_turn", usage: { service_tier: "batch", output_tokens: 50 } });
  });

  it("records an errored item with its error type and the status of that type; canceled and expired as errors of their own", () => {
    expect(outcomeOf({ custom_id: "a", result: { type: "errored", error: { error: { type: "invalid_request_error", message: "bad" } } } })).toEqual({
      status: "error",
      httpStatus: 400,
      errorType: "invalid_request_error",
      errorMessage: "bad",
    });
    expect(outcomeOf({ custom_id: "a", result: { type: "canceled" } })).toMatchObject({ status: "error", httpStatus: 499, errorType: "canceled" });
    expect(outcomeOf({ custom_id: "a", result: { type: "expired" } })).toMatchObject({ status: "error", httpStatus: 504, errorType: "expired" });
    expect(outcomeOf({ custom_id: "a", result: { type: "something new" } })).toBeNull();
  });

  it("completes the skeleton into a RecordInput with the outcome", () => {
    const skeleton = { requestId: "req_x", via: "batch", createdAt: 0, keyId: "k", request: null, routable: null, decision: null, applied: null, hops: [], reasoning: null };
    const r = itemRecord(skeleton, outcomeOf({ custom_id: "a", result: { type: "succeeded", message } })!);
    expect(r).toMatchObject({ requestId: "req_x", via: "batch", outcome: { status: "ok", latencyMs: 0, observed: { answer: "The answer." } } });
  });
});

describe("relaying the results", () => {
  it("passes a line of 16 MB on whole, in time linear in its length", async () => {
    const piece = new Uint8Array(64 * 1024).fill(120);
    const pieces = 256;
    async function* body() {
      yield new TextEncoder().encode("not json\nx");
      for (let i = 0; i < pieces; i++) yield piece;
      yield new TextEncoder().encode("\nlast");
    }
    const started = performance.now();
    const out: string[] = [];
    // Lines that are not JSON are relayed and not recorded: no database is asked.
    for await (const text of relayResults("msgbatch_x", "key_x", body())) out.push(text);
    const ms = performance.now() - started;
    const whole = out.join("");
    expect(whole.length).toBe("not json\nx".length + pieces * piece.length + "\nlast".length);
    expect(whole.split("\n").map((l) => l.length)).toEqual([8, 1 + pieces * piece.length, 4]);
    // Searched whole at every piece, it took ~10 s here; linear, a few tens of milliseconds.
    expect(ms).toBeLessThan(2_000);
  });
});
