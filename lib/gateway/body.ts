/**
 * Parsing and validating a Messages request body at the gateway. The gateway
 * checks what it needs to route and what the API would reject anyway in a way
 * routing could hide; everything else (block shapes, per-model rules) is left
 * to the upstream, which knows best. Unknown fields pass through.
 *
 * The JSON itself is parsed defensively (depth, "__proto__" keys: see
 * lib/api/json-body.ts); thinkgate's own headers with a closed set of values
 * are checked too, so a typo is a 400 rather than silently ignored.
 */
import { z } from "zod";
import { AppError } from "../api/errors";
import { asJsonObject } from "../api/json-body";
import { listOnly } from "../api/list-schema";
import { formatZodError } from "../api/error-response";
import type { MessagesBody } from "../routing/request";
import { turnBudget } from "../runtime/turns";

const bad = (message: string) => new AppError("invalid_request_error", message);

const block = z.looseObject({ type: z.string({ error: "each content block needs a type" }).min(1, "each content block needs a type") }).superRefine((b, ctx) => {
  // The router reads text blocks; a text block without text is what the API rejects too.
  const text = (b as { text?: unknown }).text;
  if (b.type === "text" && typeof text !== "string") ctx.addIssue({ code: "custom", path: ["text"], message: "text blocks need a string text" });
  else if (b.type === "text" && text === "") ctx.addIssue({ code: "custom", path: ["text"], message: "text content blocks must be non-empty" });
});

// Its blocks are checked one by one (checkMessages): a message may have 100,000 of them.
const message = z.looseObject({
  role: z.enum(["user", "assistant", "system"], { error: "role must be user, assistant or system" }),
  content: z.union([z.string(), listOnly()], {
    error: "content must be a string or an array of content blocks",
  }),
});

/** The thinking types the API knows; any other is its 400, which a route that turns thinking off would otherwise hide. */
const THINKING_TYPES = ["enabled", "disabled", "adaptive", "between_tools"] as const;

const thinking = z.looseObject(
  {
    type: z.enum(THINKING_TYPES, { error: `thinking.type must be one of ${THINKING_TYPES.join(", ")}` }),
    budget_tokens: z.number({ error: "thinking.budget_tokens must be an integer" }).int("thinking.budget_tokens must be an integer").min(0, "thinking.budget_tokens must not be negative").optional(),
  },
  { error: "thinking must be an object" },
);

const TOOL_NAME = /^[a-zA-Z0-9_-]{1,128}$/;

const toolChoice = z.looseObject(
  {
    type: z.enum(["auto", "any", "tool", "none"], { error: "tool_choice.type must be auto, any, tool or none" }),
    name: z.string().min(1).optional(),
  },
  { error: "tool_choice must be an object" },
);

/** The API's largest max_tokens; the OpenAI-compatible endpoints bound their own fields by it, named as the client named them. */
export const MAX_TOKENS_LIMIT = 1_000_000;

const bodySchema = z.looseObject({
  model: z.string({ error: "model: Field required" }).min(1, "model: Field required").max(256, "model: at most 256 characters"),
  // A schema's own error is used for every issue its checks do not name a message for: each check names one,
  // or a number too large would be reported as missing.
  max_tokens: z
    .number({ error: (iss) => (iss.input === undefined ? "max_tokens: Field required" : "max_tokens must be a number") })
    .int("max_tokens must be an integer")
    .min(0, "max_tokens must not be negative")
    .max(MAX_TOKENS_LIMIT, "max_tokens: at most 1,000,000"),
  // The messages themselves are checked one by one (checkMessages): up to 100,000 of them.
  messages: listOnly({
    error: (input) => (input === undefined ? "messages: Field required" : "messages must be an array of messages"),
    min: { length: 1, message: "messages: at least one message is required" },
    max: { length: 100_000, message: "messages: at most 100,000 messages" },
  }),
  // Its blocks are checked one by one too.
  system: z.union([z.string(), listOnly()], { error: "system must be a string or an array of text blocks" }).optional(),
  // Checked one by one too (checkTools).
  tools: listOnly({ error: "tools must be an array of tool definitions" }).optional(),
  tool_choice: toolChoice.optional(),
  thinking: thinking.optional(),
  output_config: z.looseObject({ effort: z.string().nullish() }, { error: "output_config must be an object" }).optional(),
  stream: z.boolean({ error: "stream must be true or false" }).optional(),
});

/** API versions from 2026-10-21 on removed temperature, top_p and top_k. */
const SAMPLING_REMOVED_IN = "2026-10-21";
const SAMPLING = ["temperature", "top_p", "top_k"] as const;

/** The thinkgate request headers with a closed set of values: a typo is a 400, never silently "auto". */
const ENUM_HEADERS: Record<string, readonly string[]> = {
  "thinkgate-tier": ["reasoning", "standard", "auto"],
  "thinkgate-budget-tier": ["simple", "complex", "maximum"],
  "thinkgate-thinking": ["show", "hide"],
};
const NAME_HEADERS = ["thinkgate-app", "thinkgate-task"] as const;
const NAME = /^[\x21-\x7e](?:[\x20-\x7e]{0,198}[\x21-\x7e])?$/;

/** Checks the headers the gateway acts on; the API's own headers are checked by the API. */
export function validateGatewayHeaders(headers: Record<string, string | undefined>): void {
  for (const [name, allowed] of Object.entries(ENUM_HEADERS)) {
    const v = headers[name]?.trim().toLowerCase();
    if (v !== undefined && v !== "" && !allowed.includes(v)) throw bad(`${name} must be one of ${allowed.join(", ")}`);
  }
  for (const name of NAME_HEADERS) {
    const v = headers[name]?.trim();
    if (v && !NAME.test(v)) throw bad(`${name} must be 1 to 200 visible ASCII characters`);
  }
  const version = headers["anthropic-version"];
  if (version !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(version.trim())) throw bad("anthropic-version must be a date like 2026-10-21");
}

/** Toolsets (browser_toolset_*, computer_toolset_*, the beta mcp_toolset) stand for several tools and have no name of their own. */
const TOOLSET = /^[a-z]+_toolset(?:_\d{8})?$/;
const isToolset = (t: unknown) => typeof (t as { type?: unknown } | null)?.type === "string" && TOOLSET.test((t as { type: string }).type);

const tool = z.looseObject({}, { error: "every tool needs a name" }).superRefine((t, ctx) => {
  const name = (t as { name?: unknown }).name;
  if (!isToolset(t) && (typeof name !== "string" || name === "")) ctx.addIssue({ code: "custom", path: ["name"], message: "every tool needs a name" });
});

/**
 * Checks each item of a list against `schema`, then with `check`, with
 * other requests served in between: a request may carry 100,000 messages,
 * or a message 100,000 blocks, and checking 100,000 messages in one call held
 * the event loop for about 140 ms. A problem is a 400 naming the item by its
 * place in the whole request.
 */
async function checkEach<T>(
  path: (string | number)[],
  items: unknown[],
  schema: z.ZodType<T>,
  check: (item: T, i: number) => string | undefined | Promise<string | undefined>,
  turn: () => Promise<void>,
): Promise<void> {
  for (let i = 0; i < items.length; i++) {
    const parsed = schema.safeParse(items[i]);
    if (!parsed.success) throw bad(formatZodError({ issues: parsed.error.issues.map((x) => ({ ...x, path: [...path, i, ...x.path] })) }));
    const problem = await check(items[i] as T, i);
    if (problem) throw bad(problem);
    if (i % 64 === 63) await turn();
  }
}

/** Messages and their blocks, and what the API rejects about the conversation's shape (checked here because /v1/route never asks the API). */
function checkMessages(messages: unknown[], turn: () => Promise<void>): Promise<void> {
  return checkEach(["messages"], messages, message, async (m, i) => {
    if (typeof m.content !== "string") await checkEach(["messages", i, "content"], m.content, block, () => undefined, turn);
    return m.content.length === 0 && !(i === messages.length - 1 && m.role === "assistant")
      ? `messages.${i}: all messages must have non-empty content except for the optional final assistant message`
      : undefined;
  }, turn);
}

/** Tool names and schemas, and the tool choice that must name one of them. */
async function checkTools(tools: unknown[] | undefined, choice: z.infer<typeof toolChoice> | undefined, turn: () => Promise<void>): Promise<void> {
  const names = new Set<string>();
  await checkEach(["tools"], tools ?? [], tool, (t, i) => {
    if (isToolset(t)) return undefined;
    const name = (t as { name: string }).name;
    const duplicate = names.has(name);
    names.add(name);
    // A custom tool (no type, or "custom"): the API's name pattern and a schema. Server tools are the API's business.
    if (t.type === undefined || t.type === "custom") {
      if (!TOOL_NAME.test(name)) return `tools.${i}.name: tool names must match ^[a-zA-Z0-9_-]{1,128}$`;
      const schema = (t as { input_schema?: unknown }).input_schema;
      if (typeof schema !== "object" || schema === null || Array.isArray(schema)) return `tools.${i}.input_schema: custom tools need an input_schema object`;
    }
    return duplicate ? `tools.${i}.name: tool names must be unique` : undefined;
  }, turn);
  if (choice && choice.type !== "none" && !tools?.length) throw bad("tool_choice may only be specified while providing tools");
  // A toolset's members are named by the toolset (an MCP server's tools): a choice may name one of them, which the API checks.
  if (choice?.type === "tool" && !names.has(choice.name ?? "") && !tools?.some(isToolset)) throw bad("tool_choice.name: tool_choice names a tool that is not one of the provided tools");
}

/** A parsed request body (ApiRequest.json) checked as a Messages request, or a 400. */
export async function parseMessagesBody(value: unknown, headers: Record<string, string | undefined>): Promise<MessagesBody> {
  validateGatewayHeaders(headers);
  const raw = asJsonObject(value);
  const parsed = bodySchema.safeParse(raw);
  if (!parsed.success) throw bad(formatZodError(parsed.error));
  const turn = turnBudget();
  if (Array.isArray(parsed.data.system)) await checkEach(["system"], parsed.data.system, block, () => undefined, turn);
  await checkMessages(parsed.data.messages, turn);
  await checkTools(parsed.data.tools, parsed.data.tool_choice, turn);

  // Same answer as the API for the same request: a client on the newer
  // version that sends a removed field gets the API's own 400.
  const version = headers["anthropic-version"]?.trim() || SAMPLING_REMOVED_IN;
  if (version >= SAMPLING_REMOVED_IN) {
    for (const k of SAMPLING) {
      if (k in raw) throw bad(`${k}: Extra inputs are not permitted`);
    }
  }
  return raw as MessagesBody;
}
