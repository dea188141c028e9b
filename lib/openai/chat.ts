/**
 * POST /api/v1/chat/completions — the OpenAI-compatible entry. The request is
 * translated to a Messages request and handed to the gateway's own handler
 * (handleMessages), so authentication, routing, escalation, recording and
 * costs are exactly those of /api/v1/messages; only the two ends differ.
 * The gateway's decision headers (thinkgate-tier, -route, -request-id) pass
 * through unchanged, and x-request-id names the same request id
 * (openAIRoute); sampling parameters the Messages API does not take are
 * dropped and named in thinkgate-dropped-params (request.ts).
 */
import { AppError } from "../api/errors";
import { bodyOfValue, isStream, type ApiRequest, type ApiResponse } from "../api/http";
import { requirePrincipal } from "../api/wrap";
import { handleMessages } from "../gateway/messages";
import { logger } from "../observability/logger";
import { droppedParams, DROPPED_PARAMS_HEADER, dropsParams, parseChatRequest, tierHint, toMessagesBody } from "./request";
import { chatError, chatErrorFromBody, fromAppError, openAIRoute, toChatChunks, toChatCompletion, toChatError } from "./response";

/** Response headers worth keeping from the gateway's answer (the rest describe its body, which is replaced). */
export function passedHeaders(h: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(h)) {
    // The OpenAI SDKs read retry-after, x-should-retry and the x-ratelimit-* headers the same way.
    if (k.startsWith("thinkgate-") || k === "request-id" || k.startsWith("retry-after") || k === "x-should-retry" || k.startsWith("x-ratelimit-")) out[k] = v;
  }
  return out;
}

export const handleChatCompletions = openAIRoute(chatCompletions);

async function chatCompletions(req: ApiRequest, requestId: string): Promise<ApiResponse> {
  let messagesBody: Awaited<ReturnType<typeof toMessagesBody>>;
  let size: number;
  let chat: Awaited<ReturnType<typeof parseChatRequest>>;
  let dropped: ReturnType<typeof droppedParams>;
  const headers: Record<string, string | undefined> = { ...req.headers, "content-type": "application/json" };
  try {
    // Callers without a valid key learn nothing about the request format.
    await requirePrincipal(req, "gateway");
    const drop = dropsParams(req.headers);
    const body = await req.json();
    chat = await parseChatRequest(body.value);
    dropped = droppedParams(chat, drop);
    // Handed over as a value: a large body is neither serialised nor parsed again on the main thread.
    messagesBody = await toMessagesBody(chat);
    size = body.size;
    const hint = tierHint(chat.reasoning_effort);
    if (hint) {
      headers["thinkgate-tier"] = hint.tier;
      if (hint.budgetTier) headers["thinkgate-budget-tier"] = hint.budgetTier;
    }
  } catch (err) {
    if (err instanceof AppError) return fromAppError(err);
    logger.error({ err }, "chat completions: could not translate the request");
    return chatError(500, toChatError(500, "api_error", "Internal server error"));
  }

  const res = await handleMessages({ ...req, headers, ...bodyOfValue(messagesBody, size) }, { via: "openai", notes: dropped.notes, requestId });
  const keep = passedHeaders(res.headers);
  if (dropped.names.length) keep[DROPPED_PARAMS_HEADER] = dropped.names.join(", ");
  // The completion is named after the request, whose trace it is.
  const ids = { id: `chatcmpl-${requestId}`, created: Math.floor(Date.now() / 1000) };

  if (isStream(res)) {
    return {
      status: 200,
      headers: { ...keep, "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache", "x-accel-buffering": "no" },
      stream: toChatChunks(res.stream, ids, { requestedModel: chat.model, includeUsage: chat.stream_options?.include_usage === true }),
    };
  }
  const body = typeof res.body === "string" ? res.body : new TextDecoder().decode(res.body);
  if (res.status >= 400) return chatError(res.status, chatErrorFromBody(res.status, body), keep);
  let message: Parameters<typeof toChatCompletion>[0];
  try {
    message = JSON.parse(body);
  } catch {
    return chatError(502, toChatError(502, "api_error", "the upstream API answered with a body that is not JSON"), keep);
  }
  return { status: res.status, headers: { ...keep, "content-type": "application/json" }, body: JSON.stringify(toChatCompletion(message, ids)) };
}
