/**
 * A Chat Completions request (OpenAI's `POST /v1/chat/completions`) as a
 * Messages request, so teams on the OpenAI SDKs go through the same routing,
 * recording and costing as everyone else.
 *
 * What maps: system and developer messages → `system`; user, assistant and
 * tool messages → turns (text parts, images as data or https URLs, PDFs as data, tool calls
 * and their results); max_completion_tokens / max_tokens → max_tokens; stop
 * → stop_sequences; tools and tool_choice; user → metadata.user_id.
 *
 * Sampling knobs most OpenAI-SDK apps send by habit (temperature, top_p, the
 * penalties, seed, logit_bias) are not taken by the Messages API version
 * thinkgate forwards with (2026-10-21 removed temperature and top_p; the rest
 * never existed there). They are dropped, and the drop is said in the
 * `thinkgate-dropped-params` response header and on the record, as LiteLLM's
 * `drop_params` does; a request with `thinkgate-drop-params: false` gets the
 * 400 instead. Anything else OpenAI-specific that has no Messages counterpart
 * (logprobs, audio, n > 1, ...) changes what the client gets back, so it is a
 * 400 naming the field, never silently dropped.
 *
 * reasoning_effort is a routing hint (see tierHint): "none" forces the
 * standard tier; any other level forces the reasoning tier and says how much
 * to think, as a budget tier the route's model then receives in the form it
 * accepts (lib/models/thinking.ts). Absent, the router decides.
 */
import { z } from "zod";
import { AppError } from "../api/errors";
import { hasProtoKey, jsonTooComplex, MAX_JSON_DEPTH, MAX_JSON_VALUES, MAX_OBJECT_MEMBERS } from "../api/json-body";
import { listOnly } from "../api/list-schema";
import { MAX_TOKENS_LIMIT } from "../gateway/body";
import type { MessagesBody } from "../routing/request";
import type { BudgetTier } from "../routing/types";
import { turnBudget } from "../runtime/turns";

/** max_tokens when the client names none (the Messages API requires one; OpenAI's is optional). */
export const DEFAULT_MAX_TOKENS = 4096;

/** The error a Chat Completions client sees: OpenAI's shape carries the offending field as `param`. */
export function invalidParam(param: string | null, message: string): AppError {
  return new AppError("invalid_request_error", message, { details: { param } });
}

const text = z.string();
const textPart = z.object({ type: z.literal("text"), text }).strict();
const imagePart = z
  .object({ type: z.literal("image_url"), image_url: z.object({ url: z.string(), detail: z.enum(["auto", "low", "high"]).optional() }).strict() })
  .strict();
const refusalPart = z.object({ type: z.literal("refusal"), refusal: text }).strict();
/**
 * A file part: OpenAI takes PDFs, as a data URL in file_data (what the SDKs'
 * examples and LangChain's file content blocks send) or as the id of a file
 * uploaded to OpenAI. The data becomes a document block; an OpenAI file id
 * names nothing the Messages API can read, and is refused in translation.
 */
const filePart = z
  .object({ type: z.literal("file"), file: z.object({ file_data: z.string().optional(), file_id: z.string().optional(), filename: z.string().optional() }).strict() })
  .strict();

const toolCall = z
  .object({
    id: z.string().min(1),
    type: z.literal("function"),
    // parsed_arguments: what the OpenAI SDK's parse and stream helpers add to a message the app then sends back.
    function: z.object({ name: z.string().min(1), arguments: z.string(), parsed_arguments: z.unknown().optional() }).strict(),
    // The stream delta's position, which the Python SDK's stream helper leaves on the calls of its final message.
    index: z.number().int().optional(),
  })
  .strict();

/** A field of OpenAI's assistant message thinkgate never answers with: a message sent back carries it as null, or not at all. */
const neverAnswered = (instead: string) => z.null({ error: `this field is not supported by thinkgate's Chat Completions endpoint (${instead})` }).optional();

/**
 * A text part of an assistant message sent back. The OpenAI Agents SDK keeps
 * the rest of the answer's message (role, refusal, annotations, and what
 * thinkgate's answer carries: reasoning_content, reasoning, tool_calls) with the text it
 * turns into a part, and sends them back on that part: every later turn of an
 * agent on Chat Completions was a 400 ("messages.2.content.0.role"). They are
 * read as the echo they are and ignored; the message's own tool_calls are the
 * calls.
 */
const assistantTextPart = z
  .object({
    type: z.literal("text"),
    text,
    role: z.literal("assistant").optional(),
    refusal: z.string().nullish(),
    annotations: z.array(z.unknown()).nullish(),
    reasoning_content: z.string().nullish(),
    reasoning: z.string().nullish(),
    tool_calls: z.array(z.unknown()).nullish(),
    audio: neverAnswered("audio output is not supported"),
    function_call: neverAnswered("use tool_calls"),
  })
  .strict();

const systemMessage = z.object({ role: z.enum(["system", "developer"]), content: z.union([text, z.array(textPart)]), name: z.string().optional() }).strict();
const userMessage = z.object({ role: z.literal("user"), content: z.union([text, z.array(z.union([textPart, imagePart, filePart]))]), name: z.string().optional() }).strict();
const assistantMessage = z
  .object({
    role: z.literal("assistant"),
    content: z.union([text, z.array(z.union([assistantTextPart, refusalPart]))]).nullish(),
    name: z.string().optional(),
    refusal: z.string().nullish(),
    tool_calls: z.array(toolCall).optional(),
    // What thinkgate's own answer carries (response.ts): a client that sends the message back as it got it is not refused.
    // Ignored: the gateway puts the signed thinking blocks back itself (hidden-thinking.ts).
    reasoning_content: z.string().nullish(),
    reasoning: z.string().nullish(),
    annotations: z.array(z.unknown()).nullish(),
    // Added by the OpenAI SDK's parse and stream helpers (ParsedChatCompletionMessage).
    parsed: z.unknown().optional(),
    // The Python SDK's stream helper sends these back as null.
    audio: neverAnswered("audio output is not supported"),
    function_call: neverAnswered("use tool_calls"),
  })
  .strict();
const toolMessage = z.object({ role: z.literal("tool"), content: z.union([text, z.array(textPart)]), tool_call_id: z.string().min(1) }).strict();

const message = z.discriminatedUnion("role", [systemMessage, userMessage, assistantMessage, toolMessage], {
  error: (i) => (i.code === "invalid_union" ? "role must be system, developer, user, assistant or tool" : undefined),
});

const functionTool = z
  .object({
    type: z.literal("function"),
    function: z
      .object({
        name: z.string().min(1),
        description: z.string().optional(),
        parameters: z.record(z.string(), z.unknown()).optional(),
        strict: z.boolean().nullish(),
      })
      .strict(),
  })
  .strict();

const toolChoice = z.union([
  z.enum(["none", "auto", "required"]),
  z.object({ type: z.literal("function"), function: z.object({ name: z.string().min(1) }).strict() }).strict(),
]);

export const REASONING_EFFORTS = ["none", "minimal", "low", "medium", "high", "xhigh", "max"] as const;
export type ReasoningEffort = (typeof REASONING_EFFORTS)[number];

/**
 * Structured outputs: OpenAI's `json_schema` response format is the Messages
 * API's `output_config.format` (the SDKs' parse() helpers and zodResponseFormat
 * send it). `json_object` ("any JSON") has no counterpart there: refused with
 * what to send instead, rather than answered with prose.
 */
const responseFormat = z.discriminatedUnion(
  "type",
  [
    z.object({ type: z.literal("text") }).strict(),
    z
      .object({
        type: z.literal("json_schema"),
        json_schema: z.object({ name: z.string(), description: z.string().optional(), schema: z.record(z.string(), z.unknown()).optional(), strict: z.boolean().nullish() }).strict(),
      })
      .strict(),
  ],
  { error: 'response_format: "text" or "json_schema" (with its schema); "json_object" has no counterpart in the Messages API' },
);

/** The Messages API's output_config.format for a response format, or undefined for plain text. */
export function outputFormat(f: z.infer<typeof responseFormat> | undefined): { type: "json_schema"; schema: Record<string, unknown> } | undefined {
  if (f?.type !== "json_schema") return undefined;
  return { type: "json_schema", schema: f.json_schema.schema ?? { type: "object" } };
}

export const chatRequestSchema = z
  .object({
    model: z.string().min(1),
    // Checked a slice at a time by parseChatRequest: up to 100,000 of them.
    messages: listOnly({ min: { length: 1 } }),
    max_tokens: z.number().int().min(1).max(MAX_TOKENS_LIMIT, "at most 1,000,000").nullish(),
    max_completion_tokens: z.number().int().min(1).max(MAX_TOKENS_LIMIT, "at most 1,000,000").nullish(),
    stop: z.union([z.string(), z.array(z.string()).max(4, "at most 4 stop sequences")], { error: "stop is a string or a list of at most 4 strings" }).nullish(),
    stream: z.boolean().nullish(),
    stream_options: z.object({ include_usage: z.boolean().optional(), include_obfuscation: z.boolean().optional() }).strict().nullish(),
    reasoning_effort: z.enum(REASONING_EFFORTS).nullish(),
    // Checked one at a time between turns of other requests' work by parseChatRequest.
    tools: listOnly().optional(),
    tool_choice: toolChoice.optional(),
    parallel_tool_calls: z.boolean().optional(),
    user: z.string().optional(),
    safety_identifier: z.string().optional(),
    temperature: z.number().nullish(),
    top_p: z.number().nullish(),
    frequency_penalty: z.number().nullish(),
    presence_penalty: z.number().nullish(),
    seed: z.number().int().nullish(),
    logit_bias: z.record(z.string(), z.number()).nullish(),
    // false asks for nothing: accepted; true would change the answer's shape (see DROPPABLE).
    logprobs: z.literal(false, { error: "logprobs: this field is not supported by thinkgate's Chat Completions endpoint" }).nullish(),
    n: z.literal(1, { error: "n: only 1 choice is supported" }).nullish(),
    // 0 and ["text"] ask for what every answer is anyway (clients send them as defaults); more would change its shape.
    top_logprobs: z.literal(0, { error: "top_logprobs: this field is not supported by thinkgate's Chat Completions endpoint" }).nullish(),
    modalities: z
      .array(z.string())
      .refine((m) => m.every((x) => x === "text"), { error: 'modalities: only "text" is supported (audio output is not)' })
      .nullish(),
    verbosity: z.enum(["low", "medium", "high"]).nullish(),
    // Accepted and ignored: they change nothing about the answer.
    store: z.boolean().nullish(),
    metadata: z.record(z.string(), z.string()).nullish(),
    service_tier: z.string().nullish(),
    prompt_cache_key: z.string().optional(),
    // The OpenAI Agents SDK sends its promptCacheRetention setting here on both endpoints; the Responses one took it, this one was a 400.
    prompt_cache_retention: z.string().nullish(),
    response_format: responseFormat.optional(),
  })
  .strict();

type ChatMessage = z.infer<typeof message>;
export type ChatRequest = Omit<z.infer<typeof chatRequestSchema>, "messages" | "tools"> & { messages: ChatMessage[]; tools?: z.infer<typeof functionTool>[] };

/**
 * Parameters dropped unless the client asks for strictness, with the reason
 * the record gives. They tune sampling only: the answer keeps its shape.
 */
const DROPPABLE = {
  temperature: "removed from the Messages API in version 2026-10-21",
  top_p: "removed from the Messages API in version 2026-10-21",
  frequency_penalty: "not a Messages API parameter",
  presence_penalty: "not a Messages API parameter",
  seed: "not a Messages API parameter",
  logit_bias: "not a Messages API parameter",
  verbosity: "not a Messages API parameter",
} as const;
export type Droppable = keyof typeof DROPPABLE;

/** The request header that turns dropping off (LiteLLM's drop_params=false): such parameters are then a 400. */
export const DROP_PARAMS_HEADER = "thinkgate-drop-params";
/** The response header naming what was dropped. */
export const DROPPED_PARAMS_HEADER = "thinkgate-dropped-params";

/** Whether the request asked for strictness; any value other than true/false is a 400 (a typo never passes silently). */
export function dropsParams(headers: Record<string, string | undefined>): boolean {
  const v = headers[DROP_PARAMS_HEADER]?.trim().toLowerCase();
  if (v === undefined || v === "" || v === "true") return true;
  if (v === "false") return false;
  throw invalidParam(null, `${DROP_PARAMS_HEADER} must be true or false`);
}

/**
 * The parameters of `req` the Messages API does not take: their names, with
 * the record's note for each. With `drop` false, the first one is a 400 in
 * the API's own words ("temperature: Extra inputs are not permitted").
 * `fields` names a parameter the endpoint takes elsewhere than at the top
 * (the Responses API's verbosity is text.verbosity): the client is told of
 * the field it sent.
 */
export function droppedParams(req: Partial<Record<Droppable, unknown>>, drop: boolean, fields: Partial<Record<Droppable, string>> = {}): { names: string[]; notes: string[] } {
  const keys = (Object.keys(DROPPABLE) as Droppable[]).filter((k) => req[k] !== undefined && req[k] !== null);
  const names = keys.map((k) => fields[k] ?? k);
  if (!drop && keys.length) {
    const [k, name] = [keys[0]!, names[0]!];
    throw invalidParam(name, `${name}: Extra inputs are not permitted (${DROPPABLE[k]}; thinkgate drops it unless ${DROP_PARAMS_HEADER}: false)`);
  }
  return { names, notes: keys.map((k, i) => `${names[i]} dropped: ${DROPPABLE[k]} (OpenAI-compatible endpoint)`) };
}

/** A zod problem as OpenAI reports it: one message, the top-level field as `param`. */
export function toParamError(err: Pick<z.ZodError, "issues">, endpoint = "Chat Completions"): AppError {
  const i = err.issues[0]!;
  if (i.code === "unrecognized_keys") {
    const key = (i as { keys: string[] }).keys[0]!;
    const path = [...i.path, key].join(".");
    return invalidParam(path, `${path}: this field is not supported by thinkgate's ${endpoint} endpoint`);
  }
  const path = i.path.map(String).join(".");
  if (endpoint === "Chat Completions" && i.code === "invalid_union" && i.path[i.path.length - 1] === "content") {
    return invalidParam(path, `${path}: content is a string or a list of text parts (user messages: also image_url and file parts); audio parts are not supported`);
  }
  // Some messages name their field already ("n: only 1 choice is supported").
  const top = String(i.path[0] ?? "");
  const msg = top && i.message.startsWith(`${top}:`) ? i.message : path ? `${path}: ${i.message}` : i.message;
  return invalidParam(typeof i.path[0] === "string" ? path : null, msg);
}

const messageSlice = z.array(message);
/** Messages checked per slice: a few milliseconds of work. */
const MESSAGES_PER_SLICE = 1000;
/**
 * The longest list inside one message (content parts, tool calls), checked in
 * one piece of work (100,000 parts took 140–280 ms), and the most tools
 * (checked in turns). Far beyond what a client sends.
 */
export const MAX_LIST = 10_000;

/**
 * Each item of a list checked by `check`, with other requests served once a
 * turn's time is used: 10,000 tools checked in one piece held the event loop
 * for ~85 ms the first time (the schema's code is not yet warm).
 */
export async function checkEachInTurns<T>(items: readonly unknown[], check: (item: unknown, i: number) => T, turn: () => Promise<void>): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < items.length; i++) {
    out.push(check(items[i], i));
    await turn();
  }
  return out;
}

function checkListLength(list: unknown, param: string, what: string): void {
  if (Array.isArray(list) && list.length > MAX_LIST) throw invalidParam(param, `${param}: at most ${MAX_LIST} ${what}`);
}

/**
 * The request's top-level fields without those sent as null: OpenAI reads a
 * null there as a field not sent, and clients that serialise every field of
 * their request type send them ("user": null, "tools": null, "audio": null).
 */
export function withoutNullFields(raw: object): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(raw)) if (v !== null) out[k] = v;
  return out;
}

/**
 * The request checked, its messages a slice at a time with other requests
 * served between slices (100,000 messages in one call held the event loop
 * for about 100 ms).
 */
export async function parseChatRequest(body: unknown): Promise<ChatRequest> {
  if (typeof body !== "object" || body === null || Array.isArray(body)) throw invalidParam(null, "request body must be a JSON object");
  const raw = withoutNullFields(body);
  checkListLength(raw.tools, "tools", "tools");
  const parsed = chatRequestSchema.safeParse(raw);
  if (!parsed.success) throw toParamError(parsed.error);
  // Options of a stream the request does not ask for: OpenAI refuses them in these words.
  if (parsed.data.stream_options && parsed.data.stream !== true) throw invalidParam("stream_options", "The 'stream_options' parameter is only allowed when 'stream' is enabled.");
  const messages: ChatMessage[] = [];
  const turn = turnBudget();
  for (let at = 0; at < parsed.data.messages.length; at += MESSAGES_PER_SLICE) {
    const raws = parsed.data.messages.slice(at, at + MESSAGES_PER_SLICE);
    raws.forEach((m, k) => {
      const { content, tool_calls } = (typeof m === "object" && m !== null ? m : {}) as { content?: unknown; tool_calls?: unknown };
      checkListLength(content, `messages.${at + k}.content`, "content parts");
      checkListLength(tool_calls, `messages.${at + k}.tool_calls`, "tool calls");
    });
    const slice = messageSlice.safeParse(raws);
    if (!slice.success) throw toParamError({ issues: slice.error.issues.map((i) => ({ ...i, path: ["messages", Number(i.path[0]) + at, ...i.path.slice(1)] })) });
    for (const m of slice.data) messages.push(m);
    await turn();
  }
  const { tools: rawTools, ...rest } = parsed.data;
  if (rawTools === undefined) return { ...rest, messages };
  const tools = await checkEachInTurns(
    rawTools,
    (t, i) => {
      const r = functionTool.safeParse(t);
      if (!r.success) throw toParamError({ issues: r.error.issues.map((x) => ({ ...x, path: ["tools", i, ...x.path] })) });
      return r.data;
    },
    turn,
  );
  return { ...rest, messages, tools };
}

type Block = Record<string, unknown>;

function textOf(content: string | { text: string }[]): string {
  return typeof content === "string" ? content : content.map((p) => p.text).join("\n");
}

/** How each image type's bytes begin, written in base64 (JPEG FF D8 FF, PNG 89 50 4E 47 0D 0A 1A 0A, GIF "GIF8", WebP "RIFF"). */
const IMAGE_START: Record<string, RegExp> = { "image/jpeg": /^\/9j\//, "image/png": /^iVBORw0KGgo/, "image/gif": /^R0lGOD/, "image/webp": /^UklGR/ };

/**
 * The base64 data of a file a client sent, checked by how its bytes begin and
 * by its length, so that data cut short or not of its type is refused naming
 * the client's field. Not decoded: a large file is not read whole.
 */
function checkedBase64(b64: string, start: RegExp, param: string, noun: string, kind: string): string {
  if (!start.test(b64)) throw invalidParam(param, `${param}: the ${noun}'s data is not ${kind} (base64 of its bytes, after "base64,")`);
  if (b64.length % 4 !== 0) throw invalidParam(param, `${param}: the ${noun}'s base64 data is not whole (its length is not a multiple of 4)`);
  return b64;
}

/**
 * data:image/png;base64,... → a base64 image block; https URLs → a URL image block.
 * Data that is cut short or is not of its type is refused here, naming the
 * client's field: the Messages API's 400 would name the translated message,
 * whose index is not the client's once system messages are taken out. Only
 * its length and first bytes are read, not the whole of a large image.
 */
export function imageBlock(url: string, param: string): Block {
  const data = /^data:(image\/(?:png|jpe?g|gif|webp));base64,(.+)$/is.exec(url);
  if (data) {
    // "image/jpg" is not a registered type, but browsers and libraries write it; the API knows it as image/jpeg.
    const mediaType = data[1]!.toLowerCase().replace("image/jpg", "image/jpeg");
    const b64 = checkedBase64(data[2]!, IMAGE_START[mediaType]!, param, "image", `a ${mediaType} image`);
    return { type: "image", source: { type: "base64", media_type: mediaType, data: b64 } };
  }
  if (/^https?:\/\//i.test(url)) return { type: "image", source: { type: "url", url } };
  throw invalidParam(param, `${param}: images must be a base64 data URL (png, jpeg, gif or webp) or an http(s) URL`);
}

/**
 * A file part's PDF → a document block, its filename as the document's title.
 * Checked as images are (checkedBase64), naming the client's field.
 */
export function documentBlock(file: { file_data?: string; file_id?: string; filename?: string }, param: string): Block {
  if (file.file_data === undefined) {
    throw invalidParam(
      `${param}.file_id`,
      `${param}.file_id: an OpenAI file id names a file thinkgate cannot read; send the PDF itself as file_data ("data:application/pdf;base64,...")`,
    );
  }
  const data = /^data:application\/pdf;base64,(.+)$/is.exec(file.file_data);
  if (!data) throw invalidParam(`${param}.file_data`, `${param}.file_data: files must be PDFs, as a base64 data URL ("data:application/pdf;base64,...")`);
  // "%PDF" in base64.
  const b64 = checkedBase64(data[1]!, /^JVBER/, `${param}.file_data`, "file", "a PDF");
  return { type: "document", source: { type: "base64", media_type: "application/pdf", data: b64 }, ...(file.filename ? { title: file.filename } : {}) };
}

export function parseArguments(args: string, param: string): unknown {
  // JSON inside the body's JSON, held to the body's own limits (json-body.ts): a call nested 100,000 deep passed
  // the body's check as one string, and its input overflowed the stack on the way upstream (a 500).
  const tooComplex = jsonTooComplex(args, MAX_JSON_DEPTH, MAX_JSON_VALUES, MAX_OBJECT_MEMBERS);
  if (tooComplex) {
    const why = tooComplex === "depth" ? `nest more than ${MAX_JSON_DEPTH} levels deep` : tooComplex === "values" ? "hold too many JSON values" : "hold an object with too many members";
    throw invalidParam(param, `${param}: the tool call's arguments ${why}`);
  }
  let input: unknown;
  try {
    input = args.trim() ? JSON.parse(args) : {};
  } catch {
    throw invalidParam(param, `${param}: the tool call's arguments are not valid JSON`);
  }
  // A tool's input is an object in the Messages API: said here, on the field the client sent.
  if (typeof input !== "object" || input === null || Array.isArray(input)) throw invalidParam(param, `${param}: the tool call's arguments must be a JSON object`);
  if (args.includes("__proto__") && hasProtoKey(input)) throw invalidParam(param, `${param}: "__proto__" is not allowed as a key`);
  return input;
}

/** How reasoning_effort steers routing: a tier, and for reasoning how much to think. */
export function tierHint(effort: ReasoningEffort | null | undefined): { tier: "reasoning" | "standard"; budgetTier?: BudgetTier } | null {
  switch (effort) {
    case null:
    case undefined:
      return null;
    case "none":
      return { tier: "standard" };
    case "minimal":
    case "low":
      return { tier: "reasoning", budgetTier: "simple" };
    case "medium":
      return { tier: "reasoning", budgetTier: "complex" };
    default:
      return { tier: "reasoning", budgetTier: "maximum" };
  }
}

/**
 * OpenAI's rule for tool messages, checked in its terms and wording before
 * translation: each answers a call of the assistant message just before the
 * run of tool messages it belongs to, and every call of that message is
 * answered before anything else comes. Left to the Messages API, the same
 * mistake comes back about translated turns the client never sent.
 */
function toolCallPairing() {
  let open: { at: number; ids: Set<string> } | null = null;
  const unanswered = () => {
    if (open?.ids.size) {
      throw invalidParam(
        `messages.[${open.at}].role`,
        `An assistant message with 'tool_calls' must be followed by tool messages responding to each 'tool_call_id'. The following tool_call_ids did not have response messages: ${[...open.ids].join(", ")}`,
      );
    }
  };
  return {
    next(i: number, m: ChatRequest["messages"][number]) {
      if (m.role === "tool") {
        if (!open?.ids.delete(m.tool_call_id)) {
          throw invalidParam(`messages.[${i}].role`, "Invalid parameter: messages with role 'tool' must be a response to a preceeding message with 'tool_calls'.");
        }
        return;
      }
      unanswered();
      open = m.role === "assistant" && m.tool_calls?.length ? { at: i, ids: new Set(m.tool_calls.map((c) => c.id)) } : null;
    },
    end: unanswered,
  };
}

/** The Messages body for a parsed Chat Completions request; its messages translated in turns. */
export async function toMessagesBody(req: ChatRequest): Promise<MessagesBody> {
  const system: string[] = [];
  const turns: { role: "user" | "assistant"; content: Block[] }[] = [];
  const push = (role: "user" | "assistant", blocks: Block[]) => {
    const last = turns[turns.length - 1];
    // Tool results arrive as one message each; the Messages API wants them in one user turn.
    if (last && last.role === role) last.content.push(...blocks);
    else turns.push({ role, content: blocks });
  };
  const turn = turnBudget();
  const calls = toolCallPairing();
  for (let i = 0; i < req.messages.length; i++) {
    await turn();
    const m = req.messages[i]!;
    const at = `messages.${i}`;
    calls.next(i, m);
    switch (m.role) {
      case "system":
      case "developer":
        system.push(textOf(m.content));
        break;
      case "user": {
        // Empty text carries nothing, and the Messages API refuses it: left out, and a message with nothing else is refused here, by the client's field.
        const blocks: Block[] =
          typeof m.content === "string"
            ? m.content
              ? [{ type: "text", text: m.content }]
              : []
            : m.content.flatMap((p, j): Block[] =>
                p.type === "image_url"
                  ? [imageBlock(p.image_url.url, `${at}.content.${j}.image_url.url`)]
                  : p.type === "file"
                    ? [documentBlock(p.file, `${at}.content.${j}.file`)]
                    : p.text
                      ? [{ type: "text", text: p.text }]
                      : [],
              );
        if (!blocks.length) throw invalidParam(`${at}.content`, `${at}.content: a user message needs text, an image or a file (the Messages API refuses empty text)`);
        push("user", blocks);
        break;
      }
      case "assistant": {
        const blocks: Block[] = [];
        const content = m.content ?? "";
        const t = typeof content === "string" ? content : content.map((p) => (p.type === "text" ? p.text : p.refusal)).join("\n");
        if (t) blocks.push({ type: "text", text: t });
        m.tool_calls?.forEach((c, j) =>
          blocks.push({ type: "tool_use", id: c.id, name: c.function.name, input: parseArguments(c.function.arguments, `${at}.tool_calls.${j}.function.arguments`) }),
        );
        // A message that carries only an answer's thinking text (the OpenAI Agents SDK sends a reasoning item back so,
        // before the message with the answer's calls) adds nothing: the gateway puts the signed thinking back itself.
        if (!blocks.length && (m.reasoning || m.reasoning_content)) break;
        if (!blocks.length) throw invalidParam(`${at}.content`, `${at}.content: an assistant message needs content or tool_calls`);
        push("assistant", blocks);
        break;
      }
      case "tool":
        push("user", [{ type: "tool_result", tool_use_id: m.tool_call_id, content: textOf(m.content) }]);
        break;
    }
  }
  calls.end();
  if (!turns.length) throw invalidParam("messages", "messages: at least one user or assistant message is required");

  const body: MessagesBody = {
    model: req.model,
    max_tokens: req.max_completion_tokens ?? req.max_tokens ?? DEFAULT_MAX_TOKENS,
    messages: turns,
  };
  if (system.length) body.system = system.join("\n\n");
  if (req.stop != null) body.stop_sequences = typeof req.stop === "string" ? [req.stop] : req.stop;
  if (req.stream) body.stream = true;
  const user = req.safety_identifier ?? req.user;
  if (user) body.metadata = { user_id: user };
  const format = outputFormat(req.response_format);
  if (format) body.output_config = { format };
  if (req.tools?.length) {
    body.tools = req.tools.map((t) => ({
      name: t.function.name,
      ...(t.function.description ? { description: t.function.description } : {}),
      input_schema: t.function.parameters ?? { type: "object", properties: {} },
      ...(t.function.strict ? { strict: true } : {}),
    }));
  }
  const choice = req.tool_choice;
  const toolChoice = messagesToolChoice(choice === undefined || typeof choice === "string" ? choice : { name: choice.function.name }, req.parallel_tool_calls, !!req.tools?.length);
  if (toolChoice) body.tool_choice = toolChoice;
  return body;
}

/**
 * The Messages API's tool_choice for an OpenAI request's tool_choice (a mode,
 * or the name of the one tool to call) and parallel_tool_calls, on both
 * OpenAI endpoints; undefined when they ask nothing.
 *  - parallel_tool_calls speaks of tool calls: with no tools it asks nothing.
 *    Clients set it once for every call (the OpenAI Agents SDK does), and as a
 *    tool_choice of its own it was refused ("tool_choice may only be
 *    specified while providing tools").
 *  - "auto" and "none" with no tools ask nothing either; a choice of a tool
 *    with none given stays, and is refused.
 */
export function messagesToolChoice(
  choice: "auto" | "none" | "required" | { name: string } | undefined,
  parallel: boolean | null | undefined,
  hasTools: boolean,
): MessagesBody["tool_choice"] | undefined {
  const serial = parallel === false && hasTools;
  if (!((choice !== undefined && (hasTools || (choice !== "auto" && choice !== "none"))) || serial)) return undefined;
  const base =
    choice === undefined || choice === "auto"
      ? { type: "auto" as const }
      : choice === "none"
        ? { type: "none" as const }
        : choice === "required"
          ? { type: "any" as const }
          : { type: "tool" as const, name: choice.name };
  return serial && base.type !== "none" ? { ...base, disable_parallel_tool_use: true } : base;
}
