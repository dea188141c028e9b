/**
 * An HTTP proxy standing for the upstream API in front of a simulator: it
 * passes every call on unchanged and keeps, for each Messages call, the model
 * it asked for, its trace context and how it ended: answered whole, or closed by the gateway
 * before its answer was (a call the gateway cancelled). A call the gateway
 * closes is closed towards the simulator too, so a `hang` fault ends with it.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";

export interface ProxiedCall {
  model: string;
  /** The W3C trace context the gateway sent with the call. */
  traceparent: string | undefined;
  /** "answered" once the answer went back whole; "closed" when the gateway closed the call first. */
  ended: Promise<"answered" | "closed">;
}

export interface UpstreamProxy {
  /** The base URL to give thinkgate as ANTHROPIC_BASE_URL. */
  url: string;
  /** Messages calls in the order they arrived. */
  calls: ProxiedCall[];
  /** Where calls go (the simulator's base URL); set once it is known. */
  target(url: string): void;
  /** Resolves with the first call to `model`, once it has arrived whole. */
  arrived(model: string): Promise<ProxiedCall>;
  close(): Promise<void>;
}

export async function startUpstreamProxy(): Promise<UpstreamProxy> {
  let target = "";
  const calls: ProxiedCall[] = [];
  const waiting: { model: string; resolve: (c: ProxiedCall) => void }[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks);
      // Before the simulator's address is known (the server's start-up asks for its routes' models): an upstream not there yet.
      if (!target) return void res.writeHead(503, { "content-type": "application/json" }).end('{"type":"error","error":{"type":"overloaded_error","message":"no upstream yet"}}');
      const headers = { ...req.headers };
      delete headers.host;
      const up = http.request(`${target}${req.url}`, { method: req.method, headers }, (r) => {
        res.writeHead(r.statusCode ?? 502, r.headers);
        r.pipe(res);
      });
      up.on("error", () => res.destroy());
      res.on("close", () => up.destroy());
      if (/^\/v1\/messages\/?(\?|$)/.test(req.url ?? "") && body.length) {
        const ended = new Promise<"answered" | "closed">((resolve) => res.on("close", () => resolve(res.writableFinished ? "answered" : "closed")));
        const call: ProxiedCall = { model: (JSON.parse(body.toString()) as { model: string }).model, traceparent: req.headers["traceparent"] as string | undefined, ended };
        calls.push(call);
        for (const w of waiting.filter((x) => x.model === call.model)) {
          waiting.splice(waiting.indexOf(w), 1);
          w.resolve(call);
        }
      }
      up.end(body);
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    calls,
    target: (url) => void (target = url),
    arrived: (model) => {
      const seen = calls.find((c) => c.model === model);
      return seen ? Promise.resolve(seen) : new Promise((resolve) => waiting.push({ model, resolve }));
    },
    close: () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
