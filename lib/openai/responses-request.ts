/**
 * A Responses API request (OpenAI's `POST /v1/responses`) as a Messages
 * request: the API the Vercel AI SDK's OpenAI provider, the OpenAI Agents SDK
 * and `client.responses.create` speak. The translation follows the Chat
 * Completions one (request.ts) wherever the two APIs mean the same thing:
 * the same dropped sampling parameters, the same reasoning effort hint, the
 * same tool and tool_choice mapping, the same 400 naming a field thinkgate
 * cannot honour.
 *
 * What maps: `instructions` and system/developer messages → `system`; user and
 * assistant messages (text, images by data or https URL, PDFs by data) → turns;
 * `function_call` items → tool_use blocks (call_id is the tool_use id) and
 * `function_call_output` items → tool_result blocks; `reasoning` items a
 * client echoes back are skipped (the gateway puts the real thinking blocks
 * back, lib/gateway/hidden-thinking.ts); `item_reference` items are parsed
 * here and replaced by the items they name before translation
 * (item-references.ts); max_output_tokens → max_tokens;
 * function tools; reasoning.effort → the tier hint; user /
 * safety_identifier → metadata.user_id; text.format json_schema →
 * output_config.format (structured outputs).
 *
 * Refused: anything that needs state thinkgate does not keep
 * (previous_response_id, conversation, background runs, prompt templates),
 * OpenAI's built-in tools, files by id or URL, the json_object format and logprobs.
 */
import { z } from "zod";
import { listOnly } from "../api/list-schema";
import { MAX_TOKENS_LIMIT } from "../gateway/body";
import type { MessagesBody } from "../routing/request";
import { turnBudget } from "../runtime/turns";
import { checkEachInTurns, DEFAULT_MAX_TOKENS, documentBlock, imageBlock, invalidParam, MAX_LIST, messagesToolChoice, parseArguments, REASONING_EFFORTS, toParamError, withoutNullFields } from "./request";

const ENDPOINT = "Responses";

const inputText = z
  .object({
    type: z.enum(["input_text", "output_text"]),
    text: z.string(),
    // What an output_text part the client echoes back carries (parsed: added by the SDK's parse and stream helpers).
    annotations: z.array(z.unknown()).optional(),
    logprobs: z.array(z.unknown()).optional(),
    parsed: z.unknown().optional(),
  })
  .strict();
const inputImage = z
  .object({
    type: z.literal("input_image"),
    image_url: z.string({ error: "only images given by image_url are supported (a data URL or an http(s) URL; file_id needs OpenAI's Files API)" }),
    detail: z.enum(["low", "high", "auto", "original"]).optional(),
    file_id: z.null().optional(),
  })
  .strict();
/** A PDF given by its data (what Chat Completions' file part takes, request.ts documentBlock); file_id and file_url name files thinkgate cannot read. */
const inputFile = z
  .object({
    type: z.literal("input_file"),
    file_data: z.string().optional(),
    filename: z.string().optional(),
    file_id: z.string().nullish(),
    file_url: z.null({ error: "a file given by URL is not supported; send the PDF itself as file_data (\"data:application/pdf;base64,...\")" }).optional(),
  })
  .strict();
const refusal = z.object({ type: z.literal("refusal"), refusal: z.string() }).strict();
const part = z.discriminatedUnion("type", [inputText, inputImage, inputFile, refusal]);
const PART_TYPES = new Set(["input_text", "output_text", "input_image", "input_file", "refusal"]);

const messageFields = {
  type: z.literal("message").optional(),
  role: z.enum(["user", "assistant", "system", "developer"]),
  // What an output message the client echoes back carries.
  id: z.string().optional(),
  status: z.string().nullish(),
  phase: z.string().nullish(),
};
// Two schemas rather than a union on content, so that a bad part is reported where it is.
const textMessage = z.object({ ...messageFields, content: z.string() }).strict();
const partsMessage = z.object({ ...messageFields, content: z.array(part) }).strict();
const message = z.union([textMessage, partsMessage]);
const functionCall = z
  .object({
    type: z.literal("function_call"),
    call_id: z.string().min(1),
    name: z.string().min(1),
    arguments: z.string(),
    // Added by the OpenAI SDK's parse and stream helpers to the items of their final response.
    parsed_arguments: z.unknown().optional(),
    id: z.string().nullish(),
    status: z.string().nullish(),
  })
  .strict();
const functionCallOutput = z
  .object({
    type: z.literal("function_call_output"),
    call_id: z.string().min(1),
    output: z.union([z.string(), z.array(inputText)], { error: "the output is a string or a list of input_text parts" }),
    id: z.string().nullish(),
    status: z.string().nullish(),
  })
  .strict();
/** A reasoning item of an earlier answer, echoed back: its content is not read (see the top of this file). */
const reasoning = z.object({ type: z.literal("reasoning"), id: z.string().optional(), summary: z.array(z.unknown()), content: z.array(z.unknown()).nullish(), encrypted_content: z.string().nullish(), status: z.string().nullish() }).strict();

/** An earlier answer's output item named by its id (resolved by item-references.ts). OpenAI's type lets `type` be left out. */
const itemReference = z.object({ type: z.literal("item_reference").nullish(), id: z.string().min(1) }).strict();
export type ItemReference = { type: "item_reference"; id: string };

/** An input item as the client sent it, references included. */
export type Item = z.infer<typeof message> | z.infer<typeof functionCall> | z.infer<typeof functionCallOutput> | z.infer<typeof reasoning> | ItemReference;

const functionTool = z
  .object({
    type: z.literal("function"),
    name: z.string().min(1),
    description: z.string().nullish(),
    parameters: z.record(z.string(), z.unknown()).nullish(),
    strict: z.boolean().nullish(),
  })
  .strict();

const toolChoice = z.union([z.enum(["none", "auto", "required"]), z.object({ type: z.literal("function"), name: z.string().min(1) }).strict()], {
  error: 'tool_choice is "none", "auto", "required" or {"type":"function","name":...}; built-in and allowed_tools choices are not supported',
});

/** Fields whose refusal says why: they need state thinkgate does not keep. */
const STATEFUL = {
  previous_response_id: "previous_response_id: thinkgate does not store responses; send the full input (earlier output items in full or by item_reference) instead",
  conversation: "conversation: thinkgate does not store conversations; send the full input instead",
  prompt: "prompt: thinkgate does not have OpenAI's stored prompt templates; send instructions and input instead",
} as const;

export const responsesRequestSchema = z
  .object({
    model: z.string().min(1),
    input: z.union([z.string(), listOnly({ min: { length: 1 } })]),
    instructions: z.string().nullish(),
    max_output_tokens: z.number().int().min(1).max(MAX_TOKENS_LIMIT, "at most 1,000,000").nullish(),
    stream: z.boolean().nullish(),
    stream_options: z.object({ include_obfuscation: z.boolean().optional() }).strict().nullish(),
    reasoning: z
      .object({
        effort: z.enum(REASONING_EFFORTS).nullish(),
        // The thinking's text is always given as the reasoning item's summary (responses-response.ts).
        summary: z.enum(["auto", "concise", "detailed"]).nullish(),
        generate_summary: z.enum(["auto", "concise", "detailed"]).nullish(),
      })
      .strict()
      .nullish(),
    tools: listOnly().optional(),
    tool_choice: toolChoice.optional(),
    parallel_tool_calls: z.boolean().nullish(),
    user: z.string().optional(),
    safety_identifier: z.string().optional(),
    temperature: z.number().nullish(),
    top_p: z.number().nullish(),
    text: z
      .object({
        // Structured outputs: a json_schema format is the Messages API's output_config.format (as in request.ts).
        format: z
          .discriminatedUnion(
            "type",
            [
              z.object({ type: z.literal("text") }).strict(),
              z
                .object({ type: z.literal("json_schema"), name: z.string(), description: z.string().optional(), schema: z.record(z.string(), z.unknown()), strict: z.boolean().nullish() })
                .strict(),
            ],
            { error: '"text" or "json_schema" (with its schema); "json_object" has no counterpart in the Messages API' },
          )
          .optional(),
        // Dropped as Chat Completions' verbosity is (request.ts DROPPABLE), and named text.verbosity: the OpenAI Agents
        // SDK sends its modelSettings.text here (and its gpt-5 defaults do), and it was a 400.
        verbosity: z.enum(["low", "medium", "high"]).nullish(),
      })
      .strict()
      .optional(),
    // "reasoning.encrypted_content" asks for what lets a stateless client send thinking back; thinkgate keeps it instead.
    include: z.array(z.literal("reasoning.encrypted_content", { error: 'only "reasoning.encrypted_content" is accepted (thinkgate keeps the thinking itself)' })).nullish(),
    top_logprobs: z.literal(0, { error: "logprobs are not supported" }).nullish(),
    background: z.literal(false, { error: "background responses need stored state, which thinkgate does not keep" }).nullish(),
    // false: the answer's output items are not kept for item references (item-references.ts).
    store: z.boolean().nullish(),
    // Accepted and ignored: they change nothing about the answer. With truncation "auto" an over-long input is a 400, never cut silently.
    metadata: z.record(z.string(), z.string()).nullish(),
    truncation: z.enum(["auto", "disabled"]).nullish(),
    service_tier: z.string().nullish(),
    prompt_cache_key: z.string().nullish(),
    prompt_cache_retention: z.string().nullish(),
  })
  .strict();

/** Where the Responses API takes a parameter thinkgate drops (request.ts droppedParams) other than at the top of the request. */
export const RESPONSES_DROPPED_FIELDS = { verbosity: "text.verbosity" } as const;

/** The request checked; text.verbosity is taken out to `verbosity`, where the dropped parameters are looked for (droppedParams). */
export type ResponsesRequest = Omit<z.infer<typeof responsesRequestSchema>, "input" | "tools" | "text"> & {
  input: string | Item[];
  tools?: z.infer<typeof functionTool>[];
  text?: { format?: NonNullable<z.infer<typeof responsesRequestSchema>["text"]>["format"] };
  verbosity?: "low" | "medium" | "high";
};

/** Items checked between turns of other requests' work, as request.ts does with messages. */
const ITEMS_PER_SLICE = 1000;

/** The schema of one raw item by its type; a 400 for a kind of item thinkgate does not take. */
function itemSchema(raw: unknown, at: string) {
  // Not an object (null, a number...): the message schema says so in the usual 400.
  if (typeof raw !== "object" || raw === null) return partsMessage;
  const t = (raw as { type?: unknown }).type;
  switch (t) {
    case undefined:
    case null:
      // An item with an id and neither role nor content is a reference without its type.
      if ("id" in raw && !("role" in raw) && !("content" in raw)) return itemReference;
      return typeof (raw as { content?: unknown }).content === "string" ? textMessage : partsMessage;
    case "message":
      return typeof (raw as { content?: unknown }).content === "string" ? textMessage : partsMessage;
    case "function_call":
      return functionCall;
    case "function_call_output":
      return functionCallOutput;
    case "reasoning":
      return reasoning;
    case "item_reference":
      return itemReference;
    default:
      throw invalidParam(`${at}.type`, `${at}.type: ${JSON.stringify(t)} items are not supported (message, function_call, function_call_output, reasoning and item_reference are)`);
  }
}

/** One raw input item checked, errors naming it at `input.<index>`. */
export function parseItem(raw: unknown, index: number): Item {
  const where = `input.${index}`;
  const content = typeof raw === "object" && raw !== null ? (raw as { content?: unknown }).content : undefined;
  if (Array.isArray(content)) {
    if (content.length > MAX_LIST) throw invalidParam(`${where}.content`, `${where}.content: at most ${MAX_LIST} content parts`);
    content.forEach((p: unknown, j) => {
      const t = typeof p === "object" && p !== null ? (p as { type?: unknown }).type : undefined;
      if (typeof t === "string" && !PART_TYPES.has(t)) {
        const param = `${where}.content.${j}.type`;
        throw invalidParam(param, `${param}: ${JSON.stringify(t)} parts are not supported (input_text, output_text, input_image by image_url, input_file by file_data, and refusal are)`);
      }
    });
  }
  const schema = itemSchema(raw, where);
  const one = schema.safeParse(raw);
  if (!one.success) throw toParamError({ issues: one.error.issues.map((i) => ({ ...i, path: ["input", index, ...i.path] })) }, ENDPOINT);
  return schema === itemReference ? { type: "item_reference", id: (one.data as { id: string }).id } : (one.data as Item);
}

/** The 400 for a reference thinkgate cannot resolve: expired, another caller's, or never issued. */
export const unknownReference = (index: number, id: string) =>
  invalidParam(`input.${index}`, `input.${index}: item_reference ${id} is not known to thinkgate: send the item itself, or store: false`);

/** The request checked, its input items a slice at a time (as parseChatRequest does with messages). */
export async function parseResponsesRequest(body: unknown): Promise<ResponsesRequest> {
  if (typeof body !== "object" || body === null || Array.isArray(body)) throw invalidParam(null, "request body must be a JSON object");
  const raw = withoutNullFields(body);
  for (const [k, why] of Object.entries(STATEFUL)) if (raw[k] !== undefined) throw invalidParam(k, why);
  const tools = raw.tools;
  if (Array.isArray(tools) && tools.length > MAX_LIST) throw invalidParam("tools", `tools: at most ${MAX_LIST} tools`);
  const parsed = responsesRequestSchema.safeParse(raw);
  if (!parsed.success) throw toParamError(parsed.error, ENDPOINT);

  const turn = turnBudget();
  const checkedTools = await checkEachInTurns(
    parsed.data.tools ?? [],
    (t, i) => {
      const type = typeof t === "object" && t !== null ? (t as { type?: unknown }).type : undefined;
      if (type !== "function") {
        throw invalidParam(`tools.${i}.type`, `tools.${i}.type: only function tools are supported; OpenAI's built-in tools (${JSON.stringify(type)}) are not`);
      }
      const r = functionTool.safeParse(t);
      if (!r.success) throw toParamError({ issues: r.error.issues.map((x) => ({ ...x, path: ["tools", i, ...x.path] })) }, ENDPOINT);
      return r.data;
    },
    turn,
  );

  let input: string | Item[];
  if (typeof parsed.data.input === "string") input = parsed.data.input;
  else {
    const items: Item[] = [];
    for (let at = 0; at < parsed.data.input.length; at += ITEMS_PER_SLICE) {
      parsed.data.input.slice(at, at + ITEMS_PER_SLICE).forEach((r, k) => items.push(parseItem(r, at + k)));
      await turn();
    }
    input = items;
  }
  const { tools: _raw, text, ...rest } = parsed.data;
  const { verbosity, ...textRest } = text ?? {};
  return { ...rest, input, ...(_raw ? { tools: checkedTools } : {}), ...(text ? { text: textRest } : {}), ...(verbosity ? { verbosity } : {}) };
}

type Block = Record<string, unknown>;

/** The text of a content list (a function's output, a system message): its parts joined by newlines. */
function textOf(content: string | { text: string }[]): string {
  return typeof content === "string" ? content : content.map((p) => p.text).join("\n");
}

/**
 * Every function_call_output answers an earlier function_call, and every
 * function_call is answered, with OpenAI's wording (param "input"): left to
 * the Messages API, the mistake would come back about translated turns.
 */
function checkCallOutputs(items: readonly Item[]): void {
  const open = new Set<string>();
  for (const it of items) {
    if (it.type === "function_call") open.add(it.call_id);
    else if (it.type === "function_call_output" && !open.delete(it.call_id)) {
      throw invalidParam("input", `No tool call found for function call output with call_id ${it.call_id}.`);
    }
  }
  const [first] = open;
  if (first !== undefined) throw invalidParam("input", `No tool output found for function call ${first}.`);
}

/** The Messages body for a parsed Responses request; its items translated in turns. */
export async function toMessagesBodyFromResponses(req: ResponsesRequest): Promise<MessagesBody> {
  const system: string[] = [];
  if (req.instructions) system.push(req.instructions);
  const turns: { role: "user" | "assistant"; content: Block[] }[] = [];
  const push = (role: "user" | "assistant", blocks: Block[]) => {
    const last = turns[turns.length - 1];
    // An answer comes back as several items (its message, its function calls), and tool outputs as one item each:
    // the Messages API wants each side's run of them as one turn.
    if (last && last.role === role) last.content.push(...blocks);
    else turns.push({ role, content: blocks });
  };
  const items: Item[] = typeof req.input === "string" ? [{ role: "user", content: req.input }] : req.input;
  const turn = turnBudget();
  for (let i = 0; i < items.length; i++) {
    await turn();
    const it = items[i]!;
    const at = `input.${i}`;
    if (it.type === "function_call") {
      push("assistant", [{ type: "tool_use", id: it.call_id, name: it.name, input: parseArguments(it.arguments, `${at}.arguments`) }]);
    } else if (it.type === "function_call_output") {
      push("user", [{ type: "tool_result", tool_use_id: it.call_id, content: textOf(it.output) }]);
    } else if (it.type === "reasoning") {
      continue;
    } else if (it.type === "item_reference") {
      // Resolved before translation (item-references.ts); one left here names nothing thinkgate kept.
      throw unknownReference(i, it.id);
    } else if (it.role === "system" || it.role === "developer") {
      if (typeof it.content !== "string" && it.content.some((p) => p.type !== "input_text" && p.type !== "output_text")) {
        throw invalidParam(`${at}.content`, `${at}.content: a ${it.role} message takes text only`);
      }
      system.push(textOf(it.content as string | { text: string }[]));
    } else {
      const parts = typeof it.content === "string" ? [{ type: "input_text" as const, text: it.content }] : it.content;
      const blocks: Block[] = [];
      parts.forEach((p, j) => {
        if (p.type === "input_image") blocks.push(imageBlock(p.image_url, `${at}.content.${j}.image_url`));
        else if (p.type === "input_file") {
          // The API refuses a document in an assistant turn (reference §1.10): said here, on the client's field.
          if (it.role === "assistant") throw invalidParam(`${at}.content.${j}`, `${at}.content.${j}: an assistant message cannot carry a file`);
          blocks.push(documentBlock({ file_data: p.file_data, file_id: p.file_id ?? undefined, filename: p.filename }, `${at}.content.${j}`));
        } else {
          const text = p.type === "refusal" ? p.refusal : p.text;
          // An empty text block is a 400 upstream; an assistant message echoed back with no text is just nothing.
          if (text) blocks.push({ type: "text", text });
        }
      });
      if (!blocks.length) {
        if (it.role === "assistant") continue;
        throw invalidParam(`${at}.content`, `${at}.content: a user message needs some content`);
      }
      push(it.role, blocks);
    }
  }
  checkCallOutputs(items);
  if (!turns.length) throw invalidParam("input", "input: at least one user or assistant message is required");

  const body: MessagesBody = { model: req.model, max_tokens: req.max_output_tokens ?? DEFAULT_MAX_TOKENS, messages: turns };
  if (system.length) body.system = system.join("\n\n");
  if (req.stream) body.stream = true;
  const user = req.safety_identifier ?? req.user;
  if (user) body.metadata = { user_id: user };
  const format = req.text?.format;
  if (format?.type === "json_schema") body.output_config = { format: { type: "json_schema", schema: format.schema } };
  if (req.tools?.length) {
    body.tools = req.tools.map((t) => ({
      name: t.name,
      ...(t.description ? { description: t.description } : {}),
      input_schema: t.parameters ?? { type: "object", properties: {} },
      ...(t.strict ? { strict: true } : {}),
    }));
  }
  const choice = req.tool_choice;
  const toolChoice = messagesToolChoice(choice === undefined || typeof choice === "string" ? choice : { name: choice.name }, req.parallel_tool_calls, !!req.tools?.length);
  if (toolChoice) body.tool_choice = toolChoice;
  return body;
}
