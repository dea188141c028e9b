/**
 * A canned upstream in a process of its own (forked by canned-upstream.ts):
 * it reads each request whole and answers every Messages call with the text
 * it was started with, without parsing what it got (or, when started with
 * CANNED_STATUS, every call with that status and CANNED_BODY). Tests that measure the
 * gateway's event loop use it so that neither an upstream's work nor the test
 * process's own handling of a large body is counted as the gateway's stall.
 *
 * Over IPC: { ready, port } when listening; on { inspect: true } it parses the
 * last Messages body it received and answers { calls, bytes, model, contentSha256 }.
 */
import crypto from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";

const text = process.env.CANNED_TEXT ?? "Canned answer.";
/** CANNED_STATUS and CANNED_BODY: every call (count_tokens too) answered with this status and body instead. */
const fixed = process.env.CANNED_STATUS ? { status: Number(process.env.CANNED_STATUS), body: process.env.CANNED_BODY ?? "" } : null;
/**
 * CANNED_SSE=close: every Messages call answered as a stream of the text; =open: the same, with the
 * connection left open after message_stop (a proxy that does not pass the end of the response on);
 * =stall: a stream that goes silent after its first two events, its connection left open.
 * CANNED_JSON=stall: a JSON answer that goes silent half-way through its body.
 */
const sse = process.env.CANNED_SSE === "open" || process.env.CANNED_SSE === "close" || process.env.CANNED_SSE === "stall" ? process.env.CANNED_SSE : null;
let calls = 0;
let lastBody: Buffer | null = null;

const server = http.createServer((req, res) => {
  const parts: Buffer[] = [];
  req.on("data", (c: Buffer) => parts.push(c));
  req.on("end", () => {
    if (req.method !== "POST" || !req.url?.startsWith("/v1/messages")) {
      res.writeHead(404, { "content-type": "application/json" });
      res.end(JSON.stringify({ type: "error", error: { type: "not_found_error", message: "not found" } }));
      return;
    }
    const n = ++calls;
    if (fixed) {
      res.writeHead(fixed.status, { "content-type": "application/json", "request-id": `req_canned_${n}` });
      res.end(fixed.body);
      return;
    }
    if (sse && !req.url.includes("count_tokens")) {
      res.writeHead(200, { "content-type": "text/event-stream; charset=utf-8", "request-id": `req_canned_${n}` });
      const ev = (data: object) => `event: ${(data as { type: string }).type}\ndata: ${JSON.stringify(data)}\n\n`;
      const events = [
        ev({ type: "message_start", message: { id: `msg_canned_${n}`, type: "message", role: "assistant", model: "claude-sonnet-4-6", content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: 20, output_tokens: 1 } } }),
        ev({ type: "content_block_start", index: 0, content_block: { type: "text", text: "" } }),
        ev({ type: "content_block_delta", index: 0, delta: { type: "text_delta", text } }),
        ev({ type: "content_block_stop", index: 0 }),
        ev({ type: "message_delta", delta: { stop_reason: "end_turn", stop_sequence: null }, usage: { output_tokens: 12 } }),
        ev({ type: "message_stop" }),
      ].join("");
      if (sse === "stall") res.write(events.split("\n\n").slice(0, 2).join("\n\n") + "\n\n");
      else if (sse === "open") res.write(events);
      else res.end(events);
      lastBody = Buffer.concat(parts);
      return;
    }
    if (process.env.CANNED_JSON === "stall") {
      // Headers and half a body, then silence on an open connection.
      const whole = JSON.stringify({ id: `msg_canned_${n}`, type: "message", role: "assistant", content: [{ type: "text", text }] });
      res.writeHead(200, { "content-type": "application/json", "content-length": String(Buffer.byteLength(whole)), "request-id": `req_canned_${n}` });
      res.write(whole.slice(0, whole.length >> 1));
      return;
    }
    res.writeHead(200, { "content-type": "application/json", "request-id": `req_canned_${n}` });
    res.end(
      JSON.stringify({
        id: `msg_canned_${n}`,
        type: "message",
        role: "assistant",
        model: "claude-sonnet-4-6",
        content: [{ type: "text", text }],
        stop_reason: "end_turn",
        stop_sequence: null,
        usage: { input_tokens: 20, output_tokens: 12 },
      }),
    );
    // Joined after the answer has gone, so the gateway is not kept waiting on it.
    lastBody = Buffer.concat(parts);
  });
});

process.on("message", (m: { inspect?: boolean }) => {
  if (!m.inspect) return;
  const body = lastBody ? (JSON.parse(lastBody.toString("utf8")) as { model?: string; messages?: Array<{ content?: unknown }> }) : null;
  const content = body?.messages?.[0]?.content;
  process.send!({
    calls,
    bytes: lastBody?.length ?? 0,
    model: body?.model ?? null,
    contentSha256: typeof content === "string" ? crypto.createHash("sha256").update(content).digest("hex") : null,
  });
});

server.listen(0, "127.0.0.1", () => process.send!({ ready: true, port: (server.address() as AddressInfo).port }));
process.on("SIGTERM", () => {
  server.close(() => process.exit(0));
  // Streams left open (CANNED_SSE=open) would hold the close.
  server.closeAllConnections();
});
