/**
 * A framework-neutral HTTP shape for every thinkgate API handler. The lean
 * Node server (server.ts) and the Next route files (app/api/.../route.ts) both
 * adapt to it, so one handler serves either way.
 */
import { AppError } from "./errors";
import { parseJsonText } from "./json-body";
import { isDecimalInteger } from "./query-number";

export interface ApiRequest {
  method: string;
  /** Path without the query string, e.g. "/api/v1/messages". */
  path: string;
  query: URLSearchParams;
  /** Header names in lower case. */
  headers: Record<string, string | undefined>;
  /** Path parameters filled in by the router, e.g. { id: "req_..." }. */
  params: Record<string, string>;
  /** The raw body, read once and cached. Not to be asked for after json() of a large body, whose bytes went to the parser's thread. */
  text(): Promise<string>;
  /**
   * The raw body as it arrives, never held whole: for a handler that relays
   * it (a file upload). A declared length over `limit` is a 413 before a
   * byte is read; a body that grows past it fails the iteration. Absent on a
   * request made in-process.
   */
  body?(limit: number): AsyncIterable<Uint8Array>;
  /** The body parsed as JSON (a 400 when it is not), read once and cached; a large one is parsed off the main thread. */
  json(): Promise<JsonBody>;
  /**
   * Reads the whole body without parsing it (json() then parses what was
   * read); resolves to its size in bytes. Absent on a request made in-process.
   */
  received?(): Promise<number>;
  /** Aborted when the client goes away. */
  signal: AbortSignal;
  /**
   * The request's id, given as it arrived (http-server.ts requestIdOf) on the
   * lean Node path: a handler names its answer and record by it (ids.ts
   * requestIdFor), so an answer written before the handler's (the body
   * timeout's 408) names the same id. Absent elsewhere: the handler makes one.
   */
  id?: string;
  /** The peer's address when the adapter knows it (the lean Node path does). */
  remoteAddress?: string;
}

/** A request body parsed as JSON, and its size. */
export interface JsonBody {
  value: unknown;
  /** Bytes as received, or characters of a body made in-process: past LARGE_BODY_BYTES the gateway works on it in turns. */
  size: number;
}

/** json() of a request whose body is read as text: parsed in the process, once. */
export function jsonOfText(text: () => Promise<string>): () => Promise<JsonBody> {
  let parsed: Promise<JsonBody> | undefined;
  return () => (parsed ??= text().then((t) => ({ value: parseJsonText(t), size: t.length })));
}

/** text() and json() of a body made in-process, for an endpoint that calls another on its caller's behalf. */
export function bodyOf(text: string): Pick<ApiRequest, "text" | "json"> {
  const read = async () => text;
  return { text: read, json: jsonOfText(read) };
}

/**
 * text() and json() of a body made in-process as a value, already checked as
 * a parsed body is: no round trip through JSON text (for a 16 MB body, two
 * pieces of main-thread work). `size`: that of the body it was made from.
 */
export function bodyOfValue(value: unknown, size: number): Pick<ApiRequest, "text" | "json"> {
  let text: Promise<string> | undefined;
  return {
    text: () => (text ??= (async () => JSON.stringify(value))()),
    json: async () => ({ value, size }),
  };
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

/** The `limit` of the API's list endpoints (models, message batches, files): 1 to 1000, 20 when absent; otherwise a 400 in the API's words. */
export function pageLimit(query: URLSearchParams): number {
  const raw = query.get("limit");
  // Digits only: Number() would also read "", " 5 ", "0x10" and "1e1".
  const limit = raw === null ? 20 : isDecimalInteger(raw) ? Number(raw) : NaN;
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw new AppError("invalid_request_error", "limit: Input should be an integer between 1 and 1000");
  return limit;
}

export function json(status: number, value: unknown, headers: Record<string, string> = {}): BodyResponse {
  return { status, headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(value) };
}

export function isStream(res: ApiResponse): res is StreamResponse {
  return "stream" in res;
}
