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
import { parseChatRequest, toMessagesBody } from "./request";
import { openAIRoute, toChatChunks, toChatCompletion } from "./response";
import { translatedEndpoint } from "./translated";

/** The completion is named after the request, whose trace it is. */
const chatIds = (requestId: string) => ({ id: `chatcmpl-${requestId}`, created: Math.floor(Date.now() / 1000) });

export const handleChatCompletions = openAIRoute(
  translatedEndpoint({
    name: "chat completions",
    via: "openai",
    parse: parseChatRequest,
    toMessages: toMessagesBody,
    effort: (chat) => chat.reasoning_effort,
    answer: (message: Parameters<typeof toChatCompletion>[0], _chat, requestId) => toChatCompletion(message, chatIds(requestId)),
    stream: (source, chat, requestId) => toChatChunks(source, chatIds(requestId), { requestedModel: chat.model, includeUsage: chat.stream_options?.include_usage === true }),
  }),
);
