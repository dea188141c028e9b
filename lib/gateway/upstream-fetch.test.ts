/**
 * The SDK's fetch over node:http against a real local server: what the SDK
 * and the gateway read from a response (status, headers, body as text, JSON
 * or chunks) and how an abort surfaces.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AppError } from "../api/errors";
import { MAX_ANSWER_BYTES, upstreamFetch } from "./upstream-fetch";

let server: http.Server;
let base: string;
const seen: { headers: http.IncomingHttpHeaders; body: string }[] = [];

beforeAll(async () => {
  server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (d: Buffer) => (body += d.toString()));
    req.on("end", () => {
      seen.push({ headers: req.headers, body });
      if (req.url === "/hang") return; // never answers
      if (req.url?.startsWith("/echo")) {
        // A proxy that echoes the credentials it was sent, in an error or (for /echo-ok) in an answer.
        const echoed = `invalid x-api-key: ${req.headers["x-api-key"]}; authorization: ${req.headers.authorization}`;
        res.writeHead(req.url === "/echo-ok" ? 200 : 401, { "content-type": "application/json" });
        res.end(JSON.stringify({ type: "error", error: { type: "authentication_error", message: echoed } }));
        return;
      }
      if (req.url === "/huge") {
        // An answer that does not stop: 1 MiB pieces for as long as it is read.
        res.writeHead(200, { "content-type": "application/json" });
        const piece = Buffer.alloc(1 << 20, 0x61);
        const pump = () => {
          while (!res.destroyed) if (!res.write(piece)) return void res.once("drain", pump);
        };
        res.on("error", () => undefined);
        pump();
        return;
      }
      if (req.url === "/chunks") {
        res.writeHead(200, { "content-type": "text/event-stream" });
        res.write("one\n");
        setTimeout(() => res.end("two\n"), 10);
        return;
      }
      res.setHeader("Request-Id", "req_123");
      res.setHeader("X-Multi", ["a", "b"]);
      res.writeHead(429, { "content-type": "application/json", "retry-after": "3" });
      res.end(JSON.stringify({ type: "error", error: { type: "rate_limit_error", message: "slow down" } }));
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => {
  server.closeAllConnections();
  server.close();
});

describe("upstreamFetch", () => {
  it("sends the method, headers and body, and reads status, headers and JSON", async () => {
    const res = await upstreamFetch(`${base}/v1/messages`, {
      method: "post",
      headers: new Headers({ "x-api-key": "k", "accept-encoding": "gzip", "content-type": "application/json" }),
      body: '{"a":1}',
    });
    const sent = seen.at(-1)!;
    expect(sent.body).toBe('{"a":1}');
    expect(sent.headers["x-api-key"]).toBe("k");
    expect(sent.headers["content-length"]).toBe("7");
    // Answers are relayed as they come, so none may be compressed.
    expect(sent.headers["accept-encoding"]).toBeUndefined();

    expect(res.status).toBe(429);
    expect(res.ok).toBe(false);
    expect(res.headers.get("request-id")).toBe("req_123");
    expect(res.headers.get("REQUEST-ID")).toBe("req_123");
    expect(res.headers.get("x-multi")).toBe("a, b");
    expect(res.headers.has("retry-after")).toBe(true);
    expect(res.headers.get("missing")).toBeNull();
    const names = [...res.headers.entries()].map(([n]) => n);
    expect(names).toEqual([...names].sort());
    expect(names).toContain("content-type");
    expect(await res.json()).toEqual({ type: "error", error: { type: "rate_limit_error", message: "slow down" } });
    await expect(res.text()).rejects.toThrow(/already been read/);
  });

  it("hands the body over as chunks as they arrive", async () => {
    const res = await upstreamFetch(`${base}/chunks`, { method: "GET" });
    const chunks: string[] = [];
    for await (const c of res.body as unknown as AsyncIterable<Buffer>) chunks.push(c.toString());
    expect(chunks.join("")).toBe("one\ntwo\n");
    expect(chunks.length).toBeGreaterThanOrEqual(2);
  });

  it("scrubs the upstream credentials and known secret formats from an error answer, and only from errors", async () => {
    const configured = "opaque-upstream-credential-1234";
    process.env.ANTHROPIC_API_KEY = configured;
    try {
      const headers = new Headers({ "x-api-key": configured, authorization: "Bearer sk-ant-api03-EXAMPLE-abcdefghijklmnopqrstuvwxyz0123" });
      const res = await upstreamFetch(`${base}/echo`, { method: "GET", headers });
      expect(res.status).toBe(401);
      const text = await res.text();
      expect(text).not.toContain(configured);
      expect(text).not.toContain("sk-ant-api03");
      expect(JSON.parse(text).error).toMatchObject({ type: "authentication_error", message: expect.stringMatching(/^invalid x-api-key: \[redacted:/) });
      // The same scrubbed body, read as chunks (the SDK's stream path).
      const again = await upstreamFetch(`${base}/echo`, { method: "GET", headers });
      const chunks: string[] = [];
      for await (const c of again.body as unknown as AsyncIterable<Buffer>) chunks.push(c.toString());
      expect(chunks.join("")).toBe(text);
      // An answer is relayed as it came: scrubbing is for what the upstream says when it fails.
      expect(await (await upstreamFetch(`${base}/echo-ok`, { method: "GET", headers })).text()).toContain(configured);
    } finally {
      delete process.env.ANTHROPIC_API_KEY;
    }
  });

  it("rejects with an AbortError when the signal fires before the answer", async () => {
    const controller = new AbortController();
    const pending = upstreamFetch(`${base}/hang`, { method: "POST", body: "x", signal: controller.signal });
    setTimeout(() => controller.abort(), 20);
    await expect(pending).rejects.toMatchObject({ name: "AbortError" });
  });

  it("reports a refused connection as the TypeError fetch gives", async () => {
    const closed = http.createServer();
    await new Promise<void>((r) => closed.listen(0, "127.0.0.1", r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    await expect(upstreamFetch(`http://127.0.0.1:${port}/`, {})).rejects.toMatchObject({ name: "TypeError", message: "fetch failed" });
  });
});

describe("an answer larger than the gateway reads whole", () => {
  it("is refused as it arrives with a 502 in the API's terms, and its connection closed", async () => {
    const res = await upstreamFetch(`${base}/huge`, { method: "POST", body: "{}" });
    expect(res.status).toBe(200);
    const err = await res.text().then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(AppError);
    expect(err).toMatchObject({ status: 502, type: "api_error" });
    expect((err as AppError).message).toContain(`larger than ${MAX_ANSWER_BYTES} bytes`);
  });
});
