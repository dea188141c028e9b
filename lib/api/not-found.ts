/**
 * The answer to a path under /api that no route serves: a 404 in the API's
 * error shape (an SDK reads it as NotFoundError with a message a person can
 * act on), not the web app's HTML page. Paths of Anthropic and OpenAI APIs
 * that thinkgate does not relay say so, and where to send them instead.
 */
import { chatError } from "../openai/errors";
import { AppError, errorBody } from "./errors";
import type { ApiResponse } from "./http";
import { errorResponse } from "./error-response";

/**
 * Paths of OpenAI's API: an OpenAI client is answered in OpenAI's shape. The
 * stored objects under /v1/responses/{id} and /v1/chat/completions/{id}
 * (retrieve, input items, delete) are among them: thinkgate stores neither.
 */
const OPENAI_PATHS =
  /^\/api\/v1\/((completions|embeddings|images|audio|assistants|threads|batches|fine_tuning|moderations|vector_stores|files|uploads|conversations|evals|containers|realtime)(\/|$)|responses\/|chat\/completions\/)/;
const STORED = /^\/api\/v1\/(responses|chat\/completions)\//;

function reason(method: string, path: string): string {
  if (STORED.test(path)) return `thinkgate does not store responses or chat completions, so ${method} ${path.slice(4)} is not served: keep what you need from the answer itself`;
  if (OPENAI_PATHS.test(path)) return `thinkgate's OpenAI-compatible API is POST /v1/chat/completions, POST /v1/responses and GET /v1/models; ${path.slice(4)} is not served`;
  return `no API route for ${method} ${path}`;
}

export function apiNotFound(method: string, path: string, headers: Record<string, string | undefined>, requestId: string): ApiResponse {
  const message = reason(method, path);
  if (OPENAI_PATHS.test(path) && !headers["anthropic-version"]) {
    // OpenAI's own answer to a path it does not serve: a 404 of type invalid_request_error, no code.
    return chatError(404, { error: { message, type: "invalid_request_error", param: null, code: null } }, { "request-id": requestId, "x-request-id": requestId });
  }
  return errorResponse(new AppError("not_found_error", message), requestId);
}

/** The endpoints an OpenAI client posts to; any other method on them is answered in its shape. */
const OPENAI_ENDPOINTS = /^\/api\/v1\/(responses|chat\/completions)$/;

/**
 * The answer to a method a served path does not take: a 405 in the shape of
 * the API its client speaks. An OpenAI client's GET /v1/chat/completions (the
 * SDK's chat.completions.list(), of stored completions) was answered in the
 * Messages API's shape.
 */
export function apiMethodNotAllowed(method: string, path: string, headers: Record<string, string | undefined>, requestId: string): ApiResponse {
  if (OPENAI_ENDPOINTS.test(path) && !headers["anthropic-version"]) {
    const stored = method === "GET" ? "; thinkgate stores no responses or chat completions to list" : "";
    const message = `${method} is not supported on ${path.slice(4)}: send POST${stored}`;
    return chatError(405, { error: { message, type: "invalid_request_error", param: null, code: null } }, { "request-id": requestId, "x-request-id": requestId });
  }
  return { status: 405, headers: { "content-type": "application/json", "request-id": requestId }, body: errorBody("not_found_error", `${method} is not supported on ${path}`, requestId) };
}
