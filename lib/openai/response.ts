/**
 * Messages API answers as Chat Completions answers: a whole message as a
 * `chat.completion`, a stream of Messages events as `chat.completion.chunk`
 * frames ending in `data: [DONE]`, and errors in OpenAI's error shape.
 *
 * The thinking is not part of the answer's content (an OpenAI client would
 * show it as the answer). Its text, when the route returns it, travels on the
 * message or the delta twice, under both names OpenAI-compatible servers use:
 * `reasoning_content` (DeepSeek, vLLM; what the Vercel AI SDK's compatible
 * provider reads first) and `reasoning` (OpenRouter; the only one the OpenAI
 * Agents SDK reads). Clients that know neither ignore both.
 * usage.completion_tokens is the billed output, thinking included, and
 * completion_tokens_details.reasoning_tokens the thinking part of it.
 */
import type { AppError } from "../api/errors";
import { chatError, toChatError } from "./errors";
import type { ApiRequest, ApiResponse, Handler } from "../api/http";
import { requestIdFor } from "../api/ids";
import { stringifyDeep } from "../api/json-text";
import { mergeStreamUsage, normalizeUsage, type AnthropicUsage } from "../pricing/usage";
import { logger } from "../observability/logger";
import { messagesEvents, type StreamEvent } from "./translated";

export interface ChatUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  prompt_tokens_details: { cached_tokens: number };
  completion_tokens_details: { reasoning_tokens: number };
}

/** The thinking's text under both names clients read it by (see the header). */
const reasoningFields = (text: string) => ({ reasoning_content: text, reasoning: text });

export function toChatUsage(u: AnthropicUsage | null | undefined): ChatUsage {
  // Counted as the record counts them (normalizeUsage): a count that is not a whole number is none, so that what
  // the upstream sent ("10", null, 1e308) never becomes a string sum or an infinite total in the client's usage.
  const b = normalizeUsage(u ?? ({} as AnthropicUsage));
  const prompt = b.input + b.cacheWrite5m + b.cacheWrite1h + b.cacheRead;
  const completion = b.output + b.thinking;
  return {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: prompt + completion,
    prompt_tokens_details: { cached_tokens: b.cacheRead },
    completion_tokens_details: { reasoning_tokens: b.thinking },
  };
}

export type FinishReason = "stop" | "length" | "tool_calls" | "content_filter";

export function finishReason(stop: string | null | undefined): FinishReason {
  switch (stop) {
    case "max_tokens":
    case "model_context_window_exceeded":
      return "length";
    case "tool_use":
      return "tool_calls";
    case "refusal":
      return "content_filter";
    default:
      return "stop";
  }
}

export interface MessageBlock {
  type?: string;
  text?: string;
  thinking?: string;
  id?: string;
  name?: string;
  input?: unknown;
}

interface AnthropicMessage {
  model?: string;
  content?: MessageBlock[];
  stop_reason?: string | null;
  usage?: AnthropicUsage;
}

export interface ChatIds {
  /** The completion's id: the gateway's request id, which names the trace. */
  id: string;
  created: number;
}

export function toChatCompletion(msg: AnthropicMessage, ids: ChatIds) {
  // Only objects are blocks: an answer is relayed as the upstream sent it, and what it sent is not trusted to have the API's shape.
  const blocks = (Array.isArray(msg.content) ? msg.content : []).filter((b): b is MessageBlock => typeof b === "object" && b !== null);
  const text = blocks.filter((b) => b.type === "text").map((b) => b.text ?? "").join("");
  const thinking = blocks.filter((b) => b.type === "thinking" && b.thinking).map((b) => b.thinking).join("\n");
  const toolCalls = blocks
    .filter((b) => b.type === "tool_use")
    .map((b) => ({ id: b.id ?? "", type: "function" as const, function: { name: b.name ?? "", arguments: stringifyDeep(b.input ?? {}) } }));
  return {
    id: ids.id,
    object: "chat.completion" as const,
    created: ids.created,
    model: msg.model ?? "",
    choices: [
      {
        index: 0,
        message: {
          role: "assistant" as const,
          content: text || (toolCalls.length ? null : ""),
          refusal: null,
          ...(toolCalls.length ? { tool_calls: toolCalls } : {}),
          ...(thinking ? reasoningFields(thinking) : {}),
        },
        logprobs: null,
        finish_reason: finishReason(msg.stop_reason),
      },
    ],
    usage: toChatUsage(msg.usage),
    system_fingerprint: null,
  };
}

/**
 * A handler of the OpenAI-compatible routes. Every answer they give, success
 * or error, before the gateway or from it, names thinkgate's request id in
 * x-request-id, where the OpenAI SDKs read a request's id (an error's
 * requestID, a completion's _request_id); an answer without the upstream's
 * request-id carries that id there too, as on the other /api/v1 routes. The
 * handler is given the id, to name everything else by it: the record, the
 * completion's id.
 */
export function openAIRoute(handler: (req: ApiRequest, requestId: string) => Promise<ApiResponse>): Handler {
  return async (req) => {
    const requestId = requestIdFor(req);
    let res: ApiResponse;
    try {
      res = await handler(req, requestId);
    } catch (err) {
      // A bug is still an answer in OpenAI's shape to an OpenAI client, not the API's that the server's last resort writes.
      logger.error({ err, requestId }, "OpenAI-compatible route failed");
      res = chatError(500, toChatError(500, "api_error", "Internal server error"));
    }
    return { ...res, headers: { "request-id": requestId, ...res.headers, "x-request-id": requestId } };
  };
}

/** thinkgate's one error type in OpenAI's shape; a `param` detail becomes OpenAI's `param`. */
export function fromAppError(err: AppError): ApiResponse {
  const param = typeof err.details?.param === "string" ? err.details.param : null;
  const res = chatError(err.status, toChatError(err.status, err.type, err.message, param), err.headers);
  return err.cookies.length ? { ...res, cookies: err.cookies } : res;
}

/** Reads an Anthropic error body ({"type":"error","error":{type,message,param?}}) into OpenAI's shape. */
export function chatErrorFromBody(status: number, body: string) {
  let e: { type?: string; message?: string; param?: string | null } = {};
  try {
    e = (JSON.parse(body) as { error?: typeof e }).error ?? {};
  } catch {
    e = { message: body.slice(0, 500) };
  }
  const message = e.message ?? `upstream error ${status}`;
  // Validation messages name their field first ("temperature: Extra inputs are not permitted"): that is OpenAI's `param`.
  const named = status === 400 ? /^([a-z_][\w.]*): /.exec(message)?.[1] : undefined;
  return toChatError(status, e.type, message, e.param ?? named ?? null);
}

const frame = (data: unknown) => `data: ${JSON.stringify(data)}\n\n`;

/**
 * Re-encodes a Messages SSE stream as Chat Completions chunks. Text deltas
 * become `content`, thinking deltas `reasoning_content`, tool_use blocks
 * `tool_calls` (arguments streamed as the API streams the input JSON). The
 * finish reason comes on its own chunk after the content; with
 * include_usage a last chunk with empty choices carries the usage.
 */
export async function* toChatChunks(
  source: AsyncIterable<string | Uint8Array>,
  ids: ChatIds,
  opts: { requestedModel: string; includeUsage: boolean },
): AsyncGenerator<string> {
  let model = opts.requestedModel;
  let usage: AnthropicUsage | null = null;
  let stopReason: string | null = null;
  /** Anthropic block index → OpenAI tool_calls index. */
  const toolIndex = new Map<number, number>();
  let done = false;
  const chunk = (delta: Record<string, unknown>, finish: FinishReason | null = null) =>
    frame({ id: ids.id, object: "chat.completion.chunk", created: ids.created, model, system_fingerprint: null, choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }] });

  function* translate(ev: StreamEvent): Generator<string> {
    switch (ev.type) {
      case "message_start":
        model = ev.message?.model ?? model;
        usage = ev.message?.usage ?? null;
        yield chunk({ role: "assistant", content: "", refusal: null });
        break;
      case "content_block_start": {
        const b = ev.content_block ?? {};
        if (b.type === "tool_use") {
          const i = toolIndex.size;
          toolIndex.set(ev.index ?? 0, i);
          yield chunk({ tool_calls: [{ index: i, id: b.id, type: "function", function: { name: b.name, arguments: "" } }] });
        }
        break;
      }
      case "content_block_delta": {
        const d = ev.delta ?? {};
        if (d.type === "text_delta" && d.text) yield chunk({ content: d.text });
        else if (d.type === "thinking_delta" && d.thinking) yield chunk(reasoningFields(d.thinking));
        else if (d.type === "input_json_delta" && d.partial_json) {
          const i = toolIndex.get(ev.index ?? 0);
          if (i !== undefined) yield chunk({ tool_calls: [{ index: i, function: { arguments: d.partial_json } }] });
        }
        break;
      }
      case "message_delta":
        if (ev.delta?.stop_reason !== undefined) stopReason = ev.delta.stop_reason ?? null;
        if (ev.usage) usage = usage ? mergeStreamUsage(usage, ev.usage) : ev.usage;
        break;
      case "message_stop":
        done = true;
        yield chunk({}, finishReason(stopReason));
        if (opts.includeUsage) {
          yield frame({ id: ids.id, object: "chat.completion.chunk", created: ids.created, model, system_fingerprint: null, choices: [], usage: toChatUsage(usage) });
        }
        yield "data: [DONE]\n\n";
        break;
      case "error":
        // The OpenAI SDKs throw on a data frame that carries `error`.
        done = true;
        yield frame(toChatError(500, ev.error?.type, ev.error?.message ?? "stream error"));
        break;
    }
  }

  for await (const ev of messagesEvents(source)) if (!done) yield* translate(ev);
}
