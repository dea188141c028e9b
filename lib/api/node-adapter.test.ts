import http, { type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { createHttpServer } from "./http-server";
import { serveApi } from "./node-adapter";
import { ApiRouter } from "./router";

const servers: http.Server[] = [];
afterEach(() => {
  for (const s of servers.splice(0)) s.close();
});

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
    const server = createHttpServer({ headersMs: 1_000, bodyMs: 1_000 }, (req, r) => {
      res = r;
      void serveApi(router, req, r, 1 << 20);
    });
    servers.push(server);
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const port = (server.address() as AddressInfo).port;

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
