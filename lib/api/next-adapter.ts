/**
 * Adapts an API handler to a Next route handler (app/api/.../route.ts). In
 * production server.ts serves these paths on the lean path before Next sees
 * them; this keeps the same handlers reachable under `next dev` too.
 */
import { maxBodyBytes, readWebBody, tooLarge, unsupportedEncoding, withinLimit } from "./body-limit";
import type { Handler } from "./http";
import { isStream, jsonOfText } from "./http";

type NextContext = { params?: Promise<Record<string, string | string[]>> };

/** ApiRequest.body under `next dev`: the web request's stream, bounded as on the lean path. */
async function* relayWebBody(request: Request, limit: number): AsyncIterable<Uint8Array> {
  const encoded = unsupportedEncoding(request.headers.get("content-encoding"));
  if (encoded) throw encoded;
  if (Number(request.headers.get("content-length")) > limit) throw tooLarge(limit);
  if (request.body) yield* withinLimit(request.body as unknown as AsyncIterable<Uint8Array>, limit);
}

export function toNextHandler(handler: Handler) {
  return async (request: Request, context?: NextContext): Promise<Response> => {
    const url = new URL(request.url);
    const raw = (await context?.params) ?? {};
    const params = Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, Array.isArray(v) ? v.join("/") : v]));
    let body: Promise<string> | undefined;
    // The same limit as the lean path (THINKGATE_MAX_BODY_BYTES): 413 without holding the body.
    const text = () => (body ??= readWebBody(request, maxBodyBytes()));
    const headers: Record<string, string> = {};
    request.headers.forEach((v, k) => (headers[k] = v));
    const out = await handler({
      method: request.method,
      path: url.pathname,
      query: url.searchParams,
      headers,
      params,
      text,
      json: jsonOfText(text),
      body: (max) => relayWebBody(request, max),
      signal: request.signal,
    });
    const responseHeaders = new Headers(out.headers);
    for (const c of out.cookies ?? []) responseHeaders.append("set-cookie", c);
    if (!isStream(out)) return new Response(out.body as BodyInit, { status: out.status, headers: responseHeaders });
    const encoder = new TextEncoder();
    const it = out.stream[Symbol.asyncIterator]();
    const stream = new ReadableStream<Uint8Array>({
      async pull(controller) {
        const { value, done } = await it.next();
        if (done) controller.close();
        else controller.enqueue(typeof value === "string" ? encoder.encode(value) : value);
      },
      async cancel() {
        await it.return?.(undefined);
      },
    });
    return new Response(stream, { status: out.status, headers: responseHeaders });
  };
}
