import { describe, expect, it } from "vitest";
import { z } from "zod";
import { formatZodError, withPath } from "./error-response";

describe("validation messages name their field once", () => {
  it("prefixes a plain message with its path", () => {
    expect(withPath(["max_tokens"], "Expected number")).toBe("max_tokens: Expected number");
    expect(withPath([], "Input should be a valid dictionary")).toBe("Input should be a valid dictionary");
  });

  it("does not repeat a field the message already names", () => {
    expect(withPath(["messages"], "messages: at least one message is required")).toBe("messages: at least one message is required");
    expect(withPath(["thinking", "type"], "thinking.type must be one of enabled, disabled")).toBe("thinking.type must be one of enabled, disabled");
    expect(withPath(["messages", "0", "role"], "role must be user, assistant or system")).toBe("messages.0.role must be user, assistant or system");
    expect(withPath(["messages", "3"], "messages: all messages must have non-empty content")).toBe("messages: all messages must have non-empty content");
  });

  it("formats a zod error without 'messages: messages: …'", () => {
    const schema = z.object({ messages: z.array(z.string()).min(1, "messages: at least one message is required") });
    const res = schema.safeParse({ messages: [] });
    expect(res.success).toBe(false);
    expect(formatZodError(res.error!)).toBe("messages: at least one message is required");
  });
});

describe("callerScope", () => {
  it("is the key for a key, and the user for a browser session: two signed-in users no longer share one scope", async () => {
    const { callerScope } = await import("./wrap");
    expect(callerScope({ keyId: "key_1" })).toBe("key_1");
    expect(callerScope({ keyId: "key_1", userId: "u1" })).toBe("key_1");
    expect(callerScope({ keyId: "", userId: "u1" })).not.toBe(callerScope({ keyId: "", userId: "u2" }));
    expect(callerScope({ keyId: "", userId: "u1" })).not.toBe("");
  });
});
