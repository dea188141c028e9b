/**
 * POST /api/v1/responses — OpenAI's Responses API, the one the Vercel AI
 * SDK's OpenAI provider, the OpenAI Agents SDK and `client.responses.create`
 * speak. Like /api/v1/chat/completions (chat.ts) the request is translated to
 * a Messages request and handed to the gateway's own handler, so
 * authentication, routing, escalation, recording and costs are those of
 * /api/v1/messages, and a tool loop on the reasoning tier gets its thinking
 * blocks put back by the gateway (via "openai", lib/gateway/hidden-thinking.ts).
 * Nothing is stored for a later request: previous_response_id is refused and
 * the client sends the whole input each time (responses-request.ts).
 */
import { AppError } from "../api/errors";
import { bodyOfValue, isStream, type ApiRequest, type ApiResponse } from "../api/http";
import { requirePrincipal } from "../api/wrap";
import { handleMessages } from "../gateway/messages";
import { logger } from "../observability/logger";
import { passedHeaders } from "./chat";
import { droppedParams, DROPPED_PARAMS_HEADER, dropsParams, tierHint } from "./request";
import { chatError, chatErrorFromBody, fromAppError, openAIRoute, toChatError } from "./response";
import { parseResponsesRequest, toMessagesBodyFromResponses, type ResponsesRequest } from "./responses-request";
import { toResponse, toResponseEvents, type ResponseContext } from "./responses-response";

export const handleResponses = openAIRoute(responses);

async function responses(req: ApiRequest, requestId: string): Promise<ApiResponse> {
  let messagesBody: Awaited<ReturnType<typeof toMessagesBodyFromResponses>>;
  let size: number;
  let request: ResponsesRequest;
  let dropped: ReturnType<typeof droppedParams>;
  const headers: Record<string, string | undefined> = { ...req.headers, "content-type": "application/json" };
  try {
    // Callers without a valid key learn nothing about the request format.
    await requirePrincipal(req, "gateway");
    const drop = dropsParams(req.headers);
    const body = await req.json();
    request = await parseResponsesRequest(body.value);
    dropped = droppedParams(request, drop);
    messagesBody = await toMessagesBodyFromResponses(request);
    size = body.size;
    const hint = tierHint(request.reasoning?.effort);
    if (hint) {
      headers["thinkgate-tier"] = hint.tier;
      if (hint.budgetTier) headers["thinkgate-budget-tier"] = hint.budgetTier;
    }
  } catch (err) {
    if (err instanceof AppError) return fromAppError(err);
    logger.error({ err }, "responses: could not translate the request");
    return chatError(500, toChatError(500, "api_error", "Internal server error"));
  }

  const res = await handleMessages({ ...req, headers, ...bodyOfValue(messagesBody, size) }, { via: "openai", notes: dropped.notes, requestId });
  const keep = passedHeaders(res.headers);
  if (dropped.names.length) keep[DROPPED_PARAMS_HEADER] = dropped.names.join(", ");
  const ctx: ResponseContext = { requestId, createdAt: Math.floor(Date.now() / 1000), request };

  if (isStream(res)) {
    return {
      status: 200,
      headers: { ...keep, "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache", "x-accel-buffering": "no" },
      stream: toResponseEvents(res.stream, ctx),
    };
  }
  const body = typeof res.body === "string" ? res.body : new TextDecoder().decode(res.body);
  if (res.status >= 400) return chatError(res.status, chatErrorFromBody(res.status, body), keep);
  let message: Parameters<typeof toResponse>[0];
  try {
    message = JSON.parse(body);
  } catch {
    return chatError(502, toChatError(502, "api_error", "the upstream API answered with a body that is not JSON"), keep);
  }
  return { status: res.status, headers: { ...keep, "content-type": "application/json" }, body: JSON.stringify(toResponse(message, ctx)) };
}
