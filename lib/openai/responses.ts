/**
 * POST /api/v1/responses — OpenAI's Responses API, the one the Vercel AI
 * SDK's OpenAI provider, the OpenAI Agents SDK and `client.responses.create`
 * speak. Like /api/v1/chat/completions (chat.ts) the request is translated to
 * a Messages request and handed to the gateway's own handler, so
 * authentication, routing, escalation, recording and costs are those of
 * /api/v1/messages, and a tool loop on the reasoning tier gets its thinking
 * blocks put back by the gateway (via "openai", lib/gateway/hidden-thinking.ts).
 * The client sends the whole input each time, earlier output items in full or
 * by item_reference: thinkgate keeps each answer's output items for the
 * caller (unless it sent store: false) and resolves references to them
 * (item-references.ts). previous_response_id is refused (responses-request.ts).
 */
import { callerScope, type Caller } from "../api/wrap";
import { rememberOutput, resolveReferences } from "./item-references";
import { openAIRoute } from "./response";
import { parseResponsesRequest, RESPONSES_DROPPED_FIELDS, toMessagesBodyFromResponses, type ResponsesRequest } from "./responses-request";
import { toResponse, toResponseEvents, type ResponseContext } from "./responses-response";
import { translatedEndpoint } from "./translated";

function context(request: ResponsesRequest, requestId: string, caller: Caller): ResponseContext {
  const scope = callerScope(caller);
  return {
    requestId,
    createdAt: Math.floor(Date.now() / 1000),
    request,
    ...(request.store === false ? {} : { keep: (output, model) => rememberOutput(scope, model, output) }),
  };
}

export const handleResponses = openAIRoute(
  translatedEndpoint({
    name: "responses",
    via: "openai-responses",
    parse: parseResponsesRequest,
    droppedFields: RESPONSES_DROPPED_FIELDS,
    toMessages: async (request, caller) => toMessagesBodyFromResponses(await resolveReferences(request, callerScope(caller))),
    effort: (request) => request.reasoning?.effort,
    answer: (message: Parameters<typeof toResponse>[0], request, requestId, caller) => toResponse(message, context(request, requestId, caller)),
    stream: (source, request, requestId, caller) => toResponseEvents(source, context(request, requestId, caller)),
  }),
);
