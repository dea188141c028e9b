import { describe, expect, it } from "vitest";
import { AppError } from "../api/errors";
import { parseMessagesBody } from "./body";

const VALID = { model: "claude-sonnet-4-6", max_tokens: 16, messages: [{ role: "user", content: "hi" }] };

/** The 400's message for a body, or "ok". */
function verdict(body: Record<string, unknown>): string {
  try {
    parseMessagesBody(body, {});
    return "ok";
  } catch (err) {
    expect(err).toBeInstanceOf(AppError);
    return (err as AppError).message;
  }
}

describe("a Messages body's 400s name what is wrong", () => {
  it("tells a number out of range from a field that is missing", () => {
    expect(verdict({ ...VALID, max_tokens: undefined })).toBe("max_tokens: Field required");
    expect(verdict({ ...VALID, max_tokens: "16" })).toBe("max_tokens must be a number");
    expect(verdict({ ...VALID, max_tokens: 2_000_000 })).toBe("max_tokens: at most 1,000,000");
    expect(verdict({ ...VALID, max_tokens: -1 })).toBe("max_tokens must not be negative");
    expect(verdict({ ...VALID, max_tokens: 1.5 })).toBe("max_tokens must be an integer");
    expect(verdict({ ...VALID, thinking: { type: "enabled", budget_tokens: -5 } })).toBe("thinking.budget_tokens must not be negative");
  });

  it("tells too many messages from none", () => {
    expect(verdict({ ...VALID, messages: undefined })).toBe("messages: Field required");
    expect(verdict({ ...VALID, messages: "hi" })).toBe("messages must be an array of messages");
    expect(verdict({ ...VALID, messages: [] })).toBe("messages: at least one message is required");
    const many = Array.from({ length: 100_001 }, (_, i) => ({ role: i % 2 ? "assistant" : "user", content: "x" }));
    expect(verdict({ ...VALID, messages: many })).toBe("messages: at most 100,000 messages");
    expect(verdict(VALID)).toBe("ok");
  });
});
