/**
 * The node:http server thinkgate (server.ts) and the standalone simulator
 * (scripts/simulator.ts) run, with bounds on how long a request may take to
 * arrive. A response may take as long as it needs (a thinking stream can run
 * for many minutes); the request may not, or a client sending a byte every few
 * seconds holds a socket, a parser and a handler for as long as it likes.
 *
 *  - headers: the request line and headers within `headersMs` of the
 *    request's first byte (Node's headersTimeout: answered 408 and closed);
 *  - body: the whole body within `bodyMs` of the headers (limitBodyTime), for
 *    every path, the API's and the pages' (a file upload's within `uploadMs`);
 *  - idle keep-alive connections: closed after 65 s (keepAliveTimeout).
 *
 * Node's requestTimeout is left off: it counts from the request's first byte,
 * so the body would get whatever the headers left of it, and a body refused
 * there cannot reach the handler reading it as the 408 it is.
 */
import http, { type IncomingMessage, type ServerResponse } from "node:http";
import type { Duplex } from "node:stream";
import { AppError, errorBody } from "./errors";
import { newRequestId } from "./ids";
import { markAsData, rawDocumentHeaders } from "./document-headers";

/** Time for the request line and headers (THINKGATE_HEADERS_TIMEOUT_MS). */
export const DEFAULT_HEADERS_TIMEOUT_MS = 60_000;
/**
 * Time for the whole body once the headers are in (THINKGATE_BODY_TIMEOUT_MS).
 * A total, not a gap between chunks: a gap limit is beaten by one byte per gap.
 * 30 s takes the largest body (32 MB) at about 9 Mbit/s; typical bodies are kilobytes.
 */
export const DEFAULT_BODY_TIMEOUT_MS = 30_000;
/**
 * Time for a file upload's body (POST .../v1/files, THINKGATE_UPLOAD_TIMEOUT_MS):
 * 10 minutes takes the API's largest file (500 MB) at about 7 Mbit/s.
 */
export const DEFAULT_UPLOAD_TIMEOUT_MS = 600_000;

export interface RequestTimeouts {
  headersMs: number;
  bodyMs: number;
  /** bodyMs for a file upload; bodyMs when absent. */
  uploadMs?: number;
}

/** A Files API upload, on any of the paths the API is served at (/api/v1/files, /v1/files, the simulator's). */
const isUpload = (req: IncomingMessage) => req.method === "POST" && /\/v1\/files\/?(\?|$)/.test(req.url ?? "");

/**
 * An error answer in the API's shape written straight to a socket, for the
 * moments there is no response object to write it with (see Node's
 * 'clientError'), and the connection closed after it. Marked as data like
 * every other answer (document-headers.ts).
 */
function rawErrorResponse(status: number, reason: string, err: AppError, id = newRequestId()): string {
  const body = errorBody(err.type, err.message, id);
  return (
    `HTTP/1.1 ${status} ${reason}\r\ncontent-type: application/json\r\nrequest-id: ${id}\r\n${rawDocumentHeaders()}` +
    `content-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`
  );
}

/** A request refused before it reaches a route: an invalid_request_error in the API's shape, and the connection closed after it (its body is not read). */
function answerAndClose(res: ServerResponse, status: number, message: string): void {
  const id = newRequestId();
  const body = errorBody("invalid_request_error", message, id);
  markAsData(res);
  res.writeHead(status, { "content-type": "application/json", "request-id": id, "content-length": Buffer.byteLength(body), connection: "close" }).end(body);
}

/**
 * A request Node could not read as HTTP, or whose headers did not arrive in
 * time, answered in the API's error shape like every other error (Node's own
 * answer is a bare status line) and closed. As Node does, nothing is written
 * into a response already under way, nor to a connection the client reset.
 */
export function answerClientError(err: NodeJS.ErrnoException, socket: Duplex, headersMs: number): void {
  const inFlight = (socket as Duplex & { _httpMessage?: ServerResponse | null })._httpMessage;
  if (err.code !== "ECONNRESET" && socket.writable && !inFlight?.headersSent) {
    const bad = (message: string) => new AppError("invalid_request_error", message);
    if (err.code === "ERR_HTTP_REQUEST_TIMEOUT") socket.write(rawErrorResponse(408, "Request Timeout", bad(`the request headers did not arrive within ${headersMs} ms`)));
    else if (err.code === "HPE_HEADER_OVERFLOW") socket.write(rawErrorResponse(431, "Request Header Fields Too Large", bad("the request headers are too large")));
    else socket.write(rawErrorResponse(400, "Bad Request", bad(`the request is not valid HTTP (${err.code ?? err.message})`)));
  }
  socket.destroy(err);
}

const requestIds = new WeakMap<IncomingMessage, string>();

/**
 * The id a request is known by from its arrival (ApiRequest.id): every
 * answer it gets names it, the 408 written here before its handler answers
 * included, and so does its record.
 */
export function requestIdOf(req: IncomingMessage): string {
  let id = requestIds.get(req);
  if (id === undefined) requestIds.set(req, (id = newRequestId()));
  return id;
}

export function bodyTimeout(ms: number): AppError {
  // No error type of the API means "you were too slow": it uses invalid_request_error for the 4xx it has no type for
  // (timeout_error is its 504, the server being slow, which would send the reader the wrong way).
  return new AppError("invalid_request_error", `the request body did not arrive within ${ms} ms`, { status: 408 });
}

/**
 * Cuts a request whose body has not arrived whole `ms` after its headers.
 * When nothing has been answered yet the client is told so with a 408 in the
 * API's shape, written straight to the socket (Node answers its own header
 * timeout the same way), under the request's id (requestIdOf): the handler
 * still waiting for the body then gets the same error from its read, records
 * it under that id, and whatever it answers goes nowhere. When an
 * answer is out already (a 401 sent without reading the body), the connection
 * is closed: the rest of the body is not waited for.
 */
export function limitBodyTime(req: IncomingMessage, res: ServerResponse, ms: number): void {
  // Without Content-Length or Transfer-Encoding a request has no body (RFC 9112 §6.3).
  if (req.headers["content-length"] === undefined && req.headers["transfer-encoding"] === undefined) return;
  const timer = setTimeout(() => {
    if (req.complete || req.destroyed) return;
    const err = bodyTimeout(ms);
    // res.socket is null while an earlier pipelined response is still being written: nothing may go between its bytes.
    if (!res.headersSent && res.socket?.writable) res.socket.write(rawErrorResponse(408, "Request Timeout", err, requestIdOf(req)));
    req.destroy(err);
  }, ms);
  const clear = () => clearTimeout(timer);
  req.once("end", clear).once("close", clear);
}

/** Servers shutting down (drainConnections). */
const draining = new WeakSet<http.Server>();
/** Responses each connection has begun and not finished. */
const owed = new WeakMap<Duplex, number>();

/**
 * Stops taking requests and resolves once every connection has closed.
 *
 * Node's server.close() refuses new connections but goes on serving new
 * requests on open keep-alive connections for as long as the client keeps
 * them busy: an SDK under load never lets the server close, and the requests
 * it gets answered after the records were flushed lose their records. So
 * while draining, a response that starts says `connection: close`, and a
 * connection is ended once the response it was serving is done.
 */
export function drainConnections(server: http.Server): Promise<void> {
  draining.add(server);
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  return closed;
}

export function createHttpServer(timeouts: RequestTimeouts, listener: http.RequestListener): http.Server {
  const server = http.createServer(
    {
      headersTimeout: timeouts.headersMs,
      requestTimeout: 0,
      // How often Node looks for connections past their header deadline (30 s by default: a 60 s limit would cut at up to 90 s).
      connectionsCheckingInterval: Math.min(1_000, timeouts.headersMs),
      // HTTP/1.1 requires a Host header; Node's own refusal of a request without one is a bare 400 with no body. Answered below instead.
      requireHostHeader: false,
    },
    (req, res) => {
      if (req.headers.host === undefined && (req.httpVersionMajor > 1 || req.httpVersionMinor >= 1)) return answerAndClose(res, 400, "the request has no Host header, which HTTP/1.1 requires");
      if (draining.has(server)) {
        // A request that reached a connection already ended after the response
        // before it (the client sent it before our end arrived): no answer can
        // go back on it. Not taken: the client sees the connection closed
        // without a response, which the SDKs retry, rather than a request
        // begun here and cut off.
        if (req.socket.writableEnded) return void req.socket.destroy();
        res.setHeader("connection", "close");
      }
      // While draining, a connection ends with the last response it owes: a
      // client that pipelines has sent (and we have begun) the next request
      // before the one in hand is answered, and ending after the first
      // response cut the second off.
      const socket = req.socket;
      owed.set(socket, (owed.get(socket) ?? 0) + 1);
      res.once("close", () => {
        const left = (owed.get(socket) ?? 1) - 1;
        owed.set(socket, left);
        if (left === 0 && draining.has(server)) socket.end();
      });
      limitBodyTime(req, res, isUpload(req) ? (timeouts.uploadMs ?? timeouts.bodyMs) : timeouts.bodyMs);
      listener(req, res);
    },
  );
  server.on("clientError", (err: NodeJS.ErrnoException, socket: Duplex) => answerClientError(err, socket, timeouts.headersMs));
  // An Expect other than 100-continue: Node's own 417 is a bare status line, left the body unread on a connection kept open.
  server.on("checkExpectation", (req: IncomingMessage, res: ServerResponse) =>
    answerAndClose(res, 417, `Expect: ${JSON.stringify(String(req.headers.expect).slice(0, 100))} is not supported (100-continue is)`),
  );
  // Longer than the usual load-balancer idle timeout, so it closes idle connections first.
  server.keepAliveTimeout = 65_000;
  return server;
}

/** Listens on `host`:`port` (0: a free one) and returns the port bound. */
export function listen(server: http.Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      const address = server.address();
      resolve(address && typeof address === "object" ? address.port : port);
    });
  });
}
