/**
 * A framework-neutral HTTP shape for every thinkgate API handler. The lean
 * Node server (server.ts) and the Next route files (app/api/.../route.ts) both
 * adapt to it, so one handler serves either way.
 */

export interface ApiRequest {
  method: string;
  /** Path without the query string, e.g. "/api/v1/messages". */
  path: string;
  query: URLSearchParams;
  /** Header names in lower case. */
  headers: Record<string, string | undefined>;
  /** Path parameters filled in by the router, e.g. { id: "req_..." }. */
  params: Record<string, string>;
  /** The raw body, read once and cached. */
  text(): Promise<string>;
  /** Aborted when the client goes away. */
  signal: AbortSignal;
  /** The peer's address when the adapter knows it (the lean Node path does). */
  remoteAddress?: string;
}

interface ResponseBase {
  status: number;
  headers: Record<string, string>;
  /** Set-Cookie values; a header map cannot hold the repeated header. */
  cookies?: string[];
}

export interface BodyResponse extends ResponseBase {
  body: string | Uint8Array;
}

/** A streamed response (SSE). The adapter writes each chunk as it comes. */
export interface StreamResponse extends ResponseBase {
  stream: AsyncIterable<string | Uint8Array>;
}

export type ApiResponse = BodyResponse | StreamResponse;

export type Handler = (req: ApiRequest) => Promise<ApiResponse>;

export interface RouteDef {
  method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  /** Exact path, or with :name segments, e.g. "/api/requests/:id". */
  path: string;
  handler: Handler;
}

export function json(status: number, value: unknown, headers: Record<string, string> = {}): BodyResponse {
  return { status, headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(value) };
}

export function isStream(res: ApiResponse): res is StreamResponse {
  return "stream" in res;
}
