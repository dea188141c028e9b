import { describe, expect, it } from "vitest";
import type { Attempt } from "./messages";
import { buildRecord } from "../recorder/build";
import { recordContext, recordInput } from "./record";

const attempt = (): Attempt => ({
  requestId: "req_roundtrip",
  via: "openai",
  createdAt: new Date("2026-11-20T10:11:12.345Z"),
  started: performance.now(),
  keyId: "key_1",
  authenticated: true,
  body: { model: "claude-sonnet-4-6", max_tokens: 512, stream: true, messages: [{ role: "user", content: "Is 91 prime?" }] } as never,
  routable: { model: "claude-sonnet-4-6", prompt: "Is 91 prime? mail me at a@b.example", system: "Be brief.", hasTools: false, hasThinkingBlocks: false, pendingToolResult: false, conversationKey: "k", turnKey: "k", background: false, task: "math" },
  decision: { tier: "reasoning", stage: "rule", reason: "task math", ruleId: "reasoning-tasks", route: { id: "reasoning", name: "Reasoning" } as never },
  applied: { body: { max_tokens: 4096 } as never, model: "claude-opus-4-7", thinking: { type: "adaptive" }, effort: "high", adjustments: ["max_tokens raised"] },
  hops: [{ kind: "classifier", routeId: null, model: "claude-haiku-4-5", usage: { input_tokens: 40, output_tokens: 5 } }],
});

describe("record input", () => {
  it("is plain JSON: the row rebuilt from the spooled line equals the row built in memory", () => {
    const input = recordInput(attempt(), {
      status: "ok",
      latencyMs: 42,
      httpStatus: 200,
      errorType: null,
      errorMessage: null,
      upstreamRequestId: "req_up",
      ttftMs: 9,
      observed: { usage: { input_tokens: 20, output_tokens: 300 }, stopReason: "end_turn", answer: "No: 7 × 13.", thinking: "Check small primes. 7 divides it.", thinkingStatus: "text", needsPin: true, streamError: null, complete: true, messageId: "msg_1" },
    });
    const line = JSON.stringify(input);
    expect(line).not.toContain("\n");
    const direct = buildRecord(input, recordContext());
    const replayed = buildRecord(JSON.parse(line), recordContext());
    expect(replayed).toEqual(direct);
    expect(direct.createdAt.toISOString()).toBe("2026-11-20T10:11:12.345Z");
    expect(direct).toMatchObject({ id: "req_roundtrip", via: "openai", requestedModel: "claude-sonnet-4-6", servedModel: "claude-opus-4-7", maxTokensSent: 4096, stream: true, latencyMs: 42, task: "math" });
    expect(JSON.parse(direct.hops)).toHaveLength(2);
  });
});
