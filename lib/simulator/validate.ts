/**
 * Request validation as the Messages API does it (reference §1, §2.2, §2.6),
 * so a misconfigured route fails against the simulator exactly as it would
 * upstream. Pure: a body and headers in, null or the AppError to answer with.
 * Messages imitate the API's wording (pydantic-style "field: problem").
 *
 * Thinking blocks sent back are checked against their signatures and the
 * preserved-thinking binding rules (signatures.ts), and a tool loop that drops
 * the thinking block of the turn it continues is refused, as the API does.
 *
 * Not checked (the API does, but nothing here depends on it): unknown top-level
 * fields (beta fields pass through a gateway unchanged), inference_geo per
 * model, request size limits.
 */
import { AppError, badRequest } from "../api/errors";
import { checkThinkingBlocks } from "./signatures";
import { EFFORTS, effortRank, isForcedToolChoice, modelInfo, TOOL_CHOICES_ALLOWED_WITH_ENABLED, type CatalogEntry, type Effort } from "../models/catalog";

type Obj = Record<string, unknown>;
type Headers = Record<string, string | undefined>;

const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);
const isInt = (v: unknown): v is number => typeof v === "number" && Number.isInteger(v);

/** `anthropic-version` values the API accepts. */
export const API_VERSIONS = ["2023-01-01", "2023-06-01", "2026-10-21"] as const;
/** The version that removed temperature, top_p and top_k (§1.10). */
const NO_SAMPLING_VERSION = "2026-10-21";
const SAMPLING = ["temperature", "top_p", "top_k"] as const;
/** The version that refuses some blocks by the role of their message (§1.10, checkBlockRole). */
const ROLE_RULES_VERSION = "2026-10-21";
const THINKING_TYPES = ["adaptive", "between_tools", "disabled", "enabled"] as const;
type ThinkingType = (typeof THINKING_TYPES)[number];
/** Fields each thinking variant takes; anything else is an extra input. block_binding is beta (§1.1). */
const THINKING_FIELDS: Record<ThinkingType, string[]> = {
  adaptive: ["type", "display", "block_binding"],
  enabled: ["type", "budget_tokens", "display", "block_binding"],
  disabled: ["type"],
  between_tools: ["type"],
};
const TOOL_CHOICE_TYPES = ["auto", "any", "tool", "none"];
const INTERLEAVED_BETA = "interleaved-thinking-2025-05-14";
const DISPLAY_UPDATES_BETA = "thinking-display-updates-2026-08-18";
const TOOL_NAME = /^[a-zA-Z0-9_-]{1,128}$/;
/** Tool types that are toolsets (SDK 1.14: BrowserToolset20260801, ComputerToolset20260801, beta BetaMCPToolset): no `name`. */
const TOOLSET = /^(?:[a-z]+_toolset(?:_\d{8})?)$/;
/**
 * Content block types a request may carry: the SDK's ContentBlockParam union,
 * plus the beta union's additions (beta requests use the same endpoint). Any
 * other type is a 400, as the API's tagged union makes it.
 */
const BLOCK_TYPES = [
  "text", "image", "document", "search_result", "thinking", "redacted_thinking", "tool_use", "tool_result",
  "server_tool_use", "web_search_tool_result", "web_fetch_tool_result", "code_execution_tool_result",
  "bash_code_execution_tool_result", "text_editor_code_execution_tool_result", "tool_search_tool_result", "container_upload",
  "advisor_tool_result", "mcp_tool_use", "mcp_tool_result", "compaction", "tool_addition", "tool_removal", "mcp_tool_listing", "fallback",
];

function betas(headers: Headers): string[] {
  return (headers["anthropic-beta"] ?? "").split(",").map((s) => s.trim());
}

export interface ValidateOptions {
  /** count_tokens takes no max_tokens or stream (§2.6). */
  countTokens?: boolean;
}

/** The thinking state a valid request runs with, derived the way validation reads it. */
export interface EffectiveThinking {
  /** The sent type, or the model's behaviour when `thinking` is omitted. */
  type: ThinkingType;
  /** True when the model will think (enabled or adaptive, sent or by default). */
  on: boolean;
  effort: Effort | null;
}

/** How a request's thinking resolves on a model; used by validation and by the simulator's answer. */
export function effectiveThinking(body: Obj, entry: CatalogEntry): EffectiveThinking {
  const t = body.thinking;
  const sent = isObj(t) ? (t.type as ThinkingType) : undefined;
  const type: ThinkingType = sent ?? (entry.thinkingWhenOmitted === "on" ? "adaptive" : "disabled");
  const oc = body.output_config;
  const effort = (isObj(oc) && typeof oc.effort === "string" ? (oc.effort as Effort) : null) ?? entry.defaultEffort;
  return { type, on: type === "adaptive" || type === "enabled", effort };
}

/** The API requires `anthropic-version` on every endpoint; the SDK always sends it. */
export function checkVersion(headers: Headers): AppError | null {
  const version = headers["anthropic-version"];
  if (!version) return badRequest("anthropic-version: header is required");
  if (!(API_VERSIONS as readonly string[]).includes(version)) return badRequest(`anthropic-version: "${version}" is not a valid version`);
  return null;
}

export function validateMessagesRequest(body: unknown, headers: Headers, opts: ValidateOptions = {}): AppError | null {
  const versionError = checkVersion(headers);
  if (versionError) return versionError;
  const version = headers["anthropic-version"]!;
  if (!isObj(body)) return badRequest("Input should be a valid dictionary");

  if (body.model === undefined) return badRequest("model: Field required");
  if (typeof body.model !== "string") return badRequest("model: Input should be a valid string");
  const entry = modelInfo(body.model);
  if (!entry) return new AppError("not_found_error", `model: ${body.model}`);

  if (!opts.countTokens) {
    const mt = body.max_tokens;
    if (mt === undefined) return badRequest("max_tokens: Field required");
    if (!isInt(mt)) return badRequest("max_tokens: Input should be a valid integer");
    // 0 is allowed: it pre-warms the prompt cache without generating (§2.2).
    if (mt < 0) return badRequest("max_tokens: Input should be greater than or equal to 0");
    if (mt > entry.maxOutputTokens) {
      return badRequest(`max_tokens: ${mt} > ${entry.maxOutputTokens}, which is the maximum allowed number of output tokens for ${entry.id}`);
    }
    if (body.stream !== undefined && typeof body.stream !== "boolean") return badRequest("stream: Input should be a valid boolean");
  }

  return (
    checkTopLevel(body, opts) ??
    checkMessages(body, entry, version) ??
    checkToolPairs(body.messages as Obj[]) ??
    checkSystem(body.system) ??
    checkTools(body) ??
    checkThinking(body, entry, headers, opts) ??
    checkEffort(body, entry) ??
    checkOutputFormat(body.output_config) ??
    checkSampling(body, entry, version) ??
    checkToolChoiceWithThinking(body, entry) ??
    checkStopSequences(body.stop_sequences) ??
    checkMetadata(body.metadata) ??
    checkCacheControl(body) ??
    checkContextManagement(body, entry) ??
    checkSentThinking(body, entry, headers)
  );
}

/** An edit that clears thinking blocks (`clear_thinking_20251015`, sent by Claude Code on every call) needs thinking on. */
function checkContextManagement(body: Obj, entry: CatalogEntry): AppError | null {
  const cm = body.context_management;
  if (!isObj(cm) || !Array.isArray(cm.edits)) return null;
  const clear = (cm.edits as unknown[]).find((e) => isObj(e) && typeof e.type === "string" && e.type.startsWith("clear_thinking_")) as Obj | undefined;
  if (!clear || effectiveThinking(body, entry).on) return null;
  return badRequest(`\`${String(clear.type)}\` strategy requires \`thinking\` to be enabled or adaptive`);
}

/**
 * The request's own fields (reference §2.2) and the beta-only ones the SDK's
 * `client.beta.messages` sends (accepted whatever the beta header: which
 * beta unlocks which is not documented, and a false 400 would be worse than
 * a missed one). The API refuses anything else, so a client that sends a
 * stray field fails here as it would in production, not only there. The
 * sampling parameters are left to checkSampling, which knows the version.
 */
const TOP_LEVEL_FIELDS = new Set([
  "model", "max_tokens", "messages", "system", "thinking", "output_config", "tools", "tool_choice", "stream",
  "stop_sequences", "metadata", "cache_control", "container", "diagnostics", "inference_geo", "service_tier", "speed",
  "temperature", "top_p", "top_k",
  "betas", "billing_policy", "compaction", "context_management", "fallback_credit_token", "fallbacks", "mcp_servers", "thread", "output_format",
  // Server-side safeguards (beta dangerous-tool-use-2026-09-03), newer than the SDK's types: Claude Code 2.1 sends
  // `[{"type": "dangerous_tool_use", "classifier_context": …}]` in plan and auto mode, and falls back without it on a 400.
  "safeguards",
]);

/** Fields of a Messages request that count_tokens does not take (§2.6): sent there, they are extra inputs like any other. */
const NOT_COUNTED_FIELDS = new Set(["max_tokens", "stream"]);

function checkTopLevel(body: Obj, opts: ValidateOptions): AppError | null {
  // A key whose value is undefined was not sent (a JSON body has none); tests build bodies that way.
  const key = Object.keys(body).find((k) => body[k] !== undefined && (!TOP_LEVEL_FIELDS.has(k) || (opts.countTokens && NOT_COUNTED_FIELDS.has(k))));
  return key === undefined ? null : badRequest(`${key}: Extra inputs are not permitted`);
}

function checkMessages(body: Obj, entry: CatalogEntry, version: string): AppError | null {
  const messages = body.messages;
  if (messages === undefined) return badRequest("messages: Field required");
  if (!Array.isArray(messages)) return badRequest("messages: Input should be a valid list");
  if (messages.length === 0) return badRequest("messages: at least one message is required");
  for (let i = 0; i < messages.length; i++) {
    const m: unknown = messages[i];
    const at = `messages.${i}`;
    if (!isObj(m)) return badRequest(`${at}: Input should be a valid dictionary`);
    if (m.role !== "user" && m.role !== "assistant" && m.role !== "system") {
      return badRequest(`${at}.role: Input should be 'user', 'assistant' or 'system'`);
    }
    if (m.content === undefined) return badRequest(`${at}.content: Field required`);
    const isFinalAssistant = i === messages.length - 1 && m.role === "assistant";
    if (typeof m.content === "string") {
      if (m.content === "" && !isFinalAssistant) return badRequest(`${at}: all messages must have non-empty content except for the optional final assistant message`);
      continue;
    }
    if (!Array.isArray(m.content)) return badRequest(`${at}.content: Input should be a valid string or a valid list`);
    if (m.content.length === 0 && !isFinalAssistant) return badRequest(`${at}: all messages must have non-empty content except for the optional final assistant message`);
    for (let j = 0; j < m.content.length; j++) {
      const err = checkBlock(m.content[j], `${at}.content.${j}`) ?? (version === ROLE_RULES_VERSION ? checkBlockRole(m.content[j] as Obj, m.role, `${at}.content.${j}`) : null);
      if (err) return err;
    }
  }
  const last = messages[messages.length - 1] as Obj;
  if (last.role === "assistant" && !entry.prefill) {
    return badRequest(`Prefill not supported: ${entry.id} does not support a final assistant message; the conversation must end with a user message`);
  }
  return null;
}

/**
 * Every client tool call is answered in the next turn, and every answer
 * names a call of the turn before it: the API refuses both kinds of orphan
 * with these messages (word for word, as clients and gateways search for
 * them). Consecutive same-role messages are one turn. A mid-conversation
 * system message between the two turns leaves the pair unchecked: the API's
 * rule for that case is not documented, and a simulator stricter than the
 * API would refuse what production accepts.
 */
function checkToolPairs(messages: readonly Obj[]): AppError | null {
  const turns: { role: unknown; at: number[] }[] = [];
  messages.forEach((m, i) => {
    const last = turns[turns.length - 1];
    if (last && last.role === m.role && m.role !== "system") last.at.push(i);
    else turns.push({ role: m.role, at: [i] });
  });
  const blocks = (i: number): Obj[] => (Array.isArray(messages[i]!.content) ? (messages[i]!.content as unknown[]).filter(isObj) : []);
  const calls = (turn: { at: number[] }) => turn.at.flatMap((i) => blocks(i).filter((b) => b.type === "tool_use").map((b) => ({ i, id: String(b.id) })));
  for (let t = 0; t < turns.length; t++) {
    const turn = turns[t]!;
    if (turn.role === "user") {
      const prev = turns[t - 1];
      if (prev?.role === "system") continue;
      const known = new Set(prev ? calls(prev).map((c) => c.id) : []);
      for (const i of turn.at) {
        const content = messages[i]!.content;
        if (!Array.isArray(content)) continue;
        for (let k = 0; k < content.length; k++) {
          const b: unknown = content[k];
          if (!isObj(b) || b.type !== "tool_result" || known.has(String(b.tool_use_id))) continue;
          return badRequest(
            `messages.${i}.content.${k}: unexpected \`tool_use_id\` found in \`tool_result\` blocks: ${String(b.tool_use_id)}. ` +
              "Each `tool_result` block must have a corresponding `tool_use` block in the previous message.",
          );
        }
      }
    } else if (turn.role === "assistant") {
      const next = turns[t + 1];
      if (!next || next.role !== "user") continue;
      const answered = new Set(next.at.flatMap((i) => blocks(i).filter((b) => b.type === "tool_result").map((b) => String(b.tool_use_id))));
      const missing = calls(turn).filter((c) => !answered.has(c.id));
      if (missing.length > 0) {
        return badRequest(
          `messages.${missing[0]!.i}: \`tool_use\` ids were found without \`tool_result\` blocks immediately after: ${missing.map((c) => c.id).join(", ")}. ` +
            "Each `tool_use` block must have a corresponding `tool_result` block in the next message.",
        );
      }
    }
  }
  return null;
}

/**
 * Blocks API version 2026-10-21 refuses by the role of the message that
 * carries them. The reference (§1.10) states it so:
 *   "Also 400 in API 2026-10-21: a `document` block placed directly in an
 *    `assistant` message; a `text` block with non-empty `citations` in a
 *    `user` message [Doc versioning page]."
 * It gives no wording for either 400, so these messages are the simulator's
 * own; only the status and the error type are the API's. A client that echoes
 * a cited answer back as the user's words, or puts a fetched document in the
 * assistant's mouth, fails here as it would upstream. Older versions are not
 * said to refuse either, so they pass.
 */
function checkBlockRole(b: Obj, role: unknown, at: string): AppError | null {
  if (role === "assistant" && b.type === "document") return badRequest(`${at}: \`document\` blocks are not allowed in \`assistant\` messages`);
  if (role === "user" && b.type === "text" && Array.isArray(b.citations) && b.citations.length > 0) {
    return badRequest(`${at}.citations: \`text\` blocks in \`user\` messages cannot have \`citations\``);
  }
  return null;
}

function checkBlock(b: unknown, at: string): AppError | null {
  if (!isObj(b)) return badRequest(`${at}: Input should be a valid dictionary`);
  if (typeof b.type !== "string") return badRequest(`${at}.type: Field required`);
  switch (b.type) {
    case "text":
      if (typeof b.text !== "string") return badRequest(`${at}.text: Field required`);
      if (b.text === "") return badRequest("messages: text content blocks must be non-empty");
      return null;
    case "tool_use":
      if (typeof b.id !== "string") return badRequest(`${at}.tool_use.id: Field required`);
      if (typeof b.name !== "string") return badRequest(`${at}.tool_use.name: Field required`);
      if (!isObj(b.input)) return badRequest(`${at}.tool_use.input: Input should be a valid dictionary`);
      return null;
    case "tool_result":
      if (typeof b.tool_use_id !== "string") return badRequest(`${at}.tool_result.tool_use_id: Field required`);
      return null;
    case "thinking":
      if (typeof b.thinking !== "string") return badRequest(`${at}.thinking.thinking: Field required`);
      if (typeof b.signature !== "string") return badRequest(`${at}.thinking.signature: Field required`);
      return null;
    case "redacted_thinking":
      if (typeof b.data !== "string") return badRequest(`${at}.redacted_thinking.data: Field required`);
      return null;
    case "image":
      return checkImage(b, at);
    default:
      if (!BLOCK_TYPES.includes(b.type)) {
        return badRequest(`${at}: Input tag '${b.type}' found using 'type' does not match any of the expected tags: ${BLOCK_TYPES.map((t) => `'${t}'`).join(", ")}`);
      }
      return null;
  }
}

const IMAGE_TYPES = ["image/jpeg", "image/png", "image/gif", "image/webp"];
/** The first bytes of each image type, as they start a base64 string (JPEG FF D8 FF, PNG 89 50 4E 47, GIF "GIF8", WebP "RIFF"). */
const IMAGE_MAGIC: Record<string, RegExp> = { "image/jpeg": /^\/9j\//, "image/png": /^iVBORw0KGgo/, "image/gif": /^R0lGOD/, "image/webp": /^UklGR/ };
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/**
 * A base64 image as the API checks it, with its messages: not empty, base64
 * (a "data:image/png;base64," prefix, a common client mistake, is not), a
 * media type it takes, and bytes of that type (a JPEG sent as image/png is
 * refused). Only the start of the bytes is looked at.
 */
function checkImage(b: Obj, at: string): AppError | null {
  const source = b.source;
  if (!isObj(source)) return badRequest(`${at}.image.source: Field required`);
  if (source.type !== "base64") return null;
  const data = source.data;
  if (typeof data !== "string") return badRequest(`${at}.image.source.base64.data: Field required`);
  if (!IMAGE_TYPES.includes(String(source.media_type))) {
    return badRequest(`${at}.image.source.base64.media_type: Input should be ${IMAGE_TYPES.map((t) => `'${t}'`).join(", ").replace(/, ([^,]*)$/, " or $1")}`);
  }
  if (data === "") return badRequest(`${at}.image.source.base64: image cannot be empty`);
  if (data.length % 4 !== 0 || !BASE64.test(data)) return badRequest(`${at}.image.source.base64: invalid base64 data`);
  if (!IMAGE_MAGIC[String(source.media_type)]!.test(data)) {
    return badRequest(`${at}.image.source.base64.data: Image does not match the provided media type ${String(source.media_type)}`);
  }
  return null;
}

/**
 * The thinking blocks a request sends back (§1.9): each one unmodified and
 * written here; and with thinking on, a tool loop's continuation keeps the
 * thinking block that opened the assistant turn it continues, and a prefilled
 * final assistant message opens with one (a text prefill is a 400); with
 * thinking disabled, the final assistant message carries none. The API's
 * messages are kept word for word: clients and gateways search for them.
 */
function checkSentThinking(body: Obj, entry: CatalogEntry, headers: Headers): AppError | null {
  const problem = checkThinkingBlocks(body, entry, betas(headers));
  if (problem) return badRequest(`${problem.at}: ${problem.message}`);
  const eff = effectiveThinking(body, entry);
  const messages = body.messages as Obj[];
  const last = messages[messages.length - 1]!;
  if (eff.type === "disabled" && last.role === "assistant" && Array.isArray(last.content)) {
    // Earlier turns' blocks are stripped with thinking off; the final (prefilled) message's are a 400.
    const j = (last.content as unknown[]).findIndex((b) => isObj(b) && (b.type === "thinking" || b.type === "redacted_thinking"));
    if (j >= 0) {
      return badRequest(
        `messages.${messages.length - 1}.content.${j}: When thinking is disabled, an \`assistant\` message in the final position cannot contain \`thinking\`. To use thinking blocks, enable \`thinking\` in your request.`,
      );
    }
  }
  // A forced tool call is answered without thinking first (§1.10), so its turn has no block to keep.
  if (!eff.on || isForcedToolChoice(body.tool_choice as { type: string } | undefined)) return null;
  const hasToolResult = Array.isArray(last.content) && (last.content as unknown[]).some((b) => isObj(b) && b.type === "tool_result");
  // A prefill (a final assistant message with content) is the answer's start: with thinking on it must open with the thinking.
  const prefill = last.role === "assistant" && (typeof last.content === "string" ? last.content !== "" : Array.isArray(last.content) && last.content.length > 0);
  if (!prefill && (last.role !== "user" || !hasToolResult)) return null;
  // The assistant turn the tool results answer (or the prefill); consecutive same-role messages count as one turn.
  let i = messages.length - 1;
  while (i >= 0 && messages[i]!.role !== "assistant") i--;
  while (i > 0 && messages[i - 1]!.role === "assistant") i--;
  const turn = messages[i];
  if (!turn) return null;
  const first = Array.isArray(turn.content) ? (turn.content as unknown[])[0] : { type: "text" };
  const firstType = isObj(first) ? String(first.type) : "text";
  if (firstType === "thinking" || firstType === "redacted_thinking") return null;
  return badRequest(
    `messages.${i}.content.0.type: Expected \`thinking\` or \`redacted_thinking\`, but found \`${firstType}\`. When \`thinking\` is enabled, a final \`assistant\` message must start with a thinking block (preceeding the lastmost set of \`tool_use\` and \`tool_result\` blocks). ` +
      "We recommend you include thinking blocks from previous turns. To avoid this requirement, disable `thinking`. Please consult our documentation at https://docs.claude.com/en/docs/build-with-claude/extended-thinking",
  );
}

function checkSystem(system: unknown): AppError | null {
  if (system === undefined || system === null || typeof system === "string") return null;
  if (!Array.isArray(system)) return badRequest("system: Input should be a valid string or a valid list");
  for (let i = 0; i < system.length; i++) {
    const b: unknown = system[i];
    if (!isObj(b) || b.type !== "text" || typeof b.text !== "string") return badRequest(`system.${i}: Input should be a valid text block`);
  }
  return null;
}

function checkTools(body: Obj): AppError | null {
  const tools = body.tools;
  const names = new Set<string>();
  if (tools !== undefined && tools !== null) {
    if (!Array.isArray(tools)) return badRequest("tools: Input should be a valid list");
    for (let i = 0; i < tools.length; i++) {
      const t: unknown = tools[i];
      if (!isObj(t)) return badRequest(`tools.${i}: Input should be a valid dictionary`);
      const custom = t.type === undefined || t.type === null || t.type === "custom";
      // Toolsets (browser_toolset_*, computer_toolset_*, mcp_toolset) stand for several tools and have no name of their own.
      if (typeof t.type === "string" && TOOLSET.test(t.type)) {
        if (t.type === "mcp_toolset" && typeof t.mcp_server_name !== "string") return badRequest(`tools.${i}.mcp_toolset.mcp_server_name: Field required`);
        continue;
      }
      if (typeof t.name !== "string") return badRequest(`tools.${i}.${custom ? "custom" : String(t.type)}.name: Field required`);
      if (custom) {
        if (!TOOL_NAME.test(t.name)) return badRequest(`tools.${i}.custom.name: String should match pattern '^[a-zA-Z0-9_-]{1,128}$'`);
        if (!isObj(t.input_schema)) return badRequest(`tools.${i}.custom.input_schema: Field required`);
      }
      if (names.has(t.name)) return badRequest("tools: Tool names must be unique.");
      names.add(t.name);
    }
  }

  const tc = body.tool_choice;
  if (tc === undefined || tc === null) return null;
  if (!isObj(tc)) return badRequest("tool_choice: Input should be a valid dictionary");
  if (typeof tc.type !== "string" || !TOOL_CHOICE_TYPES.includes(tc.type)) {
    return badRequest(`tool_choice: Input tag '${String(tc.type)}' found using 'type' does not match any of the expected tags: 'auto', 'any', 'tool', 'none'`);
  }
  if (tc.type !== "none" && !(Array.isArray(tools) && tools.length > 0)) return badRequest("tool_choice may only be specified while providing tools.");
  if (tc.type === "tool") {
    if (typeof tc.name !== "string") return badRequest("tool_choice.tool.name: Field required");
    // A toolset's members (an MCP server's tools) are not listed here: a choice naming one is not checked.
    if (!names.has(tc.name) && !(tools as unknown[]).some((t) => isObj(t) && typeof t.type === "string" && TOOLSET.test(t.type))) return badRequest(`tool_choice.tool.name: tool '${tc.name}' is not one of the provided tools`);
  }
  return null;
}

function checkThinking(body: Obj, entry: CatalogEntry, headers: Headers, opts: ValidateOptions): AppError | null {
  const t = body.thinking;
  if (t === undefined || t === null) return null;
  if (!isObj(t)) return badRequest("thinking: Input should be a valid dictionary");
  const type = t.type;
  if (typeof type !== "string" || !(THINKING_TYPES as readonly string[]).includes(type)) {
    return badRequest(`thinking: Input tag '${String(type)}' found using 'type' does not match any of the expected tags: ${THINKING_TYPES.map((x) => `'${x}'`).join(", ")}`);
  }
  const tt = type as ThinkingType;
  const extra = extraInput(t, THINKING_FIELDS[tt], `thinking.${tt}`);
  if (extra) return extra;

  const types = entry.capabilities.thinking.types;
  if (!types[tt].supported) return badRequest(unsupportedThinkingMessage(tt, entry));

  if (t.display !== undefined && t.display !== null) {
    const updates = t.display === "updates" && betas(headers).includes(DISPLAY_UPDATES_BETA);
    if (t.display !== "summarized" && t.display !== "omitted" && !updates) {
      return badRequest(`thinking.${tt}.display: Input should be 'summarized' or 'omitted'`);
    }
  }

  if (tt === "enabled") {
    const budget = t.budget_tokens;
    if (budget === undefined) return badRequest("thinking.enabled.budget_tokens: Field required");
    if (!isInt(budget)) return badRequest("thinking.enabled.budget_tokens: Input should be a valid integer");
    if (budget < 1024) return badRequest("thinking.enabled.budget_tokens: Input should be greater than or equal to 1024");
    // With interleaved thinking and tools, the budget may exceed max_tokens (§1.2).
    const interleaved = betas(headers).includes(INTERLEAVED_BETA) && Array.isArray(body.tools) && body.tools.length > 0;
    if (!opts.countTokens && !interleaved && budget >= (body.max_tokens as number)) {
      return badRequest("`max_tokens` must be greater than `thinking.budget_tokens`. Please consult our documentation at https://docs.claude.com/en/docs/build-with-claude/extended-thinking#max-tokens-and-context-window-size");
    }
  }
  return null;
}

/** The 400 for a thinking type the model rejects, pointing to what it takes instead (§1.2, §1.4). */
function unsupportedThinkingMessage(type: ThinkingType, entry: CatalogEntry): string {
  const types = entry.capabilities.thinking.types;
  const head = `"thinking.type.${type}" is not supported for this model.`;
  if (type === "enabled" && types.adaptive.supported) return `${head} Use "thinking.type.adaptive" and "output_config.effort" to control thinking behavior.`;
  if (type === "adaptive" && types.enabled.supported) return `${head} Use "thinking.type.enabled" with "budget_tokens".`;
  if (type === "disabled" && types.between_tools.supported) return `${head} Use "thinking.type.between_tools" to turn thinking off.`;
  if (type === "disabled") return `${head} Thinking is always on for this model; use "thinking.type.adaptive" with a lower "output_config.effort" to reduce it.`;
  return head;
}

function checkEffort(body: Obj, entry: CatalogEntry): AppError | null {
  const oc = body.output_config;
  if (oc === undefined || oc === null) return checkEffortCaps(body, entry);
  if (!isObj(oc)) return badRequest("output_config: Input should be a valid dictionary");
  const effort = oc.effort;
  if (effort !== undefined && effort !== null) {
    if (typeof effort !== "string" || !(EFFORTS as readonly string[]).includes(effort)) {
      return badRequest("output_config.effort: Input should be 'low', 'medium', 'high', 'xhigh' or 'max'");
    }
    const cap = entry.capabilities.effort;
    if (!cap.supported) return badRequest(`"output_config.effort" is not supported for this model.`);
    if (!cap[effort as Effort]?.supported) {
      const ok = EFFORTS.filter((e) => cap[e]?.supported).join(", ");
      return badRequest(`"output_config.effort.${effort}" is not supported for this model. Supported values: ${ok}.`);
    }
  }
  return checkEffortCaps(body, entry);
}

/** output_config.format is a JSONOutputFormat, `{ type: "json_schema", schema }`, or null (§1.5). */
function checkOutputFormat(oc: unknown): AppError | null {
  if (!isObj(oc) || oc.format === undefined || oc.format === null) return null;
  const f = oc.format;
  if (!isObj(f)) return badRequest("output_config.format: Input should be a valid dictionary");
  if (f.type !== "json_schema") return badRequest("output_config.format.type: Input should be 'json_schema'");
  if (f.schema === undefined) return badRequest("output_config.format.schema: Field required");
  if (!isObj(f.schema)) return badRequest("output_config.format.schema: Input should be a valid dictionary");
  return extraInput(f, ["type", "schema"], "output_config.format");
}

/** The API's 400 for the first key of `o` that is not one of `allowed` (its objects forbid extra fields), or null. */
function extraInput(o: Obj, allowed: readonly string[], path: string): AppError | null {
  const key = Object.keys(o).find((k) => !allowed.includes(k));
  return key === undefined ? null : badRequest(`${path}.${key}: Extra inputs are not permitted`);
}

/** `disabled` (Opus 5, Haiku 5.5) and `between_tools` (Sonnet 5.5) only at effort ≤ high, counting the default (§1.4, §1.6). */
function checkEffortCaps(body: Obj, entry: CatalogEntry): AppError | null {
  const eff = effectiveThinking(body, entry);
  if (!isObj(body.thinking) || eff.effort === null) return null;
  const cap = eff.type === "disabled" ? entry.rules.disabledMaxEffort : eff.type === "between_tools" ? entry.rules.betweenToolsMaxEffort : undefined;
  if (cap && effortRank(eff.effort) > effortRank(cap)) {
    return badRequest(`"thinking.type.${eff.type}" is not supported with "output_config.effort" "${eff.effort}" for this model. Use an effort of "${cap}" or lower.`);
  }
  return null;
}

function checkSampling(body: Obj, entry: CatalogEntry, version: string): AppError | null {
  const present = SAMPLING.filter((k) => body[k] !== undefined);
  if (present.length === 0) return null;
  // Removed in 2026-10-21: any value is an extra input, even the default 1.0.
  if (version === NO_SAMPLING_VERSION) return badRequest(`${present[0]}: Extra inputs are not permitted`);

  const { temperature, top_p, top_k } = body;
  if (temperature !== undefined && (typeof temperature !== "number" || temperature < 0 || temperature > 1)) {
    return badRequest("temperature: Input should be a number between 0 and 1");
  }
  if (top_p !== undefined && (typeof top_p !== "number" || top_p < 0 || top_p > 1)) return badRequest("top_p: Input should be a number between 0 and 1");
  if (top_k !== undefined && (!isInt(top_k) || top_k < 0)) return badRequest("top_k: Input should be a non-negative integer");

  if (effectiveThinking(body, entry).on) {
    if (temperature !== undefined && temperature !== 1) return badRequest("temperature may only be set to 1 when thinking is enabled");
    if (top_k !== undefined) return badRequest("top_k is not supported when thinking is enabled");
    if (top_p !== undefined && (top_p as number) < 0.95) return badRequest("top_p may only be set between 0.95 and 1 when thinking is enabled");
  }
  if (entry.defaultSamplingOnly && ((temperature !== undefined && temperature !== 1) || (top_p !== undefined && top_p !== 1) || top_k !== undefined)) {
    return badRequest(`${entry.id} only supports the default sampling parameters; remove temperature, top_p and top_k`);
  }
  return null;
}

/** §1.10: manual thinking allows only auto/none; some models reject any forced choice while thinking. */
function checkToolChoiceWithThinking(body: Obj, entry: CatalogEntry): AppError | null {
  const tc = body.tool_choice as { type: string } | undefined | null;
  if (!tc || !isForcedToolChoice(tc)) return null;
  const eff = effectiveThinking(body, entry);
  if (eff.type === "enabled" && !TOOL_CHOICES_ALLOWED_WITH_ENABLED.includes(tc.type)) {
    return badRequest("Thinking may not be enabled when tool_choice forces tool use.");
  }
  if (eff.on && entry.rules.rejectsForcedToolChoiceWithThinking) {
    const off = entry.capabilities.thinking.types.between_tools.supported ? ', or turn thinking off with "thinking.type.between_tools"' : "";
    return badRequest(`tool_choice "${tc.type}" is not supported with thinking on this model. Use tool_choice "auto"${off}.`);
  }
  return null;
}

/** The API's limit on explicit cache breakpoints in one request. */
const MAX_CACHE_BREAKPOINTS = 4;

/**
 * cache_control is `{ type: "ephemeral", ttl?: "5m" | "1h" }` wherever it
 * stands (top level, tools, system and message blocks, a tool result's
 * blocks), and a request marks at most four blocks with it. A client or a
 * gateway that adds a fifth breakpoint is refused by the API, so here too.
 */
function checkCacheControl(body: Obj): AppError | null {
  const marked: [string, unknown][] = [];
  const visit = (blocks: unknown, at: string) => {
    if (!Array.isArray(blocks)) return;
    blocks.forEach((b, i) => {
      if (!isObj(b)) return;
      if (b.cache_control !== undefined && b.cache_control !== null) marked.push([`${at}.${i}`, b.cache_control]);
      if (b.type === "tool_result") visit(b.content, `${at}.${i}.content`);
    });
  };
  visit(body.tools, "tools");
  visit(body.system, "system");
  if (Array.isArray(body.messages)) body.messages.forEach((m, i) => isObj(m) && visit(m.content, `messages.${i}.content`));
  const all: [string, unknown][] = body.cache_control === undefined || body.cache_control === null ? marked : [["", body.cache_control], ...marked];
  for (const [at, cc] of all) {
    const path = `${at ? `${at}.` : ""}cache_control`;
    if (!isObj(cc)) return badRequest(`${path}: Input should be a valid dictionary`);
    if (cc.type !== "ephemeral") return badRequest(`${path}.type: Input should be 'ephemeral'`);
    if (cc.ttl !== undefined && cc.ttl !== null && cc.ttl !== "5m" && cc.ttl !== "1h") return badRequest(`${path}.ttl: Input should be '5m' or '1h'`);
  }
  if (marked.length > MAX_CACHE_BREAKPOINTS) return badRequest(`A maximum of ${MAX_CACHE_BREAKPOINTS} blocks with cache_control may be provided. Found ${marked.length}.`);
  return null;
}

/** metadata is `{ user_id?: string | null }` and nothing else (a client that sends a number as the user's id is refused, not relayed). */
function checkMetadata(metadata: unknown): AppError | null {
  if (metadata === undefined || metadata === null) return null;
  if (!isObj(metadata)) return badRequest("metadata: Input should be a valid dictionary");
  const extra = extraInput(metadata, ["user_id"], "metadata");
  if (extra) return extra;
  const id = metadata.user_id;
  if (id !== undefined && id !== null && typeof id !== "string") return badRequest("metadata.user_id: Input should be a valid string");
  return null;
}

function checkStopSequences(stop: unknown): AppError | null {
  if (stop === undefined || stop === null) return null;
  if (!Array.isArray(stop) || stop.some((s) => typeof s !== "string")) return badRequest("stop_sequences: Input should be a valid list of strings");
  return null;
}
