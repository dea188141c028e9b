import { describe, expect, it } from "vitest";
import { AppError } from "../api/errors";
import { parseMessagesBody } from "./body";

const hi = { role: "user", content: "hi" };

async function refusal(body: unknown): Promise<string> {
  try {
    await parseMessagesBody(body, {});
  } catch (err) {
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).type).toBe("invalid_request_error");
    return (err as AppError).message;
  }
  throw new Error("the body was accepted");
}

describe("parseMessagesBody", () => {
  it("accepts the API's bounds: 100,000 messages, max_tokens 0 and 1,000,000", async () => {
    expect((await parseMessagesBody({ model: "m", max_tokens: 0, messages: Array(100_000).fill(hi) }, {})).messages).toHaveLength(100_000);
    expect((await parseMessagesBody({ model: "m", max_tokens: 1_000_000, messages: [hi] }, {})).max_tokens).toBe(1_000_000);
  });

  it("says a field is missing only when it is, and which bound a present value breaks", async () => {
    expect(await refusal({ model: "m", messages: [hi] })).toMatch(/max_tokens: Field required/);
    expect(await refusal({ model: "m", max_tokens: 1 })).toMatch(/messages: Field required/);
    expect(await refusal({ model: "m", max_tokens: -1, messages: [hi] })).toMatch(/max_tokens must be at least 0/);
    expect(await refusal({ model: "m", max_tokens: 2_000_000, messages: [hi] })).toMatch(/max_tokens must be at most 1000000/);
    expect(await refusal({ model: "m", max_tokens: 1.5, messages: [hi] })).toMatch(/max_tokens must be an integer/);
    expect(await refusal({ model: "m", max_tokens: 1, messages: Array(100_001).fill(hi) })).toMatch(/messages: at most 100000 messages/);
    expect(await refusal({ model: "m", max_tokens: 1, messages: [] })).toMatch(/at least one message/);
    expect(await refusal({ model: "m", max_tokens: 1, messages: [hi], thinking: { type: "enabled", budget_tokens: -5 } })).toMatch(/budget_tokens must be at least 0/);
  });

  it("names the message at fault by its place in the whole conversation, past the first slice checked", async () => {
    const messages = (bad: unknown, at: number) => Array.from({ length: 3000 }, (_, i) => (i === at ? bad : hi));
    expect(await refusal({ model: "m", max_tokens: 1, messages: messages({ role: "robot", content: "x" }, 2500) })).toMatch(/^messages\.2500\.role must be user, assistant or system/);
    expect(await refusal({ model: "m", max_tokens: 1, messages: messages({ role: "user", content: [{ type: "text", text: "" }] }, 1999) })).toMatch(/^messages\.1999\.content\.0\.text/);
    expect(await refusal({ model: "m", max_tokens: 1, messages: messages({ role: "user", content: [] }, 1200) })).toMatch(/^messages\.1200: all messages must have non-empty content/);
    // The final assistant message may be empty (a prefill to continue from).
    expect((await parseMessagesBody({ model: "m", max_tokens: 1, messages: [hi, { role: "assistant", content: "" }] }, {})).messages).toHaveLength(2);
  });
});
