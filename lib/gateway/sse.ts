/**
 * Server-sent events, as the Messages API uses them: every frame is
 * `event: <name>` plus one `data: <json>` line and a blank line. The SDK drops
 * frames without an event line, so encode() always writes one.
 */

export function encodeEvent(name: string, data: unknown): string {
  return `event: ${name}\ndata: ${typeof data === "string" ? data : JSON.stringify(data)}\n\n`;
}

export interface SseFrame {
  event: string | null;
  data: string;
}

/**
 * Incremental SSE parser for the gateway's tap on an upstream stream. It is fed
 * decoded text chunks as they pass through and returns the complete frames;
 * partial frames wait for the next chunk. Handles \n, \r\n and \r line ends,
 * comment lines, and multi-line data (joined with \n).
 */
export class SseParser {
  private buf = "";
  private event: string | null = null;
  private data: string[] = [];

  push(chunk: string): SseFrame[] {
    this.buf += chunk;
    const frames: SseFrame[] = [];
    let start = 0;
    for (;;) {
      let nl = -1;
      let skip = 1;
      for (let i = start; i < this.buf.length; i++) {
        const c = this.buf.charCodeAt(i);
        if (c === 10) {
          nl = i;
          break;
        }
        if (c === 13) {
          // A lone \r at the very end may be the first half of \r\n: wait for more.
          if (i === this.buf.length - 1) break;
          nl = i;
          skip = this.buf.charCodeAt(i + 1) === 10 ? 2 : 1;
          break;
        }
      }
      if (nl < 0) break;
      const line = this.buf.slice(start, nl);
      start = nl + skip;
      this.line(line, frames);
    }
    this.buf = this.buf.slice(start);
    return frames;
  }

  /** Frames still pending when the stream ends (a final frame without its blank line). */
  end(): SseFrame[] {
    const frames: SseFrame[] = [];
    if (this.buf) this.line(this.buf, frames);
    this.buf = "";
    this.line("", frames);
    return frames;
  }

  private line(line: string, frames: SseFrame[]): void {
    if (line === "") {
      if (this.data.length || this.event !== null) frames.push({ event: this.event, data: this.data.join("\n") });
      this.event = null;
      this.data = [];
      return;
    }
    if (line.charCodeAt(0) === 58 /* : */) return;
    const colon = line.indexOf(":");
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? "" : line.slice(colon + 1);
    if (value.charCodeAt(0) === 32) value = value.slice(1);
    if (field === "event") this.event = value;
    else if (field === "data") this.data.push(value);
  }
}

type Block = Record<string, unknown> & { type: string };
interface WholeMessage {
  content: Block[];
  usage: Record<string, unknown> & { output_tokens: number };
  stop_reason: string | null;
  stop_sequence?: string | null;
  stop_details?: unknown;
  container?: unknown;
  [k: string]: unknown;
}

/**
 * Re-emits a whole message as the Messages API's event sequence. Used when
 * the gateway had to hold an answer back (to validate it before deciding to
 * escalate) and the client asked for a stream: the client still gets a
 * well-formed stream that the SDK's MessageStream turns into the same message.
 */
export function messageToSse(msg: WholeMessage): string {
  const out: string[] = [];
  const { content, usage, stop_reason, stop_sequence, stop_details, container, ...rest } = msg;
  const startUsage = { ...usage, output_tokens: 1 };
  out.push(encodeEvent("message_start", { type: "message_start", message: { ...rest, content: [], stop_reason: null, stop_sequence: null, stop_details: null, container: container ?? null, usage: startUsage } }));
  content.forEach((block, index) => {
    if (block.type === "text") {
      const { text, ...start } = block;
      out.push(encodeEvent("content_block_start", { type: "content_block_start", index, content_block: { ...start, text: "" } }));
      if (text) out.push(encodeEvent("content_block_delta", { type: "content_block_delta", index, delta: { type: "text_delta", text } }));
    } else if (block.type === "thinking") {
      out.push(encodeEvent("content_block_start", { type: "content_block_start", index, content_block: { type: "thinking", thinking: "", signature: "" } }));
      if (block.thinking) out.push(encodeEvent("content_block_delta", { type: "content_block_delta", index, delta: { type: "thinking_delta", thinking: block.thinking } }));
      out.push(encodeEvent("content_block_delta", { type: "content_block_delta", index, delta: { type: "signature_delta", signature: block.signature ?? "" } }));
    } else if (block.type === "tool_use" || block.type === "server_tool_use") {
      const { input, ...start } = block;
      out.push(encodeEvent("content_block_start", { type: "content_block_start", index, content_block: { ...start, input: {} } }));
      out.push(encodeEvent("content_block_delta", { type: "content_block_delta", index, delta: { type: "input_json_delta", partial_json: JSON.stringify(input ?? {}) } }));
    } else {
      // Blocks without deltas (redacted_thinking, tool results) arrive whole at their start.
      out.push(encodeEvent("content_block_start", { type: "content_block_start", index, content_block: block }));
    }
    out.push(encodeEvent("content_block_stop", { type: "content_block_stop", index }));
  });
  const { service_tier: _t, inference_geo: _g, speed: _s, cache_creation: _c, ...deltaUsage } = usage;
  out.push(
    encodeEvent("message_delta", {
      type: "message_delta",
      delta: { stop_reason, stop_sequence: stop_sequence ?? null, stop_details: stop_details ?? null, container: container ?? null },
      usage: deltaUsage,
    }),
  );
  out.push(encodeEvent("message_stop", { type: "message_stop" }));
  return out.join("");
}
