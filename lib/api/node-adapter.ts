/**
 * Serves the API route table from plain node:http, the lean path in front of
 * Next: no framework work per request, the body read once, streams written as
 * they come. Anything it does not serve goes to Next.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { AppError, errorBody } from "./errors";
import type { ApiRequest, ApiResponse } from "./http";
import { isStream } from "./http";
import { newRequestId } from "./ids";
import type { ApiRouter } from "./router";
import { errorResponse } from "./wrap";

function readBody(req: IncomingMessage, limit: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers["content-length"]);
    if (Number.isFinite(declared) && declared > limit) {
      req.resume();
      reject(new AppError("request_too_large", `request body is larger than ${limit} bytes`));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        req.removeAllListeners("data");
        req.resume();
        reject(new AppError("request_too_large", `request body is larger than ${limit} bytes`));
        return;
      }
      chunks.push(c);
    });
    req.on("end", () => resolve(chunks.length === 1 ? chunks[0]!.toString("utf8") : Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

function toApiRequest(req: IncomingMessage, path: string, query: string, params: Record<string, string>, limit: number, signal: AbortSignal): ApiRequest {
  let body: Promise<string> | undefined;
  return {
    method: req.method ?? "GET",
    path,
    query: new URLSearchParams(query),
    headers: req.headers as Record<string, string | undefined>,
    params,
    text: () => (body ??= readBody(req, limit)),
    signal,
    remoteAddress: req.socket.remoteAddress,
  };
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
      if (!res.write(value)) await new Promise<void>((r) => res.once("drain", r).once("close", r));
    }
  } finally {
    if (signal.aborted) await it.return?.(undefined);
    res.end();
  }
}

/** Returns false when the path is not an API route (the caller hands it to Next). */
export async function serveApi(router: ApiRouter, req: IncomingMessage, res: ServerResponse, maxBodyBytes: number): Promise<boolean> {
  const url = req.url ?? "/";
  const q = url.indexOf("?");
  const path = q < 0 ? url : url.slice(0, q);
  if (!path.startsWith("/api/")) return false;
  const match = router.match(req.method ?? "GET", path);
  if (match === null) return false;
  const controller = new AbortController();
  res.on("close", () => {
    if (!res.writableFinished) controller.abort();
  });
  if (match === "method_not_allowed") {
    const id = newRequestId();
    const body = errorBody("not_found_error", `${req.method} is not supported on ${path}`, id);
    res.writeHead(405, { "content-type": "application/json", "request-id": id, "content-length": Buffer.byteLength(body) });
    res.end(body);
    return true;
  }
  let out: ApiResponse;
  try {
    out = await match.handler(toApiRequest(req, path, q < 0 ? "" : url.slice(q + 1), match.params, maxBodyBytes, controller.signal));
  } catch (err) {
    out = errorResponse(err, newRequestId());
  }
  await write(res, out, controller.signal);
  return true;
}
