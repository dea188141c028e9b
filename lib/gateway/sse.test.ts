import { describe, expect, it } from "vitest";
import { encodeEvent, SseParser } from "./sse";

describe("SSE encoding", () => {
  it("writes an event line, one compact data line and a blank line", () => {
    expect(encodeEvent("message_stop", { type: "message_stop" })).toBe('event: message_stop\ndata: {"type":"message_stop"}\n\n');
  });

  it("round-trips through the parser however the bytes are split", () => {
    const frames = [
      encodeEvent("message_start", { type: "message_start", message: { id: "m" } }),
      encodeEvent("content_block_delta", { type: "content_block_delta", index: 0, delta: { type: "text_delta", text: "a\nb" } }),
      encodeEvent("message_stop", { type: "message_stop" }),
    ].join("");
    for (const size of [1, 2, 7, 1000]) {
      const p = new SseParser();
      const out = [];
      for (let i = 0; i < frames.length; i += size) out.push(...p.push(frames.slice(i, i + size)));
      out.push(...p.end());
      expect(out.map((f) => f.event)).toEqual(["message_start", "content_block_delta", "message_stop"]);
      expect(JSON.parse(out[1]!.data).delta.text).toBe("a\nb");
    }
  });
});

describe("SSE parsing", () => {
  it("accepts CRLF and CR line ends, comments and multi-line data", () => {
    const p = new SseParser();
    const out = p.push(": keep-alive\r\nevent: ping\r\ndata: {\"type\":\r\ndata: \"ping\"}\r\n\r\nevent:error\rdata:{}\r\r");
    // The last \r could be half of a \r\n, so that frame completes at the next byte or at end().
    out.push(...p.end());
    expect(out).toEqual([
      { event: "ping", data: '{"type":\n"ping"}' },
      { event: "error", data: "{}" },
    ]);
  });

  it("keeps a frame split inside a CRLF pair whole", () => {
    const p = new SseParser();
    expect(p.push("event: a\r")).toEqual([]);
    expect(p.push("\ndata: 1\r\n\r\n")).toEqual([{ event: "a", data: "1" }]);
  });

  it("returns a final frame that lacks its blank line at end()", () => {
    const p = new SseParser();
    expect(p.push("event: message_stop\ndata: {}")).toEqual([]);
    expect(p.end()).toEqual([{ event: "message_stop", data: "{}" }]);
  });
});

describe("re-emitting a whole message as a stream", () => {
  it("gives the SDK's MessageStream the same message back", async () => {
    const { default: Anthropic } = await import("@anthropic-ai/sdk");
    const http = await import("node:http");
    const { messageToSse } = await import("./sse");
    const msg = {
      id: "msg_1",
      type: "message",
      role: "assistant",
      model: "claude-sonnet-4-6",
      content: [
        { type: "thinking", thinking: "Let me think.", signature: "sig==" },
        { type: "text", text: "Answer.", citations: null },
        { type: "tool_use", id: "toolu_1", name: "lookup", input: { q: "x" } },
      ],
      stop_reason: "tool_use",
      stop_sequence: null,
      stop_details: null,
      container: null,
      usage: { input_tokens: 10, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, output_tokens: 42, output_tokens_details: { thinking_tokens: 20 }, service_tier: "standard" },
    };
    // A real SSE response, read by the official SDK.
    const server = http.createServer((_req, res) => {
      res.writeHead(200, { "content-type": "text/event-stream" });
      res.end(messageToSse(msg as never));
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const port = (server.address() as { port: number }).port;
    const client = new Anthropic({ baseURL: `http://127.0.0.1:${port}`, apiKey: "x", maxRetries: 0 });
    const stream = client.messages.stream({ model: "claude-sonnet-4-6", max_tokens: 10, messages: [{ role: "user", content: "x" }] });
    const final = await stream.finalMessage();
    expect(final.content).toEqual(msg.content);
    expect(final.stop_reason).toBe("tool_use");
    expect(final.usage.output_tokens).toBe(42);
    expect(final.usage.output_tokens_details?.thinking_tokens).toBe(20);
    server.close();
  });
});
