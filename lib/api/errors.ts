/**
 * The one error type of thinkgate. Anything thrown on a request path is either
 * an AppError (an expected failure with its HTTP status) or a bug, which the
 * handler wrapper reports as a 500. Both are rendered once, in the Anthropic
 * error shape: {"type":"error","error":{"type":...,"message":...},"request_id":...}.
 */

/** The error types of the Anthropic API, plus request_too_large (413). */
export type ApiErrorType =
  | "invalid_request_error"
  | "authentication_error"
  | "billing_error"
  | "permission_error"
  | "not_found_error"
  | "request_too_large"
  | "rate_limit_error"
  | "api_error"
  | "timeout_error"
  | "overloaded_error"
  | "conflict_error";

const STATUS: Record<ApiErrorType, number> = {
  invalid_request_error: 400,
  authentication_error: 401,
  billing_error: 402,
  permission_error: 403,
  not_found_error: 404,
  conflict_error: 409,
  request_too_large: 413,
  rate_limit_error: 429,
  api_error: 500,
  timeout_error: 504,
  overloaded_error: 529,
};

export class AppError extends Error {
  readonly status: number;
  readonly type: ApiErrorType;
  /** Extra response headers, e.g. retry-after on a 429. */
  readonly headers: Record<string, string>;
  /** Set-Cookie values the answer carries, e.g. expiring a session cookie that no longer counts. */
  readonly cookies: string[];
  /** Extra fields for the body's `error` object, e.g. field-level `issues` a form shows inline. */
  readonly details?: Record<string, unknown>;

  constructor(
    type: ApiErrorType,
    message: string,
    opts: { status?: number; headers?: Record<string, string>; cookies?: string[]; cause?: unknown; details?: Record<string, unknown> } = {},
  ) {
    super(message, { cause: opts.cause });
    this.name = "AppError";
    this.type = type;
    this.status = opts.status ?? STATUS[type];
    this.headers = opts.headers ?? {};
    this.cookies = opts.cookies ?? [];
    this.details = opts.details;
  }
}

export const badRequest = (message: string) => new AppError("invalid_request_error", message);
export const unauthorized = (message = "invalid x-api-key") => new AppError("authentication_error", message);
export const forbidden = (message: string) => new AppError("permission_error", message);
export const notFound = (message = "The requested resource could not be found.") => new AppError("not_found_error", message);

export function errorTypeForStatus(status: number): ApiErrorType {
  const found = (Object.entries(STATUS) as [ApiErrorType, number][]).find(([, s]) => s === status);
  if (found) return found[0];
  if (status >= 500) return "api_error";
  return "invalid_request_error";
}

export function errorBody(type: string, message: string, requestId?: string, details?: Record<string, unknown>): string {
  return JSON.stringify({ type: "error", error: { ...details, type, message }, ...(requestId ? { request_id: requestId } : {}) });
}

/**
 * The `error` object of a body in the API's error shape, or null. What an
 * upstream error carries comes from outside (the API, or a proxy in front of
 * it answering in its own way: `{"error":"boom"}`, a JSON string, a number for
 * a type): only a body in the shape may be relayed as it is, or its type and
 * message taken for a record's text columns.
 */
export function apiErrorIn(body: unknown): { type: string; message: string } | null {
  if (typeof body !== "object" || body === null || Array.isArray(body)) return null;
  const e = (body as { error?: unknown }).error;
  if (typeof e !== "object" || e === null) return null;
  const { type, message } = e as { type?: unknown; message?: unknown };
  return typeof type === "string" && type !== "" && typeof message === "string" ? { type, message } : null;
}
