/**
 * The browser's client for thinkgate's own API (/api/*). Every failure becomes
 * one typed error, ApiError, carrying the Anthropic-shaped body the server
 * sends ({"type":"error","error":{"type","message"}}), so a component shows
 * the server's own message ("This key has the viewer role; …") instead of a
 * generic "request failed".
 *
 * Two ways to authenticate: a signed-in browser sends its session cookie
 * (the browser does that by itself) and copies the CSRF cookie into
 * x-csrf-token on state-changing requests; otherwise the gateway key saved in
 * this browser goes out as x-api-key. A signed-in browser does not send the
 * saved key, so what a user can do is what their role allows, not what a key
 * pasted earlier allows; a caller can still pass a key explicitly.
 */

import { readGatewayKey } from "./gateway-key";

/**
 * The script-readable cookies that may hold the session's CSRF token
 * (lib/auth/session.ts), the HTTPS one first: over HTTPS the server names it
 * __Host-thinkgate_csrf, and a plain-named one next to it was not set by this
 * host's sign-in.
 */
export const CSRF_COOKIES = ["__Host-thinkgate_csrf", "thinkgate_csrf"] as const;
export const CSRF_HEADER = "x-csrf-token";

/** The CSRF token of this browser's session, or null when not signed in (or off the browser). */
export function readCsrfToken(cookieString?: string): string | null {
  let raw = cookieString;
  if (raw === undefined) {
    try {
      raw = typeof document !== "undefined" ? document.cookie : "";
    } catch {
      raw = "";
    }
  }
  const found = new Map<string, string>();
  for (const part of raw.split(";")) {
    const eq = part.indexOf("=");
    if (eq <= 0) continue;
    const name = part.slice(0, eq).trim();
    if (!(CSRF_COOKIES as readonly string[]).includes(name) || found.has(name)) continue;
    const value = part.slice(eq + 1).trim();
    try {
      found.set(name, decodeURIComponent(value));
    } catch {
      found.set(name, value);
    }
  }
  for (const name of CSRF_COOKIES) if (found.get(name)) return found.get(name)!;
  return null;
}

export interface ApiErrorBody {
  type: "error";
  error: { type: string; message: string };
  request_id?: string;
}

/** Error types the client adds for failures that never reached a handler. */
export type ClientErrorType = "network_error" | "invalid_response";

export class ApiError extends Error {
  /** HTTP status; 0 when the gateway could not be reached at all. */
  readonly status: number;
  /** The parsed error body, or one synthesised from the status when the body was not JSON. */
  readonly body: ApiErrorBody;
  /** The server's request id (body.request_id or the request-id header), for bug reports. */
  readonly requestId: string | null;

  constructor(status: number, body: ApiErrorBody, requestId: string | null = null) {
    super(body.error.message);
    this.name = "ApiError";
    this.status = status;
    this.body = body;
    this.requestId = requestId ?? body.request_id ?? null;
  }

  /** The Anthropic error type, e.g. "authentication_error", or a ClientErrorType. */
  get type(): string {
    return this.body.error.type;
  }

  /** 401 or 403: retrying with the same key cannot help. */
  get isAuthError(): boolean {
    return this.status === 401 || this.status === 403;
  }
}

export function isApiError(value: unknown): value is ApiError {
  return value instanceof ApiError;
}

/**
 * Whether asking again, unchanged, can succeed: not when the server refused
 * the request itself (400, 413, 422: its address or body has to change
 * first). Anything else may pass on a retry: a network failure, a 5xx, a 429,
 * a 401 once a key is saved. ErrorState offers "Try again" only then.
 */
export function retryCanHelp(error: unknown): boolean {
  return !(isApiError(error) && (error.status === 400 || error.status === 413 || error.status === 422));
}

export function isApiErrorBody(value: unknown): value is ApiErrorBody {
  if (typeof value !== "object" || value === null) return false;
  const v = value as { type?: unknown; error?: unknown };
  if (v.type !== "error" || typeof v.error !== "object" || v.error === null) return false;
  const e = v.error as { type?: unknown; message?: unknown };
  return typeof e.type === "string" && typeof e.message === "string";
}

// Mirrors lib/api/errors.ts (server side) for bodies that are not JSON, e.g. a
// proxy's HTML 502 page or Next's 404 page for an API route not built yet.
function errorTypeForStatus(status: number): string {
  switch (status) {
    case 400: return "invalid_request_error";
    case 401: return "authentication_error";
    case 402: return "billing_error";
    case 403: return "permission_error";
    case 404: return "not_found_error";
    case 409: return "conflict_error";
    case 413: return "request_too_large";
    case 429: return "rate_limit_error";
    case 504: return "timeout_error";
    case 529: return "overloaded_error";
    default: return status >= 500 ? "api_error" : "invalid_request_error";
  }
}

export interface ApiFetchOptions {
  /**
   * The gateway key to send as x-api-key. Omitted: none when signed in (the
   * session cookie authenticates), else the key saved in this browser.
   * `null`: send no key (public endpoints such as /api/health).
   */
  key?: string | null;
  method?: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  /** Serialised as JSON. */
  body?: unknown;
  /** Query parameters; undefined and null values are left out. */
  query?: Record<string, string | number | boolean | null | undefined>;
  signal?: AbortSignal;
  headers?: Record<string, string>;
  /** For tests. */
  fetch?: typeof fetch;
}

function withQuery(path: string, query: ApiFetchOptions["query"]): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    if (v !== undefined && v !== null) params.set(k, String(v));
  }
  const qs = params.toString();
  if (!qs) return path;
  return path + (path.includes("?") ? "&" : "?") + qs;
}

/**
 * Fetches a thinkgate API path and returns its parsed JSON body.
 * Throws ApiError on a non-2xx status, a network failure or a body that is not JSON.
 */
export async function apiFetch<T>(path: string, opts: ApiFetchOptions = {}): Promise<T> {
  const doFetch = opts.fetch ?? globalThis.fetch;
  const csrf = readCsrfToken();
  const key = opts.key === undefined ? (csrf ? null : readGatewayKey()) : opts.key;
  const headers: Record<string, string> = { accept: "application/json", ...opts.headers };
  if (key) headers["x-api-key"] = key;
  let body: string | undefined;
  if (opts.body !== undefined) {
    headers["content-type"] = "application/json";
    body = JSON.stringify(opts.body);
  }
  const method = opts.method ?? (body === undefined ? "GET" : "POST");
  // The server checks the header only for cookie-authenticated changes; a key needs none.
  if (csrf && !key && method !== "GET") headers[CSRF_HEADER] = csrf;

  let res: Response;
  try {
    res = await doFetch(withQuery(path, opts.query), {
      method,
      headers,
      body,
      signal: opts.signal,
      credentials: "same-origin",
      // The UI always wants the current state of the gateway, never a cached one.
      cache: "no-store",
    });
  } catch (err) {
    // An abort is React Query cancelling a stale request: let it through as is.
    if (err instanceof DOMException && err.name === "AbortError") throw err;
    throw new ApiError(0, {
      type: "error",
      error: { type: "network_error", message: "Could not reach the thinkgate server. Is it running?" },
    });
  }

  const requestId = res.headers.get("request-id");
  const text = await res.text();
  let parsed: unknown = undefined;
  let parseFailed = false;
  if (text) {
    try {
      parsed = JSON.parse(text);
    } catch {
      parseFailed = true;
    }
  }

  if (!res.ok) {
    if (isApiErrorBody(parsed)) throw new ApiError(res.status, parsed, requestId);
    const reason = res.statusText ? `${res.status} ${res.statusText}` : `HTTP ${res.status}`;
    throw new ApiError(
      res.status,
      { type: "error", error: { type: errorTypeForStatus(res.status), message: `${path} answered ${reason}.` } },
      requestId,
    );
  }
  if (parseFailed) {
    throw new ApiError(
      res.status,
      { type: "error", error: { type: "invalid_response", message: `${path} did not answer with JSON.` } },
      requestId,
    );
  }
  return parsed as T;
}
