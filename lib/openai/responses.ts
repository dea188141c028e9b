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
import { openAIRoute } from "./response";
import { parseResponsesRequest, toMessagesBodyFromResponses } from "./responses-request";
import { toResponse, toResponseEvents, type ResponseContext } from "./responses-response";
import { translatedEndpoint } from "./translated";

const context = (request: ResponseContext["request"], requestId: string): ResponseContext => ({ requestId, createdAt: Math.floor(Date.now() / 1000), request });

export const handleResponses = openAIRoute(
  translatedEndpoint({
    name: "responses",
    parse: parseResponsesRequest,
    toMessages: toMessagesBodyFromResponses,
    effort: (request) => request.reasoning?.effort,
    answer: (message: Parameters<typeof toResponse>[0], request, requestId) => toResponse(message, context(request, requestId)),
    stream: (source, request, requestId) => toResponseEvents(source, context(request, requestId)),
  }),
);
