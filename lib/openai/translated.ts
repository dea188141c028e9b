/**
 * What the OpenAI-compatible endpoints (chat.ts, responses.ts) share: each
 * translates its request to a Messages request, hands it to the gateway's
 * own handler (so authentication, routing, escalation, recording and costs
 * are those of /api/v1/messages) and translates the answer back. Only the two
 * translations differ, and each endpoint names them in an EndpointSpec.
 */
import { AppError } from "../api/errors";
import { stringifyDeep } from "../api/json-text";
import { bodyOfValue, isStream, type ApiRequest, type ApiResponse } from "../api/http";
import { requirePrincipal, type Caller } from "../api/wrap";
import { handleMessages, recordEarlyFailure } from "../gateway/messages";
import { SseParser } from "../gateway/sse";
import { logger } from "../observability/logger";
import type { AnthropicUsage } from "../pricing/usage";
import { droppedParams, DROPPED_PARAMS_HEADER, dropsParams, tierHint, type Droppable } from "./request";
import { chatError, toChatError } from "./errors";
import { chatErrorFromBody, fromAppError, type MessageBlock } from "./response";

export interface EndpointSpec<Req, Message> {
  /** For the log: "chat completions", "responses". */
  name: string;
  /** Recorded on each request (the record's via column), so the explorer tells the endpoints apart. */
  via: "openai" | "openai-responses";
  /** The request checked, or an AppError naming what is wrong. */
  parse(value: unknown): Promise<Req>;
  /** The Messages body it becomes (a value: a large body is neither serialised nor parsed again), for the authenticated caller. */
  toMessages(req: Req, caller: Caller): Promise<object>;
  /** Where the endpoint takes a dropped parameter other than at the top of the request (request.ts droppedParams). */
  droppedFields?: Partial<Record<Droppable, string>>;
  /** The reasoning effort asked for, which forces a tier (request.ts tierHint). */
  effort(req: Req): Parameters<typeof tierHint>[0];
  /** A Messages answer reshaped. */
  answer(message: Message, req: Req, requestId: string, caller: Caller): unknown;
  /** A Messages stream reshaped. */
  stream(source: AsyncIterable<string | Uint8Array>, req: Req, requestId: string, caller: Caller): AsyncGenerator<string>;
}

/** Response headers worth keeping from the gateway's answer (the rest describe its body, which is replaced). */
export function passedHeaders(h: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(h)) {
    // The OpenAI SDKs read retry-after, x-should-retry and the x-ratelimit-* headers the same way.
    if (k.startsWith("thinkgate-") || k === "request-id" || k.startsWith("retry-after") || k === "x-should-retry" || k.startsWith("x-ratelimit-")) out[k] = v;
  }
  return out;
}

/** The endpoint's handler body (wrap it in openAIRoute). */
export function translatedEndpoint<Req extends Partial<Record<Droppable, unknown>>, Message>(spec: EndpointSpec<Req, Message>) {
  return async (req: ApiRequest, requestId: string): Promise<ApiResponse> => {
    let request: Req;
    let messagesBody: object;
    let size: number;
    let dropped: ReturnType<typeof droppedParams>;
    let caller: Caller | undefined;
    const headers: Record<string, string | undefined> = { ...req.headers, "content-type": "application/json" };
    try {
      // Callers without a valid key learn nothing about the request format.
      caller = await requirePrincipal(req, "gateway");
      const drop = dropsParams(req.headers);
      const body = await req.json();
      request = await spec.parse(body.value);
      dropped = droppedParams(request, drop, spec.droppedFields);
      messagesBody = await spec.toMessages(request, caller);
      size = body.size;
      const hint = tierHint(spec.effort(request));
      if (hint) {
        headers["thinkgate-tier"] = hint.tier;
        if (hint.budgetTier) headers["thinkgate-budget-tier"] = hint.budgetTier;
      }
    } catch (err) {
      // Recorded (and an unexpected error logged) as /v1/messages records its own early failures; the answer is in OpenAI's shape, naming the client's field.
      if (caller) recordEarlyFailure(req, caller, err, { via: spec.via, requestId });
      else if (!(err instanceof AppError)) logger.error({ err }, `${spec.name}: could not translate the request`);
      if (err instanceof AppError) return fromAppError(err);
      return chatError(500, toChatError(500, "api_error", "Internal server error"));
    }

    const res = await handleMessages({ ...req, headers, ...bodyOfValue(messagesBody, size) }, { via: spec.via, notes: dropped.notes, requestId });
    const keep = passedHeaders(res.headers);
    if (dropped.names.length) keep[DROPPED_PARAMS_HEADER] = dropped.names.join(", ");
    if (isStream(res)) {
      return {
        status: 200,
        headers: { ...keep, "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache", "x-accel-buffering": "no" },
        stream: spec.stream(res.stream, request, requestId, caller),
      };
    }
    const body = typeof res.body === "string" ? res.body : new TextDecoder().decode(res.body);
    if (res.status >= 400) return chatError(res.status, chatErrorFromBody(res.status, body), keep);
    let message: Message;
    try {
      message = JSON.parse(body) as Message;
    } catch {
      return chatError(502, toChatError(502, "api_error", "the upstream API answered with a body that is not JSON"), keep);
    }
    // Members the upstream nested deeper than JSON.stringify goes (a model steered into it) are written out, not a 500.
    return { status: res.status, headers: { ...keep, "content-type": "application/json" }, body: stringifyDeep(spec.answer(message, request, requestId, caller)) };
  };
}

/** One event of a Messages stream, as both translations read it. */
export interface StreamEvent {
  type?: string;
  index?: number;
  message?: { model?: string; usage?: AnthropicUsage };
  content_block?: MessageBlock;
  delta?: { type?: string; text?: string; thinking?: string; partial_json?: string; stop_reason?: string | null };
  usage?: AnthropicUsage;
  error?: { type?: string; message?: string };
}

/** An event's data as an object, or null for data that is not JSON or not an object (`null`, `5`, `[]`): no event to translate. */
function eventOf(data: string): StreamEvent | null {
  try {
    const v: unknown = JSON.parse(data);
    return typeof v === "object" && v !== null && !Array.isArray(v) ? (v as StreamEvent) : null;
  } catch {
    return null;
  }
}

/**
 * The events of a Messages SSE stream, in order. A torn last frame is no
 * event: the gateway has already reported the broken stream.
 */
export async function* messagesEvents(source: AsyncIterable<string | Uint8Array>): AsyncGenerator<StreamEvent> {
  const parser = new SseParser();
  const decoder = new TextDecoder();
  for await (const piece of source) {
    for (const f of parser.push(typeof piece === "string" ? piece : decoder.decode(piece, { stream: true }))) {
      const ev = f.data ? eventOf(f.data) : null;
      if (ev) yield ev;
    }
  }
  for (const f of parser.end()) {
    const ev = f.data ? eventOf(f.data) : null;
    if (ev) yield ev;
  }
}
