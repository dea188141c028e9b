import { describe, expect, it } from "vitest";
import { validateMessagesRequest } from "./validate";

const V2026 = { "anthropic-version": "2026-10-21" };
const V2023 = { "anthropic-version": "2023-06-01" };
const base = (extra: Record<string, unknown> = {}) => ({
  model: "claude-opus-4-7",
  max_tokens: 1024,
  messages: [{ role: "user", content: "Hello" }],
  ...extra,
});
const tools = [{ name: "get_weather", input_schema: { type: "object" } }];

/** The error a body gets: [status, type, message]; null when valid. */
function check(body: unknown, headers: Record<string, string> = V2026, countTokens = false) {
  const err = validateMessagesRequest(body, headers, { countTokens });
  return err ? ([err.status, err.type, err.message] as const) : null;
}
const msg = (body: unknown, headers?: Record<string, string>) => check(body, headers)?.[2] ?? null;

describe("validateMessagesRequest", () => {
  it("accepts a minimal valid request", () => {
    expect(check(base())).toBeNull();
  });

  it("refuses a top-level field the API does not know, as the API does; beta-only fields pass", () => {
    expect(check(base({ temprature: 0.5 }))).toEqual([400, "invalid_request_error", "temprature: Extra inputs are not permitted"]);
    expect(msg(base({ response_format: { type: "json_object" } }))).toBe("response_format: Extra inputs are not permitted");
    expect(check(base({ context_management: { edits: [] }, service_tier: "auto", metadata: { user_id: "u" } }))).toBeNull();
    expect(check({ ...base({ extra: 1 }), max_tokens: undefined }, V2026, true)).toEqual([400, "invalid_request_error", "extra: Extra inputs are not permitted"]);
  });

  it("accepts the safeguards Claude Code sends in plan and auto mode", () => {
    const safeguards = [{ type: "dangerous_tool_use", classifier_context: { v: 1, permission_mode: "plan", rules: { allow: [], deny: [], ask: [] } } }];
    expect(check(base({ safeguards }), { ...V2026, "anthropic-beta": "claude-code-20250219,dangerous-tool-use-2026-09-03" })).toBeNull();
  });

  it("refuses a context-management edit that clears thinking when thinking is off, as the API does", () => {
    const edits = { edits: [{ type: "clear_thinking_20251015", keep: "all" }] };
    expect(msg(base({ thinking: { type: "disabled" }, context_management: edits }))).toBe("`clear_thinking_20251015` strategy requires `thinking` to be enabled or adaptive");
    expect(msg(base({ context_management: edits }))).toBe("`clear_thinking_20251015` strategy requires `thinking` to be enabled or adaptive");
    expect(check(base({ thinking: { type: "adaptive" }, context_management: edits }))).toBeNull();
    expect(check(base({ thinking: { type: "disabled" }, context_management: { edits: [{ type: "clear_tool_uses_20250919" }] } }))).toBeNull();
  });

  it("requires a known anthropic-version header", () => {
    expect(msg(base(), {})).toBe("anthropic-version: header is required");
    expect(msg(base(), { "anthropic-version": "2024-99-99" })).toMatch(/is not a valid version/);
  });

  it("requires a body object, a model, and a known model (404)", () => {
    expect(msg([])).toBe("Input should be a valid dictionary");
    expect(msg({ max_tokens: 10, messages: [] })).toBe("model: Field required");
    expect(msg(base({ model: 42 }))).toBe("model: Input should be a valid string");
    expect(check(base({ model: "claude-nope" }))).toEqual([404, "not_found_error", "model: claude-nope"]);
  });

  it("checks max_tokens: required integer, ≥ 0 (0 pre-warms), ≤ the model's maximum output", () => {
    expect(msg(base({ max_tokens: undefined }))).toBe("max_tokens: Field required");
    expect(msg(base({ max_tokens: 1.5 }))).toBe("max_tokens: Input should be a valid integer");
    expect(msg(base({ max_tokens: -1 }))).toBe("max_tokens: Input should be greater than or equal to 0");
    expect(check(base({ max_tokens: 0 }))).toBeNull();
    expect(msg(base({ model: "claude-sonnet-4-5", max_tokens: 64_001 }))).toBe(
      "max_tokens: 64001 > 64000, which is the maximum allowed number of output tokens for claude-sonnet-4-5-20250929",
    );
    expect(check(base({ max_tokens: undefined }), V2026, true)).toBeNull(); // count_tokens has no max_tokens
  });

  it("refuses max_tokens and stream on count_tokens, which has neither (reference §2.6), as extra inputs", () => {
    expect(check(base({}), V2026, true)).toEqual([400, "invalid_request_error", "max_tokens: Extra inputs are not permitted"]);
    expect(check(base({ max_tokens: undefined, stream: false }), V2026, true)).toEqual([400, "invalid_request_error", "stream: Extra inputs are not permitted"]);
    expect(check(base({ stream: true }))).toBeNull();
  });

  it("checks messages: non-empty list, roles, content shapes", () => {
    expect(msg(base({ messages: undefined }))).toBe("messages: Field required");
    expect(msg(base({ messages: "hi" }))).toBe("messages: Input should be a valid list");
    expect(msg(base({ messages: [] }))).toBe("messages: at least one message is required");
    expect(msg(base({ messages: [{ role: "bot", content: "x" }] }))).toBe("messages.0.role: Input should be 'user', 'assistant' or 'system'");
    expect(msg(base({ messages: [{ role: "user" }] }))).toBe("messages.0.content: Field required");
    expect(msg(base({ messages: [{ role: "user", content: 5 }] }))).toBe("messages.0.content: Input should be a valid string or a valid list");
    expect(msg(base({ messages: [{ role: "user", content: "" }] }))).toMatch(/non-empty content/);
    expect(msg(base({ messages: [{ role: "user", content: [{ type: "text", text: "" }] }] }))).toBe("messages: text content blocks must be non-empty");
    expect(msg(base({ messages: [{ role: "user", content: [{ text: "x" }] }] }))).toBe("messages.0.content.0.type: Field required");
    // Mid-conversation system messages are allowed (§2.2).
    expect(check(base({ messages: [{ role: "user", content: "a" }, { role: "system", content: "be brief" }, { role: "user", content: "b" }] }))).toBeNull();
  });

  it("refuses a tool call left unanswered and a tool result that answers no call, with the API's wording", () => {
    const call = (id: string) => ({ type: "tool_use", id, name: "get_weather", input: {} });
    const result = (id: string) => ({ type: "tool_result", tool_use_id: id, content: "sunny" });
    const loop = (assistant: unknown[], user: unknown[]) =>
      base({ tools, messages: [{ role: "user", content: "Weather?" }, { role: "assistant", content: assistant }, { role: "user", content: user }] });
    expect(check(loop([call("toolu_a"), call("toolu_b")], [result("toolu_b"), result("toolu_a")]))).toBeNull();
    expect(msg(loop([call("toolu_a"), call("toolu_b")], [result("toolu_a"), { type: "text", text: "and?" }]))).toBe(
      "messages.1: `tool_use` ids were found without `tool_result` blocks immediately after: toolu_b. Each `tool_use` block must have a corresponding `tool_result` block in the next message.",
    );
    expect(msg(loop([call("toolu_a")], [result("toolu_a"), result("toolu_zz")]))).toBe(
      "messages.2.content.1: unexpected `tool_use_id` found in `tool_result` blocks: toolu_zz. Each `tool_result` block must have a corresponding `tool_use` block in the previous message.",
    );
    expect(msg(base({ messages: [{ role: "user", content: [result("toolu_x")] }] }))).toMatch(/^messages\.0\.content\.0: unexpected `tool_use_id`/);
    // Consecutive same-role messages are one turn: the call and its answer may each be split.
    const split = base({
      tools,
      messages: [
        { role: "user", content: "Weather?" },
        { role: "assistant", content: [{ type: "text", text: "Checking." }] },
        { role: "assistant", content: [call("toolu_a")] },
        { role: "user", content: [result("toolu_a")] },
        { role: "user", content: "Thanks" },
      ],
    });
    expect(check(split)).toBeNull();
    // An answer two turns late is an orphan: it must follow its call at once.
    const late = base({
      tools,
      messages: [
        { role: "user", content: "Weather?" },
        { role: "assistant", content: [call("toolu_a")] },
        { role: "user", content: [result("toolu_a")] },
        { role: "assistant", content: "Sunny." },
        { role: "user", content: [result("toolu_a")] },
      ],
    });
    expect(msg(late)).toMatch(/^messages\.4\.content\.0: unexpected `tool_use_id` found in `tool_result` blocks: toolu_a\./);
    // A final assistant turn's call has no next turn yet: nothing to check.
    expect(check(base({ model: "claude-opus-4-7", tools, messages: [{ role: "user", content: "Weather?" }, { role: "assistant", content: [call("toolu_a")] }] }))).toBeNull();
  });

  it("refuses on 2026-10-21 a document in an assistant message and a cited text block in a user message (§1.10); 2023-06-01 takes both", () => {
    const doc = { type: "document", source: { type: "text", media_type: "text/plain", data: "A page." }, title: "Page" };
    const citation = { type: "char_location", cited_text: "A page.", document_index: 0, document_title: "Page", start_char_index: 0, end_char_index: 7 };
    const docInAssistant = base({ messages: [{ role: "user", content: "Read it" }, { role: "assistant", content: [doc] }, { role: "user", content: "Summarise" }] });
    expect(check(docInAssistant)).toEqual([400, "invalid_request_error", "messages.1.content.0: `document` blocks are not allowed in `assistant` messages"]);
    expect(check(docInAssistant, V2023)).toBeNull();
    const citedUserText = base({ messages: [{ role: "user", content: [{ type: "text", text: "As you said:", citations: [citation] }] }] });
    expect(check(citedUserText)).toEqual([400, "invalid_request_error", "messages.0.content.0.citations: `text` blocks in `user` messages cannot have `citations`"]);
    expect(check(citedUserText, V2023)).toBeNull();
    // What stays allowed: a document from the user, cited text from the assistant, and a user's text with empty or null citations.
    expect(check(base({ messages: [{ role: "user", content: [doc, { type: "text", text: "Summarise", citations: [] }] }] }))).toBeNull();
    expect(check(base({ messages: [{ role: "user", content: [{ type: "text", text: "Hi", citations: null }] }] }))).toBeNull();
    const citedAnswer = base({ messages: [{ role: "user", content: [doc] }, { role: "assistant", content: [{ type: "text", text: "It says so.", citations: [citation] }] }, { role: "user", content: "Thanks" }] });
    expect(check(citedAnswer)).toBeNull();
  });

  it("checks a base64 image as the API does: not empty, base64, a known media type, and bytes of that type", () => {
    const PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";
    const image = (media_type: string, data: string) => base({ messages: [{ role: "user", content: [{ type: "text", text: "What is this?" }, { type: "image", source: { type: "base64", media_type, data } }] }] });
    expect(check(image("image/png", PNG))).toBeNull();
    expect(msg(image("image/png", ""))).toBe("messages.0.content.1.image.source.base64: image cannot be empty");
    expect(msg(image("image/png", `data:image/png;base64,${PNG}`))).toBe("messages.0.content.1.image.source.base64: invalid base64 data");
    expect(msg(image("image/jpeg", PNG))).toBe("messages.0.content.1.image.source.base64.data: Image does not match the provided media type image/jpeg");
    expect(msg(image("image/bmp", PNG))).toBe("messages.0.content.1.image.source.base64.media_type: Input should be 'image/jpeg', 'image/png', 'image/gif' or 'image/webp'");
    // An image by URL or by file id is not the simulator's to fetch: accepted as it is.
    expect(check(base({ messages: [{ role: "user", content: [{ type: "image", source: { type: "url", url: "https://example.com/a.png" } }] }] }))).toBeNull();
  });

  it("rejects prefill on the 5.5 models only", () => {
    const convo = [{ role: "user", content: "a" }, { role: "assistant", content: "The answer is" }];
    expect(check(base({ messages: convo }))).toBeNull();
    expect(msg(base({ model: "claude-sonnet-5-5", messages: convo }))).toMatch(/^Prefill not supported/);
  });

  it("rejects a prefill that does not open with a thinking block while thinking is on, as the API does", () => {
    const convo = [{ role: "user", content: "a" }, { role: "assistant", content: "{" }];
    const expected = /^messages\.1\.content\.0\.type: Expected `thinking` or `redacted_thinking`, but found `text`\. When `thinking` is enabled, a final `assistant` message must start with a thinking block/;
    expect(msg(base({ messages: convo, thinking: { type: "adaptive" } }))).toMatch(expected);
    expect(msg(base({ model: "claude-sonnet-4-5", max_tokens: 4096, messages: convo, thinking: { type: "enabled", budget_tokens: 2048 } }))).toMatch(expected);
    // Split over two assistant messages: they are one turn, and its first block is what counts.
    expect(msg(base({ messages: [...convo, { role: "assistant", content: [{ type: "text", text: "\"a\":" }] }], thinking: { type: "adaptive" } }))).toMatch(expected);
    // Thinking off (sent, or by the model's default), or an empty final message: a prefill is fine.
    expect(check(base({ messages: convo, thinking: { type: "disabled" } }))).toBeNull();
    expect(check(base({ messages: convo }))).toBeNull();
    expect(check(base({ messages: [convo[0], { role: "assistant", content: "" }], thinking: { type: "adaptive" } }))).toBeNull();
  });

  it("rejects thinking types the model does not accept, with the API's wording", () => {
    expect(msg(base({ thinking: { type: "enabled", budget_tokens: 2048 }, max_tokens: 4096 }))).toMatch(/^"thinking\.type\.enabled" is not supported/);
    expect(msg(base({ model: "claude-sonnet-4-5", thinking: { type: "adaptive" } }))).toMatch(/^"thinking\.type\.adaptive" is not supported/);
    expect(msg(base({ model: "claude-sonnet-5-5", thinking: { type: "disabled" } }))).toMatch(/^"thinking\.type\.disabled" is not supported.*between_tools/);
    expect(msg(base({ model: "claude-opus-5-5", thinking: { type: "disabled" } }))).toMatch(/^"thinking\.type\.disabled" is not supported/);
    expect(msg(base({ model: "claude-fable-5", thinking: { type: "disabled" } }))).toMatch(/^"thinking\.type\.disabled" is not supported/);
    expect(msg(base({ thinking: { type: "between_tools" } }))).toMatch(/^"thinking\.type\.between_tools" is not supported/);
    expect(msg(base({ thinking: { type: "turbo" } }))).toMatch(/^thinking: Input tag 'turbo'/);
    expect(msg(base({ thinking: { type: "disabled", display: "summarized" } }))).toBe("thinking.disabled.display: Extra inputs are not permitted");
    expect(msg(base({ thinking: { type: "adaptive", display: "verbose" } }))).toBe("thinking.adaptive.display: Input should be 'summarized' or 'omitted'");
  });

  it("checks budget_tokens: ≥ 1024 and < max_tokens (unless interleaved with tools)", () => {
    const m = "claude-sonnet-4-5";
    expect(msg(base({ model: m, thinking: { type: "enabled" } }))).toBe("thinking.enabled.budget_tokens: Field required");
    expect(msg(base({ model: m, thinking: { type: "enabled", budget_tokens: 1000 } }))).toBe("thinking.enabled.budget_tokens: Input should be greater than or equal to 1024");
    expect(msg(base({ model: m, max_tokens: 2048, thinking: { type: "enabled", budget_tokens: 2048 } }))).toMatch(/^`max_tokens` must be greater than `thinking.budget_tokens`/);
    expect(check(base({ model: m, max_tokens: 2049, thinking: { type: "enabled", budget_tokens: 2048 } }))).toBeNull();
    const interleaved = { ...V2026, "anthropic-beta": "interleaved-thinking-2025-05-14" };
    expect(check(base({ model: m, max_tokens: 2048, tools, thinking: { type: "enabled", budget_tokens: 4096 } }), interleaved)).toBeNull();
  });

  it("checks effort: a known level, supported by the model", () => {
    expect(msg(base({ output_config: { effort: "extreme" } }))).toBe("output_config.effort: Input should be 'low', 'medium', 'high', 'xhigh' or 'max'");
    expect(msg(base({ model: "claude-sonnet-4-5", output_config: { effort: "low" } }))).toBe('"output_config.effort" is not supported for this model.');
    expect(msg(base({ model: "claude-opus-4-6", output_config: { effort: "xhigh" } }))).toMatch(/^"output_config\.effort\.xhigh" is not supported/);
    expect(check(base({ model: "claude-opus-4-6", output_config: { effort: "max" } }))).toBeNull();
  });

  it("allows disabled (Opus 5, Haiku 5.5) and between_tools (Sonnet 5.5) only at effort ≤ high", () => {
    for (const [model, type] of [["claude-opus-5", "disabled"], ["claude-haiku-5-5", "disabled"], ["claude-sonnet-5-5", "between_tools"]]) {
      expect(check(base({ model, thinking: { type }, output_config: { effort: "high" } }))).toBeNull();
      expect(msg(base({ model, thinking: { type }, output_config: { effort: "xhigh" } }))).toMatch(new RegExp(`^"thinking\\.type\\.${type}" is not supported with "output_config.effort" "xhigh"`));
    }
    expect(check(base({ model: "claude-sonnet-5", thinking: { type: "disabled" }, output_config: { effort: "max" } }))).toBeNull();
  });

  it("rejects sampling parameters in 2026-10-21, even at the default", () => {
    expect(msg(base({ temperature: 1 }))).toBe("temperature: Extra inputs are not permitted");
    expect(msg(base({ top_p: 0.9 }))).toBe("top_p: Extra inputs are not permitted");
    expect(msg(base({ top_k: 5 }))).toBe("top_k: Extra inputs are not permitted");
  });

  it("allows sampling in 2023-06-01, but temperature only 1 with thinking on", () => {
    const m = "claude-sonnet-4-5";
    expect(check(base({ model: m, temperature: 0.2 }), V2023)).toBeNull();
    expect(msg(base({ model: m, temperature: 0.2, max_tokens: 4096, thinking: { type: "enabled", budget_tokens: 2048 } }), V2023)).toBe(
      "temperature may only be set to 1 when thinking is enabled",
    );
    expect(check(base({ model: m, temperature: 1, max_tokens: 4096, thinking: { type: "enabled", budget_tokens: 2048 } }), V2023)).toBeNull();
    // Omitted thinking that defaults to on counts as thinking enabled (Sonnet 5).
    expect(msg(base({ model: "claude-sonnet-5", temperature: 0.5 }), V2023)).toBe("temperature may only be set to 1 when thinking is enabled");
    // Opus 4.7 and later reject non-default sampling even with thinking off.
    expect(msg(base({ temperature: 0.5 }), V2023)).toMatch(/only supports the default sampling parameters/);
    expect(msg(base({ model: m, temperature: 3 }), V2023)).toBe("temperature: Input should be a number between 0 and 1");
  });

  it("checks tools and tool_choice shapes", () => {
    expect(msg(base({ tools: [{ name: "bad name!", input_schema: {} }] }))).toMatch(/^tools\.0\.custom\.name: String should match pattern/);
    expect(msg(base({ tools: [{ name: "x" }] }))).toBe("tools.0.custom.input_schema: Field required");
    expect(msg(base({ tools: [...tools, ...tools] }))).toBe("tools: Tool names must be unique.");
    expect(msg(base({ tool_choice: { type: "any" } }))).toBe("tool_choice may only be specified while providing tools.");
    expect(msg(base({ tools, tool_choice: { type: "sometimes" } }))).toMatch(/^tool_choice: Input tag 'sometimes'/);
    expect(msg(base({ tools, tool_choice: { type: "tool", name: "nope" } }))).toMatch(/^tool_choice\.tool\.name/);
  });

  it("takes the toolsets, which have no name (browser and computer toolsets, mcp_toolset with the server it names)", () => {
    expect(check(base({ tools: [{ type: "browser_toolset_20260801" }, { type: "computer_toolset_20260801" }], tool_choice: { type: "auto" } }))).toBeNull();
    expect(check(base({ tools: [...tools, { type: "mcp_toolset", mcp_server_name: "docs" }] }))).toBeNull();
    expect(msg(base({ tools: [{ type: "mcp_toolset" }] }))).toBe("tools.0.mcp_toolset.mcp_server_name: Field required");
    expect(msg(base({ tools: [{ type: "web_search_20250305" }] }))).toBe("tools.0.web_search_20250305.name: Field required");
  });

  it("rejects forced tool_choice with manual thinking everywhere, and with any thinking on Opus 5.5/Sonnet 5.5/Fable 5.1/Mythos 5.1", () => {
    const enabled = { model: "claude-sonnet-4-5", max_tokens: 4096, thinking: { type: "enabled", budget_tokens: 2048 }, tools };
    expect(msg(base({ ...enabled, tool_choice: { type: "any" } }))).toBe("Thinking may not be enabled when tool_choice forces tool use.");
    expect(check(base({ ...enabled, tool_choice: { type: "auto" } }))).toBeNull();
    expect(check(base({ ...enabled, tool_choice: { type: "none" } }))).toBeNull();
    for (const model of ["claude-opus-5-5", "claude-sonnet-5-5", "claude-fable-5-1", "claude-mythos-5-1"]) {
      // Thinking on by default there, so even without a thinking field.
      expect(msg(base({ model, tools, tool_choice: { type: "any" } })), model).toMatch(/^tool_choice "any" is not supported with thinking/);
    }
    expect(check(base({ model: "claude-sonnet-5-5", tools, tool_choice: { type: "any" }, thinking: { type: "between_tools" } }))).toBeNull();
    expect(check(base({ model: "claude-opus-4-7", tools, tool_choice: { type: "any" }, thinking: { type: "adaptive" } }))).toBeNull();
  });

  it("checks stream and stop_sequences types", () => {
    expect(msg(base({ stream: "yes" }))).toBe("stream: Input should be a valid boolean");
    expect(msg(base({ stop_sequences: [1] }))).toBe("stop_sequences: Input should be a valid list of strings");
  });

  it("checks cache_control: its type and ttl wherever it stands, and at most 4 marked blocks", () => {
    const cc = { type: "ephemeral" };
    const text = (n: number) => Array.from({ length: n }, (_, i) => ({ type: "text", text: `part ${i}`, cache_control: cc }));
    expect(check(base({ system: text(2), messages: [{ role: "user", content: text(2) }] }))).toBeNull();
    expect(check(base({ cache_control: { type: "ephemeral", ttl: "1h" }, messages: [{ role: "user", content: text(4) }] }))).toBeNull();
    expect(msg(base({ system: text(2), messages: [{ role: "user", content: text(3) }] }))).toBe("A maximum of 4 blocks with cache_control may be provided. Found 5.");
    expect(msg(base({ messages: [{ role: "user", content: [{ type: "text", text: "hi", cache_control: { type: "ephemeral", ttl: "2h" } }] }] }))).toBe(
      "messages.0.content.0.cache_control.ttl: Input should be '5m' or '1h'",
    );
    expect(msg(base({ cache_control: { type: "persistent" } }))).toBe("cache_control.type: Input should be 'ephemeral'");
    expect(msg(base({ tools: [{ name: "t", input_schema: { type: "object" }, cache_control: "yes" }] }))).toBe("tools.0.cache_control: Input should be a valid dictionary");
  });

  it("checks metadata: a dictionary with user_id, a string or null, and nothing else", () => {
    expect(check(base({ metadata: { user_id: "user-42" } }))).toBeNull();
    expect(check(base({ metadata: { user_id: null } }))).toBeNull();
    expect(check(base({ metadata: {} }))).toBeNull();
    expect(msg(base({ metadata: { user_id: 42 } }))).toBe("metadata.user_id: Input should be a valid string");
    expect(msg(base({ metadata: { user_id: { id: "x" } } }))).toBe("metadata.user_id: Input should be a valid string");
    expect(msg(base({ metadata: "user-42" }))).toBe("metadata: Input should be a valid dictionary");
    expect(msg(base({ metadata: ["user-42"] }))).toBe("metadata: Input should be a valid dictionary");
    expect(msg(base({ metadata: { user_id: "u", session: "s" } }))).toBe("metadata.session: Extra inputs are not permitted");
  });
});
