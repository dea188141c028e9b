/**
 * OpenAI's error shape: an Anthropic-shaped error (the gateway's own, or the
 * upstream's relayed) as an OpenAI client reads it. Apart from response.ts
 * so that answering an error in this shape loads nothing of the gateway.
 */
import { errorTypeForStatus } from "../api/errors";
import type { ApiResponse } from "../api/http";

/** OpenAI's error object for an Anthropic-shaped error (the gateway's own, or the upstream's relayed). */
export function toChatError(status: number, type: string | undefined, message: string, param: string | null = null) {
  const t = type ?? errorTypeForStatus(status);
  let code: string | null = null;
  let outType = t;
  if (t === "authentication_error") {
    outType = "invalid_request_error";
    code = "invalid_api_key";
  } else if (t === "rate_limit_error") code = "rate_limit_exceeded";
  else if (t === "not_found_error") code = "model_not_found";
  else if (t === "api_error" || t === "overloaded_error" || t === "timeout_error") {
    outType = "server_error";
    code = t === "overloaded_error" ? "overloaded" : t === "timeout_error" ? "timeout" : null;
  }
  return { error: { message, type: outType, param, code } };
}

/** An error response in OpenAI's shape. */
export function chatError(status: number, error: ReturnType<typeof toChatError>, headers: Record<string, string> = {}): ApiResponse {
  return { status, headers: { ...headers, "content-type": "application/json" }, body: JSON.stringify(error) };
}
