import { describe, expect, it } from "vitest";
import { encodeEvent, incompleteTail, SseParser, SseTap, type SseFrame } from "./sse";

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

  it("takes a line of many megabytes in small chunks in time linear in its length", () => {
    // A server tool's result arrives whole in one content_block_start: one line of megabytes, in 16 KiB chunks.
    // Rescanning the line held so far at every chunk took ~18 s for these 8 MiB (the event loop held throughout).
    const p = new SseParser();
    const piece = "a".repeat(16 * 1024);
    const t0 = performance.now();
    expect(p.push('event: content_block_start\r\ndata: {"t":"')).toEqual([]);
    for (let i = 0; i < 512; i++) expect(p.push(piece)).toEqual([]);
    const frames = p.push('"}\r');
    frames.push(...p.push("\n\r\n"));
    const ms = performance.now() - t0;
    expect(frames).toHaveLength(1);
    expect(frames[0]!.event).toBe("content_block_start");
    expect((JSON.parse(frames[0]!.data) as { t: string }).t.length).toBe(8 * 1024 * 1024);
    expect(ms).toBeLessThan(2_000);
  });

  it("skips a line longer than it takes in, and keeps parsing the frames after it", () => {
    const p = new SseParser(100);
    const frames = p.push('event: content_block_delta\ndata: {"text":"');
    for (let i = 0; i < 10; i++) frames.push(...p.push("x".repeat(50)));
    frames.push(...p.push('"}\n\nevent: message_stop\ndata: {"type":"message_stop"}\n\n'));
    // The frame keeps its event line, without the data line that was too long; the next frame is whole.
    expect(frames).toEqual([
      { event: "content_block_delta", data: "" },
      { event: "message_stop", data: '{"type":"message_stop"}' },
    ]);
    expect(p.idle()).toBe(true);
  });

  it("returns a final frame that lacks its blank line at end()", () => {
    const p = new SseParser();
    expect(p.push("event: message_stop\ndata: {}")).toEqual([]);
    expect(p.end()).toEqual([{ event: "message_stop", data: "{}" }]);
  });
});

describe("the relay's tap", () => {
  const SECRET = "sk-ant-api03-secretsecretsecret";
  const scrub = (t: string) => t.split(SECRET).join("[gone]");
  const bytes = (s: string) => new TextEncoder().encode(s);

  /** Everything the tap says to send, as text, and the frames it saw, with the input cut at the given byte offsets. */
  function tapped(input: Uint8Array, cuts: number[]): { sent: string; frames: SseFrame[] } {
    const tap = new SseTap(scrub);
    const out: Uint8Array[] = [];
    const frames: SseFrame[] = [];
    const take = (t: ReturnType<SseTap["push"]>) => {
      frames.push(...t.frames);
      if (t.send) out.push(typeof t.send === "string" ? bytes(t.send) : t.send);
    };
    let at = 0;
    for (const cut of [...cuts, input.length]) {
      take(tap.push(input.subarray(at, cut)));
      at = cut;
    }
    take(tap.end());
    return { sent: Buffer.concat(out).toString("utf8"), frames };
  }

  const start = encodeEvent("message_start", { type: "message_start", message: { id: "m" } });
  // Characters of 2 and 4 bytes, so that some cuts fall inside one.
  const delta = encodeEvent("content_block_delta", { type: "content_block_delta", index: 0, delta: { type: "text_delta", text: "héllo 🌍" } });
  const error = (message: string) => encodeEvent("error", { type: "error", error: { type: "overloaded_error", message } });

  it("passes ordinary chunks on as they came, the same bytes, not re-encoded", () => {
    const tap = new SseTap(scrub);
    const chunk = bytes(start + delta);
    const t = tap.push(chunk);
    expect(t.send).toBe(chunk);
    expect(t.frames.map((f) => f.event)).toEqual(["message_start", "content_block_delta"]);
    // A secret outside an error event is none of the tap's business (and costs nothing to look for).
    const other = bytes(encodeEvent("content_block_delta", { type: "content_block_delta", index: 0, delta: { type: "text_delta", text: SECRET } }));
    expect(tap.push(other).send).toBe(other);
  });

  it("sends an error event scrubbed, wherever the stream is cut, even inside the secret or a character", () => {
    const text = start + delta + error(`Überlastet (x-api-key: ${SECRET})`);
    const input = bytes(text);
    const want = text.replace(SECRET, "[gone]");
    for (let i = 0; i <= input.length; i++) {
      const { sent, frames } = tapped(input, [i]);
      expect(sent, `cut at ${i}`).toBe(want);
      expect(frames.map((f) => f.event)).toEqual(["message_start", "content_block_delta", "error"]);
      expect(JSON.parse(frames[2]!.data).error.message).toBe("Überlastet (x-api-key: [gone])");
    }
    for (const size of [1, 2, 3, 5]) {
      const cuts = Array.from({ length: Math.floor(input.length / size) }, (_, k) => (k + 1) * size);
      expect(tapped(input, cuts).sent, `pieces of ${size}`).toBe(want);
    }
  });

  it("holds the error event until it is whole, and sends what went before it at once", () => {
    const text = start + error(`Overloaded (${SECRET})`);
    const tap = new SseTap(scrub);
    const split = text.indexOf(SECRET) + 5;
    const first = tap.push(bytes(text.slice(0, split)));
    expect(new TextDecoder().decode(first.send as Uint8Array)).toBe(start + "event: error\n");
    const second = tap.push(bytes(text.slice(split)));
    expect(second.send).toBe(`data: {"type":"error","error":{"type":"overloaded_error","message":"Overloaded ([gone])"}}\n\n`);
    expect(second.frames).toHaveLength(1);
  });

  it("scrubs an error event with CRLF line ends, one without its blank line at the end, and whatever follows one", () => {
    const crlf = (start + error(SECRET) + delta).replace(/\n/g, "\r\n");
    for (let i = 0; i <= crlf.length; i += 7) expect(tapped(bytes(crlf), [i]).sent).toBe(crlf.replace(SECRET, "[gone]"));
    const unended = start + error(SECRET).trimEnd();
    const { sent, frames } = tapped(bytes(unended), [unended.length - 10]);
    expect(sent).toBe(unended.replace(SECRET, "[gone]"));
    expect(frames.at(-1)!.data).not.toContain(SECRET);
  });

  it("knows how many bytes a streaming decoder keeps back", () => {
    const b = (...xs: number[]) => new Uint8Array(xs);
    expect(incompleteTail(b())).toBe(0);
    expect(incompleteTail(b(0x61, 0x0a))).toBe(0);
    expect(incompleteTail(bytes("é"))).toBe(0);
    expect(incompleteTail(bytes("🌍"))).toBe(0);
    expect(incompleteTail(bytes("é").subarray(0, 1))).toBe(1);
    expect(incompleteTail(bytes("€").subarray(0, 2))).toBe(2);
    expect(incompleteTail(bytes("a🌍").subarray(0, 4))).toBe(3);
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

describe("re-encoding an upstream's value nested deeper than JSON.stringify goes", () => {
  const deep = "[".repeat(50_000) + "]".repeat(50_000);

  it("encodes the event (it threw, and the stream broke off)", async () => {
    const { stringifyDeep } = await import("../api/json-text");
    const data = `{"type":"content_block_start","index":1,"content_block":{"type":"tool_use","id":"toolu_1","name":"t","input":{"a":${deep}}}}`;
    expect(encodeEvent("content_block_start", JSON.parse(data))).toBe(`event: content_block_start\ndata: ${data}\n\n`);
    expect(stringifyDeep(JSON.parse(data))).toBe(data);
  });

  it("re-emits a whole message whose block arrives whole, the SSE frames carrying it as it was", async () => {
    const { messageToSse } = await import("./sse");
    const { stringifyDeep } = await import("../api/json-text");
    const block = `{"type":"web_search_tool_result","tool_use_id":"srvtoolu_1","content":${deep}}`;
    const msg = JSON.parse(`{"id":"msg_1","type":"message","role":"assistant","model":"claude-sonnet-4-6","content":[${block}],"stop_reason":"end_turn","stop_sequence":null,"usage":{"input_tokens":1,"output_tokens":2}}`);
    const frames = new SseParser().push(messageToSse(msg));
    const start = frames.map((f) => JSON.parse(f.data) as { type: string; content_block?: unknown }).find((e) => e.type === "content_block_start");
    expect(stringifyDeep(start!.content_block)).toBe(block);
    expect(frames.at(-1)!.event).toBe("message_stop");
  });
});
