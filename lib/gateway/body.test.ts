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
    expect(await refusal({ model: "m", max_tokens: "16", messages: [hi] })).toBe("max_tokens must be a number");
    expect(await refusal({ model: "m", max_tokens: 1, messages: "hi" })).toBe("messages must be an array of messages");
    expect(await refusal({ model: "m", max_tokens: -1, messages: [hi] })).toBe("max_tokens must not be negative");
    expect(await refusal({ model: "m", max_tokens: 2_000_000, messages: [hi] })).toBe("max_tokens: at most 1,000,000");
    expect(await refusal({ model: "m", max_tokens: 1.5, messages: [hi] })).toMatch(/max_tokens must be an integer/);
    expect(await refusal({ model: "m", max_tokens: 1, messages: Array(100_001).fill(hi) })).toBe("messages: at most 100,000 messages");
    expect(await refusal({ model: "m", max_tokens: 1, messages: [] })).toMatch(/at least one message/);
    expect(await refusal({ model: "m", max_tokens: 1, messages: [hi], thinking: { type: "enabled", budget_tokens: -5 } })).toBe("thinking.budget_tokens must not be negative");
  });

  it("names the message at fault by its place in the whole conversation, past the first slice checked", async () => {
    const messages = (bad: unknown, at: number) => Array.from({ length: 3000 }, (_, i) => (i === at ? bad : hi));
    expect(await refusal({ model: "m", max_tokens: 1, messages: messages({ role: "robot", content: "x" }, 2500) })).toMatch(/^messages\.2500\.role must be user, assistant or system/);
    expect(await refusal({ model: "m", max_tokens: 1, messages: messages({ role: "user", content: [{ type: "text", text: "" }] }, 1999) })).toMatch(/^messages\.1999\.content\.0\.text/);
    expect(await refusal({ model: "m", max_tokens: 1, messages: messages({ role: "user", content: [] }, 1200) })).toMatch(/^messages\.1200: all messages must have non-empty content/);
    expect(await refusal({ model: "m", max_tokens: 1, messages: [{ role: "user", content: [...Array(1500).fill({ type: "text", text: "a" }), { type: "text" }] }] })).toMatch(
      /^messages\.0\.content\.1500\.text/,
    );
    expect(await refusal({ model: "m", max_tokens: 1, system: [{ type: "text", text: "a" }, { text: "b" }], messages: [hi] })).toMatch(/^system\.1\.type: each content block needs a type/);
    expect(await refusal({ model: "m", max_tokens: 1, messages: [{ role: "user", content: 7 }] })).toBe("messages.0.content must be a string or an array of content blocks");
    // The final assistant message may be empty (a prefill to continue from).
    expect((await parseMessagesBody({ model: "m", max_tokens: 1, messages: [hi, { role: "assistant", content: "" }] }, {})).messages).toHaveLength(2);
  });

  it("checks tools as the API does: names, schemas, uniqueness and the tool choice, naming the tool at fault", async () => {
    const t = (name: string) => ({ name, input_schema: { type: "object" } });
    const base = { model: "m", max_tokens: 1, messages: [hi] };
    const many = Array.from({ length: 2500 }, (_, i) => t(`tool_${i}`));
    expect((await parseMessagesBody({ ...base, tools: many, tool_choice: { type: "tool", name: "tool_2499" } }, {})).tools).toHaveLength(2500);
    expect(await refusal({ ...base, tools: [...many.slice(0, 2100), t("bad name")] })).toBe("tools.2100.name: tool names must match ^[a-zA-Z0-9_-]{1,128}$");
    expect(await refusal({ ...base, tools: [...many.slice(0, 1500), { name: "x" }] })).toBe("tools.1500.input_schema: custom tools need an input_schema object");
    expect(await refusal({ ...base, tools: [...many.slice(0, 1200), t("tool_7")] })).toBe("tools.1200.name: tool names must be unique");
    expect(await refusal({ ...base, tools: [...many.slice(0, 1001), { input_schema: {} }] })).toMatch(/^tools\.1001\.name: every tool needs a name/);
    expect(await refusal({ ...base, tools: "all" })).toBe("tools must be an array of tool definitions");
    // Server tools are the API's business: no name pattern or schema asked of them.
    expect((await parseMessagesBody({ ...base, tools: [{ type: "web_search_20250305", name: "web_search" }] }, {})).tools).toHaveLength(1);
    expect(await refusal({ ...base, tool_choice: { type: "any" } })).toBe("tool_choice may only be specified while providing tools");
    expect(await refusal({ ...base, tools: many.slice(0, 3), tool_choice: { type: "tool", name: "nope" } })).toBe("tool_choice.name: tool_choice names a tool that is not one of the provided tools");
    expect((await parseMessagesBody({ ...base, tool_choice: { type: "none" } }, {})).tool_choice).toEqual({ type: "none" });
  });
});
