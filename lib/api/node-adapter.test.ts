import http, { type ServerResponse } from "node:http";
import zlib from "node:zlib";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it, vi } from "vitest";
import { logger } from "../observability/logger";
import { AppError } from "./errors";
import { json } from "./http";
import { createHttpServer } from "./http-server";
import { apiPath, serveApi } from "./node-adapter";
import { ApiRouter } from "./router";

const servers: http.Server[] = [];
afterEach(() => {
  for (const s of servers.splice(0)) s.close();
});

/** A server on a free port with `handler`, closed after the test; its port. */
async function listen(handler: (req: http.IncomingMessage, res: ServerResponse) => void, bodyMs = 1_000): Promise<number> {
  const server = createHttpServer({ headersMs: 1_000, bodyMs }, handler);
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return (server.address() as AddressInfo).port;
}

describe("a streamed answer to a slow reader", () => {
  it("waits out backpressure without leaving a listener behind at each wait", async () => {
    const CHUNKS = 400;
    let res: ServerResponse | null = null;
    /** The response's close listeners, seen from the stream as it is written, and how often the writer had to wait. */
    const closeListeners: number[] = [];
    const router = new ApiRouter([
      {
        method: "GET",
        path: "/api/long",
        handler: async () => ({
          status: 200,
          headers: { "content-type": "text/event-stream" },
          stream: (async function* () {
            for (let i = 0; i < CHUNKS; i++) {
              closeListeners.push(res!.listenerCount("close"));
              yield "x".repeat(64 * 1024);
            }
          })(),
        }),
      },
    ]);
    const port = await listen((req, r) => {
      res = r;
      void serveApi(router, req, r, 1 << 20);
    });

    // A client that takes its time: each chunk it gets, it stops reading for a moment, so the server waits for drain again and again.
    const received = await new Promise<number>((resolve, reject) => {
      http
        .get(`http://127.0.0.1:${port}/api/long`, (r) => {
          let n = 0;
          r.on("data", (c: Buffer) => {
            n += c.length;
            r.pause();
            setTimeout(() => r.resume(), 1);
          });
          r.on("end", () => resolve(n));
          r.on("error", reject);
        })
        .on("error", reject);
    });
    expect(received).toBe(CHUNKS * 64 * 1024);
    expect(closeListeners).toHaveLength(CHUNKS);
    // One close listener is the adapter's own (the request's abort); a wait for drain may add one more while it lasts.
    expect(Math.max(...closeListeners)).toBeLessThanOrEqual(3);
  });
});

describe("a stream the client leaves", () => {
  it("ends quietly when its source fails because of that abort (it was logged as a failed request)", async () => {
    const router = new ApiRouter([
      {
        method: "GET",
        path: "/api/results",
        handler: async (req) => ({
          status: 200,
          headers: { "content-type": "application/x-jsonl" },
          stream: (async function* () {
            yield "first line\n";
            // Like an upstream read cancelled by the request's signal: it rejects once the client is gone.
            await new Promise((_, reject) => req.signal.addEventListener("abort", () => reject(Object.assign(new Error("This operation was aborted"), { name: "AbortError" }))));
          })(),
        }),
      },
    ]);
    let served: Promise<boolean> | null = null;
    const port = await listen((req, r) => {
      served = serveApi(router, req, r, 1 << 20);
    });
    await new Promise<void>((resolve, reject) => {
      const c = http.get(`http://127.0.0.1:${port}/api/results`, (r) => r.once("data", () => (c.destroy(), resolve())));
      c.on("error", () => undefined);
      setTimeout(() => reject(new Error("no first line")), 5_000);
    });
    await expect(served!).resolves.toBe(true);
  });
  it("ends when its source answers the abort with one more chunk (the Responses stream's failure events) instead of failing", async () => {
    const router = new ApiRouter([
      {
        method: "GET",
        path: "/api/events",
        handler: async (req) => ({
          status: 200,
          headers: { "content-type": "text/event-stream" },
          stream: (async function* () {
            yield "event: first\n\n";
            // Like a translation that tells its client the stream failed once its source ended early: the client is gone by then.
            await new Promise<void>((resolve) => req.signal.addEventListener("abort", () => resolve()));
            yield "event: error\n\n";
          })(),
        }),
      },
    ]);
    let served: Promise<boolean> | null = null;
    const port = await listen((req, r) => {
      served = serveApi(router, req, r, 1 << 20);
    });
    await new Promise<void>((resolve, reject) => {
      const c = http.get(`http://127.0.0.1:${port}/api/events`, (r) => r.once("data", () => (c.destroy(), resolve())));
      c.on("error", () => undefined);
      setTimeout(() => reject(new Error("no first event")), 5_000);
    });
    const ended = await Promise.race([served!.then(() => "ended"), new Promise((r) => setTimeout(() => r("still writing after 2 s"), 2_000))]);
    expect(ended).toBe("ended");
  });
});

describe("a handler the client leaves before it answers", () => {
  it("ends quietly when the handler rejects because of that abort (it was logged as an unhandled error)", async () => {
    const logged: unknown[] = [];
    const spy = vi.spyOn(logger, "error").mockImplementation(((obj: unknown) => void logged.push(obj)) as never);
    try {
      let entered!: () => void;
      const inHandler = new Promise<void>((r) => (entered = r));
      const router = new ApiRouter([
        {
          method: "POST",
          path: "/api/wait",
          // The simulator's `hang` fault: no answer until the request's signal aborts, then a rejection.
          handler: (req) => {
            entered();
            return new Promise((_, reject) => req.signal.addEventListener("abort", () => reject(req.signal.reason)));
          },
        },
      ]);
      let served: Promise<boolean> | null = null;
      const port = await listen((req, r) => {
        served = serveApi(router, req, r, 1 << 20);
      });
      const c = http.request({ host: "127.0.0.1", port, method: "POST", path: "/api/wait", headers: { "content-type": "application/json" } });
      c.on("error", () => undefined);
      c.end("{}");
      await inHandler;
      c.destroy();
      await expect(served!).resolves.toBe(true);
      expect(logged).toEqual([]);
    } finally {
      spy.mockRestore();
    }
  });
});

describe("a client that hangs up while its body is relayed", () => {
  it("is its leaving (499), as when the body is read whole, not an error of the server", async () => {
    let failed: unknown = null;
    let served: Promise<boolean> | null = null;
    const router = new ApiRouter([
      {
        method: "POST",
        path: "/api/upload",
        handler: async (req) => {
          try {
            for await (const _ of req.body!(1 << 24)) void _;
          } catch (err) {
            failed = err;
            throw err;
          }
          return json(200, {});
        },
      },
    ]);
    const port = await listen((req, r) => {
      served = serveApi(router, req, r, 1 << 24);
    }, 5_000);
    const req = http.request({ port, host: "127.0.0.1", method: "POST", path: "/api/upload", headers: { "content-length": 1_000_000 } });
    req.on("error", () => undefined);
    req.write(Buffer.alloc(100_000, 97));
    await new Promise((r) => setTimeout(r, 200));
    req.destroy();
    await served;
    expect(failed).toBeInstanceOf(AppError);
    expect(failed).toMatchObject({ status: 499, message: "the client closed the request" });
  });
});

describe("a request body sent compressed", () => {
  it("is refused with a 415 in the API's shape that names the encoding, not as bytes that are not UTF-8", async () => {
    const router = new ApiRouter([{ method: "POST", path: "/api/echo", handler: async (req) => json(200, { got: (await req.json()).value }) }]);
    const port = await listen((req, r) => void serveApi(router, req, r, 1 << 20));
    const url = `http://127.0.0.1:${port}/api/echo`;
    const body = JSON.stringify({ model: "claude-sonnet-4-6" });

    const gz = await fetch(url, { method: "POST", headers: { "content-type": "application/json", "content-encoding": "gzip" }, body: zlib.gzipSync(body) });
    expect(gz.status).toBe(415);
    const answer = (await gz.json()) as { type: string; error: { type: string; message: string } };
    expect(answer).toMatchObject({ type: "error", error: { type: "invalid_request_error" } });
    expect(answer.error.message).toContain('Content-Encoding "gzip" is not supported');

    // Uncompressed, or said so with "identity", the same body is read.
    for (const headers of [{}, { "content-encoding": "identity" }] as Record<string, string>[]) {
      const plain = await fetch(url, { method: "POST", headers: { "content-type": "application/json", ...headers }, body });
      expect(plain.status).toBe(200);
      expect(await plain.json()).toEqual({ got: { model: "claude-sonnet-4-6" } });
    }
  });
});

describe("paths no handler was written for", () => {
  async function serve(): Promise<number> {
    const router = new ApiRouter([
      { method: "GET", path: "/api/health", handler: async () => json(200, { ok: true }) },
      { method: "GET", path: "/api/things/:id", handler: async (req) => json(200, { id: req.params.id }) },
    ]);
    const port = await listen((req, r) => void serveApi(router, req, r, 1 << 20));
    return port;
  }

  it("refuses a path parameter holding a NUL with a 400 in the API's shape (PostgreSQL's text cannot hold one: a record lookup was a 500)", async () => {
    const port = await serve();
    const ok = await fetch(`http://127.0.0.1:${port}/api/things/a%20b`);
    expect(await ok.json()).toEqual({ id: "a b" });
    for (const bad of ["t%00x", "%00"]) {
      const res = await fetch(`http://127.0.0.1:${port}/api/things/${bad}`);
      expect(res.status).toBe(400);
      const body = (await res.json()) as { error: { type: string; message: string } };
      expect(body.error).toEqual({ type: "invalid_request_error", message: "the path holds a NUL character (%00)" });
    }
    const res = await fetch(`http://127.0.0.1:${port}/api/things/%zz`);
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { message: string } }).error.message).toBe("the path is not valid percent-encoding");
  });

  it("answers HEAD as GET with no body, as uptime checks expect (it was a 405)", async () => {
    const port = await serve();
    const res = await fetch(`http://127.0.0.1:${port}/api/health`, { method: "HEAD" });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/application\/json/);
    expect(await res.text()).toBe("");
  });

  it("answers an /api path no route serves with a 404 in the API's shape (the caller used to hand it to the web app)", async () => {
    const port = await serve();
    const res = await fetch(`http://127.0.0.1:${port}/api/v1/skills`, { method: "POST", body: "{}" });
    expect(res.status).toBe(404);
    const body = (await res.json()) as { type: string; error: { type: string; message: string }; request_id: string };
    expect(body.type).toBe("error");
    expect(body.error.type).toBe("not_found_error");
    expect(body.error.message).toBe("no API route for POST /api/v1/skills");
    expect(body.request_id).toBe(res.headers.get("request-id"));
  });
});

describe("apiPath: an /api path written with dot segments is still the API's", () => {
  it("resolves dot segments as Next does, so the request gets this path's guards and not Next's copy of the handler", () => {
    expect(apiPath("/api/keys")).toBe("/api/keys");
    for (const raw of ["/./api/keys", "/x/../api/keys", "/_next/../api/keys", "/%2e/api/keys", "/a/%2E%2E/api/keys"]) expect(apiPath(raw), raw).toBe("/api/keys");
    for (const raw of ["/", "/traces", "/./traces", "/x/../traces", "/api", "/apix/keys", "/%61pi/keys"]) expect(apiPath(raw), raw).toBeNull();
  });
});
