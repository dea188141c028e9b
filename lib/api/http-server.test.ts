import http from "node:http";
import net from "node:net";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { json } from "./http";
import { createHttpServer, drainConnections } from "./http-server";
import { serveApi } from "./node-adapter";
import { ApiRouter } from "./router";

const servers: { close(): void }[] = [];
afterEach(() => {
  for (const s of servers.splice(0)) s.close();
});

/** A lean-path server with a 300 ms body timeout whose one handler waits `waitMs` before reading the body. */
async function serverReadingAfter(waitMs: number, outcome: (o: string) => void): Promise<number> {
  const router = new ApiRouter([
    {
      method: "POST",
      path: "/api/late",
      handler: async (req) => {
        await new Promise((r) => setTimeout(r, waitMs));
        try {
          return json(200, { text: await req.text() });
        } catch (err) {
          outcome(`rejected: ${(err as Error).message}`);
          throw err;
        }
      },
    },
  ]);
  const server = createHttpServer({ headersMs: 1_000, bodyMs: 300 }, (req, res) => void serveApi(router, req, res, 1 << 20));
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return (server.address() as AddressInfo).port;
}

describe("the body timeout", () => {
  it("reaches a handler that comes to read the body only after it fired, instead of leaving it waiting forever", async () => {
    let outcome = "";
    const port = await serverReadingAfter(600, (o) => (outcome = o));
    const socket = net.connect(port, "127.0.0.1");
    socket.on("error", () => undefined);
    socket.write("POST /api/late HTTP/1.1\r\nhost: x\r\ncontent-length: 10\r\n\r\nabc");
    let received = "";
    socket.on("data", (d) => (received += d.toString()));
    await new Promise((r) => socket.on("close", r));
    expect(received).toMatch(/^HTTP\/1\.1 408 /);
    // The handler reads 300 ms after the cut: its read fails at once with the same error.
    await new Promise((r) => setTimeout(r, 500));
    expect(outcome).toMatch(/rejected: the request body did not arrive within 300 ms/);
  });

  it("leaves a body that arrives in time alone", async () => {
    const port = await serverReadingAfter(0, () => undefined);
    const res = await fetch(`http://127.0.0.1:${port}/api/late`, { method: "POST", body: "hello" });
    expect(await res.json()).toEqual({ text: "hello" });
  });
});

describe("draining at shutdown", () => {
  it("closes keep-alive connections a busy client keeps using, after the response each was serving", async () => {
    const server = createHttpServer({ headersMs: 1_000, bodyMs: 1_000 }, (_req, res) => void setTimeout(() => res.end("ok"), 5));
    servers.push(server);
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const port = (server.address() as AddressInfo).port;
    // Two clients on keep-alive connections, each sending its next request as soon as an answer is in.
    const agent = new http.Agent({ keepAlive: true, maxSockets: 2 });
    let served = 0;
    let stop = false;
    const ask = () =>
      new Promise<void>((resolve) => {
        const r = http.get({ port, host: "127.0.0.1", agent }, (res) => {
          res.resume();
          res.on("end", () => (served++, resolve()));
        });
        r.on("error", () => resolve());
      });
    const client = async () => {
      while (!stop) await ask();
    };
    const clients = [client(), client()];
    await new Promise((r) => setTimeout(r, 100));
    const before = served;
    let drained = false;
    const done = drainConnections(server).then(() => (drained = true));
    await Promise.race([done, new Promise((r) => setTimeout(r, 2_000))]);
    stop = true;
    agent.destroy();
    await Promise.all(clients);
    // Node's close() alone kept serving them (hundreds of answers a second) and never closed.
    expect(drained).toBe(true);
    expect(served - before).toBeLessThanOrEqual(4);
  });

  it("answers every request a pipelining client sent before the drain, then closes", async () => {
    const started: string[] = [];
    const server = createHttpServer({ headersMs: 1_000, bodyMs: 1_000 }, (req, res) => {
      started.push(req.url!);
      setTimeout(() => res.end(`ok ${req.url}`), 100);
    });
    servers.push(server);
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const socket = net.connect((server.address() as AddressInfo).port, "127.0.0.1");
    let got = "";
    socket.on("data", (d: Buffer) => (got += d.toString()));
    const closed = new Promise((r) => socket.on("close", r));
    // Two requests in one write: both are begun before the first is answered.
    socket.write("GET /a HTTP/1.1\r\nHost: x\r\n\r\nGET /b HTTP/1.1\r\nHost: x\r\n\r\n");
    await new Promise((r) => setTimeout(r, 30));
    const drained = drainConnections(server);
    await closed;
    await drained;
    expect(started).toEqual(["/a", "/b"]);
    // Ending the connection after the first answer cut the second off.
    expect(got).toContain("ok /a");
    expect(got).toContain("ok /b");
  });
});

describe("an Expect header other than 100-continue", () => {
  it("is answered with a 417 in the API's shape and the connection closed (Node's was a bare status line, the body left unread)", async () => {
    const server = createHttpServer({ headersMs: 1_000, bodyMs: 1_000 }, (_req, res) => void res.end("served"));
    servers.push(server);
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const socket = net.connect((server.address() as AddressInfo).port, "127.0.0.1");
    let got = "";
    socket.on("data", (d: Buffer) => (got += d.toString()));
    socket.on("error", () => undefined);
    const closed = new Promise((r) => socket.on("close", r));
    socket.write('POST /api/v1/messages HTTP/1.1\r\nHost: x\r\nexpect: 200-ok\r\ncontent-length: 2\r\n\r\n{}');
    await Promise.race([closed, new Promise((r) => setTimeout(r, 2_000))]);
    expect(got).toMatch(/^HTTP\/1\.1 417 /);
    const body = JSON.parse(got.slice(got.indexOf("\r\n\r\n") + 4)) as { type: string; error: { type: string; message: string } };
    expect(body).toMatchObject({ type: "error", error: { type: "invalid_request_error", message: 'Expect: "200-ok" is not supported (100-continue is)' } });
    expect(socket.destroyed || socket.readableEnded).toBe(true);
  });
});

describe("an HTTP/1.1 request without a Host header", () => {
  it("is answered with a 400 in the API's shape that says why (Node's was a bare status line with no body); HTTP/1.0 needs none", async () => {
    const server = createHttpServer({ headersMs: 1_000, bodyMs: 1_000 }, (_req, res) => void res.end("served"));
    servers.push(server);
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const send = async (raw: string) => {
      const socket = net.connect((server.address() as AddressInfo).port, "127.0.0.1");
      let got = "";
      socket.on("data", (d: Buffer) => (got += d.toString()));
      socket.on("error", () => undefined);
      const closed = new Promise((r) => socket.on("close", r));
      socket.write(raw);
      await Promise.race([closed, new Promise((r) => setTimeout(r, 2_000))]);
      socket.destroy();
      return got;
    };
    const got = await send("GET /api/health HTTP/1.1\r\n\r\n");
    expect(got).toMatch(/^HTTP\/1\.1 400 /);
    const body = JSON.parse(got.slice(got.indexOf("\r\n\r\n") + 4)) as { type: string; error: { type: string; message: string } };
    expect(body).toMatchObject({ type: "error", error: { type: "invalid_request_error", message: "the request has no Host header, which HTTP/1.1 requires" } });
    expect(await send("GET /api/health HTTP/1.0\r\n\r\n")).toMatch(/^HTTP\/1\.1 200 [\s\S]*served$/);
  });
});
