/**
 * thinkgate's one error type (and a zod error, and anything unexpected) as a
 * response in the API's error shape: the single place errors are mapped.
 * Kept apart from wrap.ts (authentication, sessions, the cluster bus behind
 * them) so that code that only answers errors, the simulator's server
 * among it, does not load the gateway with it.
 */
import { ZodError } from "zod";
import { logger } from "../observability/logger";
import { AppError, errorBody } from "./errors";
import type { ApiResponse } from "./http";

export function errorResponse(err: unknown, requestId: string): ApiResponse {
  if (err instanceof AppError) {
    return {
      status: err.status,
      headers: { "content-type": "application/json", "request-id": requestId, ...err.headers },
      body: errorBody(err.type, err.message, requestId, err.details),
      ...(err.cookies.length ? { cookies: err.cookies } : {}),
    };
  }
  if (err instanceof ZodError) {
    return {
      status: 400,
      headers: { "content-type": "application/json", "request-id": requestId },
      body: errorBody("invalid_request_error", formatZodError(err), requestId),
    };
  }
  logger.error({ err, requestId }, "unhandled error");
  return {
    status: 500,
    headers: { "content-type": "application/json", "request-id": requestId },
    body: errorBody("api_error", "Internal server error", requestId),
  };
}

export function formatZodError(err: Pick<ZodError, "issues">): string {
  return err.issues
    .slice(0, 5)
    .map((i) => withPath(i.path.map(String), i.message))
    .join("; ");
}

/**
 * Prefixes a message with its field's path, unless it names the field
 * already: "messages: at least one message is required" stays as it is (not
 * "messages: messages: ..."), and "role must be ..." at messages.0.role
 * becomes "messages.0.role must be ...".
 */
export function withPath(path: string[], message: string): string {
  if (path.length === 0) return message;
  const full = path.join(".");
  for (let i = 0; i < path.length; i++) {
    const tail = path.slice(i).join(".");
    if (message === tail || message.startsWith(`${tail}:`) || message.startsWith(`${tail} `)) return `${full}${message.slice(tail.length)}`;
  }
  // A message about the top-level field ("messages: ..." at messages.3) keeps its own naming.
  if (message.startsWith(`${path[0]}:`)) return message;
  return `${full}: ${message}`;
}
