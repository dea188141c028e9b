import { describe, expect, it } from "vitest";
import { AppError } from "../api/errors";
import { parseMessagesBody } from "./body";

const hi = { role: "user", content: "hi" };

function refusal(body: unknown): string {
  try {
    parseMessagesBody(body, {});
  } catch (err) {
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).type).toBe("invalid_request_error");
    return (err as AppError).message;
  }
  throw new Error("the body was accepted");
}

describe("parseMessagesBody", () => {
  it("accepts the API's bounds: 100,000 messages, max_tokens 0 and 1,000,000", () => {
    expect(parseMessagesBody({ model: "m", max_tokens: 0, messages: Array(100_000).fill(hi) }, {}).messages).toHaveLength(100_000);
    expect(parseMessagesBody({ model: "m", max_tokens: 1_000_000, messages: [hi] }, {}).max_tokens).toBe(1_000_000);
  });

  it("says a field is missing only when it is, and which bound a present value breaks", () => {
    expect(refusal({ model: "m", messages: [hi] })).toMatch(/max_tokens: Field required/);
    expect(refusal({ model: "m", max_tokens: 1 })).toMatch(/messages: Field required/);
    expect(refusal({ model: "m", max_tokens: -1, messages: [hi] })).toMatch(/max_tokens must be at least 0/);
    expect(refusal({ model: "m", max_tokens: 2_000_000, messages: [hi] })).toMatch(/max_tokens must be at most 1000000/);
    expect(refusal({ model: "m", max_tokens: 1.5, messages: [hi] })).toMatch(/max_tokens must be an integer/);
    expect(refusal({ model: "m", max_tokens: 1, messages: Array(100_001).fill(hi) })).toMatch(/messages: at most 100000 messages/);
    expect(refusal({ model: "m", max_tokens: 1, messages: [] })).toMatch(/at least one message/);
    expect(refusal({ model: "m", max_tokens: 1, messages: [hi], thinking: { type: "enabled", budget_tokens: -5 } })).toMatch(/budget_tokens must be at least 0/);
  });
});
