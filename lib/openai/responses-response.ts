/**
 * Messages API answers as Responses API answers: a whole message as a
 * `response` object, a stream of Messages events as the Responses API's named
 * events (response.created … response.completed, each with its
 * sequence_number). Errors keep OpenAI's error shape (response.ts).
 *
 * Each content block of the answer becomes one output item, in order: a
 * thinking block a `reasoning` item whose summary is the thinking's text (the
 * text the route returns; none when the model's thinking display is omitted),
 * a text block a `message` item with one `output_text` part, a tool_use block
 * a `function_call` item whose call_id is the tool_use id. Other blocks
 * (redacted thinking) are not shown. The ids name the request:
 * resp_<request id>, and msg_/fc_/rs_<request id>_<output index>.
 *
 * usage.output_tokens is the billed output, thinking included, and
 * output_tokens_details.reasoning_tokens the thinking part of it, as
 * toChatUsage counts them.
 */
import { encodeEvent } from "../gateway/sse";
import { stringifyDeep } from "../api/json-text";
import { mergeStreamUsage, normalizeUsage, type AnthropicUsage } from "../pricing/usage";
import { toChatError } from "./errors";
import { toChatUsage, type MessageBlock } from "./response";
import type { ResponsesRequest } from "./responses-request";
import { messagesEvents, type StreamEvent } from "./translated";

export interface ResponseUsage {
  input_tokens: number;
  input_tokens_details: { cached_tokens: number; cache_write_tokens: number };
  output_tokens: number;
  output_tokens_details: { reasoning_tokens: number };
  total_tokens: number;
}

export function toResponseUsage(u: AnthropicUsage | null | undefined): ResponseUsage {
  const c = toChatUsage(u);
  const b = normalizeUsage(u ?? ({} as AnthropicUsage));
  return {
    input_tokens: c.prompt_tokens,
    // The SDKs' ResponseUsage requires both: cache reads, and cache writes (both TTLs).
    input_tokens_details: { cached_tokens: c.prompt_tokens_details.cached_tokens, cache_write_tokens: b.cacheWrite5m + b.cacheWrite1h },
    output_tokens: c.completion_tokens,
    output_tokens_details: { reasoning_tokens: c.completion_tokens_details.reasoning_tokens },
    total_tokens: c.total_tokens,
  };
}

type Status = "completed" | "incomplete" | "in_progress" | "failed";

/** The response's status and why it is incomplete, from the Messages stop reason. */
function outcome(stop: string | null | undefined): { status: Status; incomplete_details: { reason: "max_output_tokens" | "content_filter" } | null } {
  switch (stop) {
    case "max_tokens":
    case "model_context_window_exceeded":
      return { status: "incomplete", incomplete_details: { reason: "max_output_tokens" } };
    case "refusal":
      return { status: "incomplete", incomplete_details: { reason: "content_filter" } };
    default:
      return { status: "completed", incomplete_details: null };
  }
}

/** What names the response and what it echoes of its request. */
export interface ResponseContext {
  /** The gateway's request id, which names the trace. */
  requestId: string;
  createdAt: number;
  request: ResponsesRequest;
  /**
   * Keeps a finished answer's output items for later item references
   * (item-references.ts); called before the answer or its last event goes
   * out, so a client's next request finds them.
   */
  keep?: (output: OutputItem[], model: string) => void;
}

export const responseId = (requestId: string) => `resp_${requestId}`;

export type OutputItem = Record<string, unknown> & { type: string; id: string };

/** The response object around its output: the request's settings echoed back as OpenAI does. */
function responseObject(ctx: ResponseContext, model: string, fields: { status: Status; output: OutputItem[]; usage: ResponseUsage | null; incomplete_details?: unknown; error?: unknown }) {
  const r = ctx.request;
  const done = fields.status === "completed" || fields.status === "incomplete";
  return {
    id: responseId(ctx.requestId),
    object: "response" as const,
    created_at: ctx.createdAt,
    status: fields.status,
    completed_at: done ? Math.floor(Date.now() / 1000) : null,
    background: false,
    error: fields.error ?? null,
    incomplete_details: fields.incomplete_details ?? null,
    instructions: r.instructions ?? null,
    max_output_tokens: r.max_output_tokens ?? null,
    metadata: r.metadata ?? {},
    model,
    output: fields.output,
    parallel_tool_calls: r.parallel_tool_calls ?? true,
    previous_response_id: null,
    reasoning: { effort: r.reasoning?.effort ?? null, summary: r.reasoning?.summary ?? null },
    // Whether its items were kept for item references (item-references.ts).
    store: r.store !== false,
    // Not applied: the Messages API version thinkgate forwards with has neither (request.ts, DROPPABLE).
    temperature: null,
    top_p: null,
    // The request's format, as OpenAI echoes it (a json_schema format with its schema).
    text: { format: r.text?.format ?? { type: "text" } },
    tool_choice: r.tool_choice ?? "auto",
    tools: (r.tools ?? []).map((t) => ({ type: "function", name: t.name, description: t.description ?? null, parameters: t.parameters ?? null, strict: t.strict ?? null })),
    truncation: r.truncation ?? "disabled",
    usage: fields.usage,
    user: r.user ?? null,
  };
}


interface AnthropicMessage {
  model?: string;
  content?: MessageBlock[];
  stop_reason?: string | null;
  usage?: AnthropicUsage;
}

const itemSuffix = (ctx: ResponseContext, index: number) => `${ctx.requestId}_${index}`;

const messageItem = (id: string, text: string, status: Status) => ({
  type: "message",
  id,
  status,
  role: "assistant",
  content: [{ type: "output_text", text, annotations: [] }],
});
const functionCallItem = (id: string, b: { id?: string; name?: string }, args: string, status: Status) => ({
  type: "function_call",
  id,
  call_id: b.id ?? "",
  name: b.name ?? "",
  arguments: args,
  status,
});
const reasoningItem = (id: string, text: string) => ({ type: "reasoning", id, summary: text ? [{ type: "summary_text", text }] : [] });

/** A whole Messages answer as a Responses `response`. */
export function toResponse(msg: AnthropicMessage, ctx: ResponseContext) {
  // Only objects are blocks: what the upstream sent is not trusted to have the API's shape (as toChatCompletion).
  const blocks = (Array.isArray(msg.content) ? msg.content : []).filter((b): b is MessageBlock => typeof b === "object" && b !== null);
  const { status, incomplete_details } = outcome(msg.stop_reason);
  const output: OutputItem[] = [];
  for (const b of blocks) {
    const n = itemSuffix(ctx, output.length);
    if (b.type === "text" && b.text) output.push(messageItem(`msg_${n}`, b.text, status));
    else if (b.type === "tool_use") output.push(functionCallItem(`fc_${n}`, b, stringifyDeep(b.input ?? {}), status));
    else if (b.type === "thinking") output.push(reasoningItem(`rs_${n}`, b.thinking ?? ""));
  }
  const model = msg.model ?? ctx.request.model;
  ctx.keep?.(output, model);
  return responseObject(ctx, model, { status, output, usage: toResponseUsage(msg.usage), incomplete_details });
}

/** An output item being streamed: the Messages block it comes from, and what it has received so far. */
interface OpenItem {
  kind: "message" | "function_call" | "reasoning";
  id: string;
  outputIndex: number;
  block: MessageBlock;
  text: string;
}

/**
 * Re-encodes a Messages SSE stream as Responses API events. response.created
 * and response.in_progress open it; each block opens an output item
 * (output_item.added, and for a message its content_part.added), streams its
 * deltas (output_text.delta, function_call_arguments.delta,
 * reasoning_summary_text.delta) and closes it (the matching .done events, then
 * output_item.done). response.completed, or response.incomplete when the
 * answer was cut short, carries the whole response with its usage. An error
 * event of the upstream becomes an `error` event and response.failed.
 */
export async function* toResponseEvents(source: AsyncIterable<string | Uint8Array>, ctx: ResponseContext): AsyncGenerator<string> {
  let model = ctx.request.model;
  let usage: AnthropicUsage | null = null;
  let stopReason: string | null = null;
  let seq = 0;
  let started = false;
  let done = false;
  let items = 0;
  const output: OutputItem[] = [];
  /** Messages block index → the item it streams. */
  const open = new Map<number, OpenItem>();
  const emit = (type: string, payload: Record<string, unknown>) => encodeEvent(type, { type, sequence_number: seq++, ...payload });

  function* start(): Generator<string> {
    if (started) return;
    started = true;
    const response = responseObject(ctx, model, { status: "in_progress", output: [], usage: null });
    yield emit("response.created", { response });
    yield emit("response.in_progress", { response });
  }

  function* openItem(index: number, b: MessageBlock): Generator<string> {
    const at = items++;
    const n = itemSuffix(ctx, at);
    if (b.type === "text") {
      const it: OpenItem = { kind: "message", id: `msg_${n}`, outputIndex: at, block: b, text: "" };
      open.set(index, it);
      yield emit("response.output_item.added", { output_index: at, item: { ...messageItem(it.id, "", "in_progress"), content: [] } });
      yield emit("response.content_part.added", { item_id: it.id, output_index: at, content_index: 0, part: { type: "output_text", text: "", annotations: [] } });
      if (b.text) yield* delta(it, b.text);
    } else if (b.type === "tool_use") {
      const it: OpenItem = { kind: "function_call", id: `fc_${n}`, outputIndex: at, block: b, text: "" };
      open.set(index, it);
      yield emit("response.output_item.added", { output_index: at, item: functionCallItem(it.id, b, "", "in_progress") });
    } else if (b.type === "thinking") {
      const it: OpenItem = { kind: "reasoning", id: `rs_${n}`, outputIndex: at, block: b, text: "" };
      open.set(index, it);
      yield emit("response.output_item.added", { output_index: at, item: reasoningItem(it.id, "") });
      if (b.thinking) yield* delta(it, b.thinking);
    }
  }

  function* delta(it: OpenItem, text: string): Generator<string> {
    const where = { item_id: it.id, output_index: it.outputIndex };
    if (it.kind === "message") yield emit("response.output_text.delta", { ...where, content_index: 0, delta: text, logprobs: [] });
    else if (it.kind === "function_call") yield emit("response.function_call_arguments.delta", { ...where, delta: text });
    else {
      if (!it.text) yield emit("response.reasoning_summary_part.added", { ...where, summary_index: 0, part: { type: "summary_text", text: "" } });
      yield emit("response.reasoning_summary_text.delta", { ...where, summary_index: 0, delta: text });
    }
    it.text += text;
  }

  function* closeItem(index: number, status: Status): Generator<string> {
    const it = open.get(index);
    if (!it) return;
    open.delete(index);
    const where = { item_id: it.id, output_index: it.outputIndex };
    let item: OutputItem;
    if (it.kind === "message") {
      yield emit("response.output_text.done", { ...where, content_index: 0, text: it.text, logprobs: [] });
      yield emit("response.content_part.done", { ...where, content_index: 0, part: { type: "output_text", text: it.text, annotations: [] } });
      item = messageItem(it.id, it.text, status);
    } else if (it.kind === "function_call") {
      // A call without arguments streams none; its arguments are still a JSON object.
      const args = it.text || "{}";
      yield emit("response.function_call_arguments.done", { ...where, name: it.block.name ?? "", arguments: args });
      item = functionCallItem(it.id, it.block, args, status);
    } else {
      if (it.text) {
        yield emit("response.reasoning_summary_text.done", { ...where, summary_index: 0, text: it.text });
        yield emit("response.reasoning_summary_part.done", { ...where, summary_index: 0, part: { type: "summary_text", text: it.text } });
      }
      item = reasoningItem(it.id, it.text);
    }
    output[it.outputIndex] = item;
    yield emit("response.output_item.done", { output_index: it.outputIndex, item });
  }

  function* fail(type: string | undefined, message: string): Generator<string> {
    done = true;
    yield* start();
    const e = toChatError(500, type, message).error;
    // The OpenAI SDKs throw on an event whose data carries `error`, as on the chat stream; the top-level
    // fields are the shape of the SDK's ResponseErrorEvent.
    yield emit("error", { code: e.code ?? e.type, message, param: null, error: e });
    const code = e.code === "rate_limit_exceeded" ? "rate_limit_exceeded" : "server_error";
    yield emit("response.failed", { response: responseObject(ctx, model, { status: "failed", output: output.filter(Boolean), usage: null, error: { code, message } }) });
  }

  function* translate(ev: StreamEvent): Generator<string> {
    switch (ev.type) {
      case "message_start":
        model = ev.message?.model ?? model;
        usage = ev.message?.usage ?? null;
        yield* start();
        break;
      case "content_block_start":
        yield* start();
        yield* openItem(ev.index ?? 0, ev.content_block ?? {});
        break;
      case "content_block_delta": {
        const it = open.get(ev.index ?? 0);
        const d = ev.delta ?? {};
        if (!it) break;
        if (d.type === "text_delta" && d.text && it.kind === "message") yield* delta(it, d.text);
        else if (d.type === "thinking_delta" && d.thinking && it.kind === "reasoning") yield* delta(it, d.thinking);
        else if (d.type === "input_json_delta" && d.partial_json && it.kind === "function_call") yield* delta(it, d.partial_json);
        break;
      }
      case "content_block_stop":
        yield* closeItem(ev.index ?? 0, "completed");
        break;
      case "message_delta":
        if (ev.delta?.stop_reason !== undefined) stopReason = ev.delta.stop_reason ?? null;
        if (ev.usage) usage = usage ? mergeStreamUsage(usage, ev.usage) : ev.usage;
        break;
      case "message_stop": {
        done = true;
        yield* start();
        const { status, incomplete_details } = outcome(stopReason);
        for (const index of [...open.keys()]) yield* closeItem(index, status);
        const response = responseObject(ctx, model, { status, output: output.filter(Boolean), usage: toResponseUsage(usage), incomplete_details });
        ctx.keep?.(response.output, model);
        yield emit(status === "incomplete" ? "response.incomplete" : "response.completed", { response });
        break;
      }
      case "error":
        yield* fail(ev.error?.type, ev.error?.message ?? "stream error");
        break;
    }
  }

  for await (const ev of messagesEvents(source)) if (!done) yield* translate(ev);
  // A stream that stopped without its end: the client is told the response failed rather than left waiting for it.
  if (!done) yield* fail("api_error", "the upstream stream ended before the answer was complete");
}
