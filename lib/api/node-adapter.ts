/**
 * Serves the API route table from plain node:http, the lean path in front of
 * Next: no framework work per request, the body read once, streams written as
 * they come. Anything it does not serve goes to Next.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { yieldToIo } from "../runtime/turns";
import { BodyHold, overBudget } from "./body-budget";
import { BodyBytes, decodeUtf8, LARGE_BODY_BYTES, tooLarge, unsupportedEncoding, withinLimit } from "./body-limit";
import { parseJsonBytes, parseJsonText } from "./json-body";
import { parseLargeJson } from "./large-json";
import { requestIdOf } from "./http-server";
import { AppError } from "./errors";
import type { ApiRequest, ApiResponse, JsonBody } from "./http";
import { isStream } from "./http";
import { apiMethodNotAllowed, apiNotFound } from "./not-found";
import { corsHeaders, preflightHeaders } from "./cors";
import type { ApiRouter } from "./router";
import { errorResponse } from "./error-response";
import { markAsData } from "./document-headers";

/**
 * Discards the rest of a body nobody will read (an oversize one, or one sent
 * to a request answered before reading it), so the client can finish sending
 * and read the answer: closing at once would make most clients fail with
 * EPIPE instead of seeing the 413 or 401. What is discarded is bounded: past
 * `cap` bytes the connection is cut, so an endless upload costs nothing more,
 * and a slow one is cut at the body timeout (http-server.ts).
 */
function discardRest(req: IncomingMessage, cap: number): void {
  let discarded = 0;
  req.removeAllListeners("data");
  req.on("data", (c: Buffer) => {
    discarded += c.length;
    if (discarded > cap) req.socket.destroy();
  });
  req.resume();
}

/** How much of an unwanted body is discarded before the connection is cut: twice the limit, at least 1 MiB. */
const discardCap = (limit: number) => Math.max(2 * limit, 1 << 20);

/** A client that hangs up mid-upload is no server failure: its leaving (499), as at any other point, not an error logged and a 500. */
function clientLeft(err: NodeJS.ErrnoException): Error {
  return err.code === "ECONNRESET" ? new AppError("api_error", "the client closed the request", { status: 499, cause: err }) : err;
}

/**
 * Reads the body's bytes up to `limit`. A declared Content-Length over the
 * limit is refused before a byte is read; a body that grows past it is
 * refused as soon as it does, without buffering the rest (which is discarded,
 * bounded).
 */
function readBytes(req: IncomingMessage, limit: number, hold: BodyHold): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const refuse = () => {
      discardRest(req, discardCap(limit));
      reject(tooLarge(limit));
    };
    // Cut before the handler came to read it (the body timeout, or the client gone): its error is all there is.
    if (req.destroyed) {
      reject(req.errored ?? new Error("the connection closed before the request body was read"));
      return;
    }
    const encoded = unsupportedEncoding(req.headers["content-encoding"]);
    if (encoded) {
      discardRest(req, discardCap(limit));
      reject(encoded);
      return;
    }
    const declared = Number(req.headers["content-length"]);
    if (Number.isFinite(declared) && declared > limit) {
      refuse();
      return;
    }
    // A large body counts against the process's budget from its declared length, or as it arrives (body-budget.ts).
    const overloaded = () => {
      discardRest(req, discardCap(limit));
      reject(overBudget());
    };
    if (Number.isFinite(declared) && !hold.grow(declared)) {
      overloaded();
      return;
    }
    const body = new BodyBytes(Number.isFinite(declared) ? declared : null);
    let failed = false;
    req.on("data", (c: Buffer) => {
      if (failed) return;
      if (body.length + c.length > limit) {
        failed = true;
        refuse();
        return;
      }
      if (!hold.grow(body.length + c.length)) {
        failed = true;
        overloaded();
        return;
      }
      body.push(c);
    });
    req.on("end", () => {
      if (failed) return;
      // Joining the chunks of a large body without a declared length is a piece of work of its own.
      const bytes = body.whole();
      if (body.length > LARGE_BODY_BYTES) void yieldToIo().then(() => resolve(bytes));
      else resolve(bytes);
    });
    req.on("error", (err: NodeJS.ErrnoException) => reject(clientLeft(err)));
  });
}

/**
 * The body as it arrives, for a handler that relays it (ApiRequest.body).
 * Past `limit` without a declared length the iteration fails (the bytes
 * already relayed are the upstream's to drop). Whatever ends the relay
 * early, the rest of the body is discarded, bounded, as for a body refused
 * before it was read: the client finishes sending and reads the 413.
 * Iterating with the stream's default iterator would destroy it on the
 * early exit and leave the client's rest unread on a connection kept
 * alive, its next request on it never answered.
 */
async function* relayBody(req: IncomingMessage, limit: number): AsyncIterable<Uint8Array> {
  const cap = discardCap(Math.min(limit, 1 << 24));
  const encoded = unsupportedEncoding(req.headers["content-encoding"]);
  const declared = Number(req.headers["content-length"]);
  if (encoded || (Number.isFinite(declared) && declared > limit)) {
    discardRest(req, cap);
    throw encoded ?? tooLarge(limit);
  }
  try {
    yield* withinLimit(req.iterator({ destroyOnReturn: false }), limit);
  } catch (err) {
    throw clientLeft(err as NodeJS.ErrnoException);
  } finally {
    if (!req.readableEnded && !req.destroyed) discardRest(req, cap);
  }
}

/**
 * The body as text (bytes that are not UTF-8 are a 400, not silently
 * replaced) or as JSON: a large body is decoded and parsed on the JSON
 * parser's thread (large-json.ts), a small one here.
 */
function toApiRequest(req: IncomingMessage, path: string, query: string, params: Record<string, string>, limit: number, signal: AbortSignal, hold: BodyHold): ApiRequest & { bodyRead(): boolean } {
  let bytes: Promise<Buffer> | undefined;
  let text: Promise<string> | undefined;
  let json: Promise<JsonBody> | undefined;
  let handedOver = false;
  let relayed = false;
  const read = () => (bytes ??= readBytes(req, limit, hold));
  return {
    bodyRead: () => bytes !== undefined || relayed,
    method: req.method ?? "GET",
    path,
    query: new URLSearchParams(query),
    headers: req.headers as Record<string, string | undefined>,
    params,
    text: () =>
      (text ??= read().then((b) => {
        if (handedOver) throw new Error("the request body went to the JSON parser's thread: read it with json()");
        return decodeUtf8(b);
      })),
    json: () =>
      (json ??= (async () => {
        if (text) return { value: parseJsonText(await text), size: (await read()).length };
        const b = await read();
        if (b.length <= LARGE_BODY_BYTES) return { value: parseJsonBytes(b), size: b.length };
        // Read the size first: handing the bytes over empties this side's buffer.
        const size = b.length;
        handedOver = true;
        return { value: await parseLargeJson(b), size };
      })()),
    received: async () => (await read()).length,
    body: (max) => {
      relayed = true;
      return relayBody(req, max);
    },
    signal,
    id: requestIdOf(req),
    remoteAddress: req.socket.remoteAddress,
  };
}

/**
 * Resolves when the response can take more (drain) or never will (close),
 * leaving no listener behind: the one that did not fire is removed. Left in
 * place, a long stream to a slow reader gathered one close listener per wait,
 * thousands over a long answer, held until the connection closed.
 */
function drained(res: ServerResponse): Promise<void> {
  return new Promise<void>((resolve) => {
    const done = () => {
      res.off("drain", done).off("close", done);
      resolve();
    };
    res.on("drain", done).on("close", done);
  });
}

async function write(res: ServerResponse, out: ApiResponse, signal: AbortSignal): Promise<void> {
  const headers: Record<string, string | string[]> = out.cookies?.length ? { ...out.headers, "set-cookie": out.cookies } : out.headers;
  if (!isStream(out)) {
    const body = out.body;
    res.writeHead(out.status, { ...headers, "content-length": Buffer.byteLength(body) });
    res.end(body);
    return;
  }
  res.writeHead(out.status, headers);
  res.flushHeaders();
  const it = out.stream[Symbol.asyncIterator]();
  try {
    for (;;) {
      if (signal.aborted) break;
      const { value, done } = await it.next();
      if (done) break;
      // Respect backpressure: a slow client must not make the gateway buffer a whole stream.
      // A response already closed takes no more and will never drain (its close is past): the loop ends at the check above.
      if (!res.write(value) && !res.destroyed) await drained(res);
    }
  } catch (err) {
    // The status is out: dropping the connection is the only honest signal
    // left (ending it cleanly would pass a truncated body off as whole).
    res.destroy();
    // The client left, and the stream's source was stopped with it (an
    // upstream read cancelled by the request's signal): nothing failed.
    if (signal.aborted) return;
    throw err;
  } finally {
    if (signal.aborted) await it.return?.(undefined);
    if (!res.destroyed) res.end();
  }
}

/** Whether a request target's path is valid percent-encoding (decodeURIComponent, as routers decode parameters, would not throw). */
export function pathDecodes(url: string): boolean {
  const q = url.indexOf("?");
  try {
    decodeURIComponent(q < 0 ? url : url.slice(0, q));
    return true;
  } catch {
    return false;
  }
}

/**
 * The API path a request names, or null when it names none. A path with dot
 * segments ("/./api/keys", "/x/../api/keys", "/%2e/api/keys") is read as it
 * resolves: Next resolves it so, and served it with its own copy of the
 * handlers (app/api), without what only this path has: the large-body budget
 * and the parser thread, CORS, the API's 404 and 405.
 */
export function apiPath(raw: string): string | null {
  if (raw.startsWith("/api/")) return raw;
  if (!/(^|\/)(\.|%2e){1,2}(\/|\\|$)/i.test(raw)) return null;
  let resolved: string;
  try {
    resolved = new URL(`http://thinkgate.invalid${raw.startsWith("/") ? "" : "/"}${raw}`).pathname;
  } catch {
    return null;
  }
  return resolved.startsWith("/api/") ? resolved : null;
}

/** Returns false when the path is not under /api (the caller hands it to Next); an /api path no route serves gets a 404 in the API's shape. */
export async function serveApi(router: ApiRouter, req: IncomingMessage, res: ServerResponse, maxBodyBytes: number): Promise<boolean> {
  const url = req.url ?? "/";
  const q = url.indexOf("?");
  const path = apiPath(q < 0 ? url : url.slice(0, q));
  if (path === null) return false;
  // Every API answer is data, never a page (document-headers.ts).
  markAsData(res);
  const preflight = preflightHeaders(req.method, path, req.headers);
  if (preflight) {
    res.writeHead(204, preflight).end();
    return true;
  }
  // Set before any answer is written, so every one of them carries it (errors, 404s, streams).
  for (const [name, value] of Object.entries(corsHeaders(path, req.headers) ?? {})) res.setHeader(name, value);
  let match: ReturnType<ApiRouter["match"]>;
  try {
    // HEAD is GET without the body (node leaves the body out by itself): uptime checks send it.
    match = router.match(req.method === "HEAD" ? "GET" : (req.method ?? "GET"), path);
  } catch (err) {
    // decodeURIComponent of a path parameter: "%zz" is the client's mistake, not a 500; so is a NUL in one (the router's own error).
    const out = errorResponse(err instanceof AppError ? err : new AppError("invalid_request_error", "the path is not valid percent-encoding"), requestIdOf(req));
    await write(res, out, new AbortController().signal);
    return true;
  }
  if (match === null) {
    // Not the web app's HTML 404 page: an SDK gets an error it can read.
    if (!req.complete) discardRest(req, discardCap(maxBodyBytes));
    await write(res, apiNotFound(req.method ?? "GET", path, req.headers as Record<string, string | undefined>, requestIdOf(req)), new AbortController().signal);
    return true;
  }
  const controller = new AbortController();
  // The request's large body, if any, is held until its answer is done (body-budget.ts).
  const hold = new BodyHold();
  res.on("close", () => {
    hold.release();
    if (!res.writableFinished) controller.abort();
  });
  if (match === "method_not_allowed") {
    if (!req.complete) discardRest(req, discardCap(maxBodyBytes));
    await write(res, apiMethodNotAllowed(req.method ?? "GET", path, req.headers as Record<string, string | undefined>, requestIdOf(req)), new AbortController().signal);
    return true;
  }
  let out: ApiResponse;
  const apiReq = toApiRequest(req, path, q < 0 ? "" : url.slice(q + 1), match.params, maxBodyBytes, controller.signal, hold);
  try {
    out = await match.handler(apiReq);
  } catch (err) {
    // The client left and the handler stopped with it (a rejection by the
    // request's signal, as the simulator's `hang` fault ends each time):
    // nothing failed, and nobody is there to read an answer.
    if (controller.signal.aborted) {
      res.destroy();
      return true;
    }
    out = errorResponse(err, requestIdOf(req));
  }
  // Answered without reading the body (a 401, a 405): node would drain it all, however long; bound that.
  if (!apiReq.bodyRead() && !req.complete) discardRest(req, discardCap(maxBodyBytes));
  await write(res, out, controller.signal);
  return true;
}
