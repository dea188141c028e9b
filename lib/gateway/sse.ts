/**
 * Server-sent events, as the Messages API uses them: every frame is
 * `event: <name>` plus one `data: <json>` line and a blank line. The SDK drops
 * frames without an event line, so encode() always writes one.
 */
import { stringifyDeep } from "../api/json-text";

/**
 * One frame. An object is written with stringifyDeep: what thinkgate re-encodes
 * (a block renumbered when thinking is held back, a whole answer re-emitted as
 * a stream) is the upstream's, and may nest deeper than JSON.stringify goes.
 */
export function encodeEvent(name: string, data: unknown): string {
  return `event: ${name}\ndata: ${typeof data === "string" ? data : stringifyDeep(data)}\n\n`;
}

/**
 * The longest SSE line the parser takes in (characters): the most of one
 * answer the gateway reads whole (MAX_ANSWER_BYTES, upstream-fetch.ts). The
 * relay still passes a longer line on to the client; only its tap skips it.
 */
const MAX_LINE = 64 * 1024 * 1024;

export interface SseFrame {
  event: string | null;
  data: string;
}

/**
 * Incremental SSE parser for the gateway's tap on an upstream stream. It is fed
 * decoded text chunks as they pass through and returns the complete frames;
 * partial frames wait for the next chunk. Handles \n, \r\n and \r line ends,
 * comment lines, and multi-line data (joined with \n).
 *
 * Each character is looked at once: a line not complete yet is kept as the
 * pieces it came in and joined when its end arrives. One event can be many
 * megabytes (a server tool's result arrives whole in its content_block_start),
 * and scanning the text held so far again at every chunk made such a line
 * cost the square of its length, with the event loop held all the while.
 */
export class SseParser {
  /** The line begun and not ended yet, in the pieces it came in. */
  private pending: string[] = [];
  private pendingLength = 0;
  /** The line under way grew past maxLine: its pieces are dropped and, once it ends, so is the line. */
  private skipping = false;
  /** The last chunk ended with \r: its line is ended, and a \n that begins the next chunk is that line end's second half. */
  private afterCr = false;
  private event: string | null = null;
  private data: string[] = [];
  /** Where in the chunk last pushed the first `event: error` line it completed ends; -1 for none (see SseTap). */
  errorFrom = -1;

  /**
   * @param maxLine The longest line taken in, in characters; a longer one is skipped (its frame
   *   loses that line) rather than held whole: an upstream gone wrong can send one without end.
   */
  constructor(private readonly maxLine = MAX_LINE) {}

  push(chunk: string): SseFrame[] {
    this.errorFrom = -1;
    const frames: SseFrame[] = [];
    let start = 0;
    if (this.afterCr && chunk.charCodeAt(0) === 10) start = 1;
    if (chunk.length > 0) this.afterCr = false;
    for (let i = start; i < chunk.length; i++) {
      const c = chunk.charCodeAt(i);
      if (c !== 10 && c !== 13) continue;
      let line: string | null = chunk.slice(start, i);
      if (this.skipping || this.pendingLength + line.length > this.maxLine) line = null;
      else if (this.pending.length) {
        this.pending.push(line);
        line = this.pending.join("");
      }
      this.pending = [];
      this.pendingLength = 0;
      this.skipping = false;
      if (c === 13) {
        if (i === chunk.length - 1) this.afterCr = true;
        else if (chunk.charCodeAt(i + 1) === 10) i++;
      }
      start = i + 1;
      if (line !== null && this.line(line, frames) && this.errorFrom < 0) this.errorFrom = start;
    }
    if (start < chunk.length) this.hold(chunk.slice(start));
    return frames;
  }

  private hold(piece: string): void {
    if (this.skipping) return;
    this.pendingLength += piece.length;
    if (this.pendingLength > this.maxLine) {
      this.skipping = true;
      this.pending = [];
      this.pendingLength = 0;
    } else this.pending.push(piece);
  }

  /** Frames still pending when the stream ends (a final frame without its blank line). */
  end(): SseFrame[] {
    const frames: SseFrame[] = [];
    if (this.pending.length && !this.skipping) this.line(this.pending.join(""), frames);
    this.pending = [];
    this.pendingLength = 0;
    this.skipping = false;
    this.afterCr = false;
    this.line("", frames);
    return frames;
  }

  /** No frame begun and no partial line waiting: what was pushed so far ends between two frames. */
  idle(): boolean {
    return this.pending.length === 0 && !this.skipping && this.event === null && this.data.length === 0;
  }

  /** Takes in one line; true when it was an `event: error` line. */
  private line(line: string, frames: SseFrame[]): boolean {
    if (line === "") {
      if (this.data.length || this.event !== null) frames.push({ event: this.event, data: this.data.join("\n") });
      this.event = null;
      this.data = [];
      return false;
    }
    if (line.charCodeAt(0) === 58 /* : */) return false;
    const colon = line.indexOf(":");
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? "" : line.slice(colon + 1);
    if (value.charCodeAt(0) === 32) value = value.slice(1);
    if (field === "event") {
      this.event = value;
      return value === "error";
    }
    if (field === "data") this.data.push(value);
    return false;
  }
}

export interface Tapped {
  /** The frames the chunk completed, an `error` event's data scrubbed. */
  frames: SseFrame[];
  /** What to send the client now: as a rule the chunk itself; null when all of it is held back. */
  send: Uint8Array | string | null;
}

const utf8 = new TextEncoder();

/**
 * The gateway's tap on an upstream stream: it parses each chunk for the
 * record and tells the relay what to send the client. That is the chunk
 * itself, as it came (never re-encoded), unless the chunk carries an `error`
 * event. What an error event says comes from the upstream, or from a proxy in
 * front of it, and may quote the credential the gateway sent
 * (lib/observability/secrets.ts): from the end of its `event: error` line on,
 * the stream is held back and sent as scrubbed text, each time what was held
 * ends between two frames, so that a credential split over two chunks is
 * scrubbed whole. The API ends a stream after an error event, so in practice
 * only that event is held. The frames handed back carry the same scrubbed
 * data, for the record.
 *
 * An error event is known by its event line, which the API writes before the
 * data (and by which the SDK knows it): a chunk without one costs nothing more
 * than its parsing. Data sent ahead of its frame's event line is not held.
 */
export class SseTap {
  private readonly parser = new SseParser();
  private readonly decoder = new TextDecoder();
  /** From the first `event: error` line on, the rest of the stream goes out as scrubbed text. */
  private scrubbing = false;
  /** Text held back: the part of a frame (an error event) not complete yet. */
  private held = "";

  constructor(private readonly scrub: (text: string) => string) {}

  push(chunk: Uint8Array): Tapped {
    const text = this.decoder.decode(chunk, { stream: true });
    const frames = this.parser.push(text);
    if (!this.scrubbing && this.parser.errorFrom < 0) return { frames, send: chunk };
    let head: Uint8Array | null = null;
    if (!this.scrubbing) {
      this.scrubbing = true;
      const rest = text.slice(this.parser.errorFrom);
      // The chunk's bytes up to the end of the event line go as they came. Counted from the end: the text
      // does not have the bytes of a last character the decoder waits to complete, and may begin with one
      // the previous chunk began (sent already).
      head = chunk.subarray(0, chunk.length - incompleteTail(chunk) - utf8.encode(rest).length);
      this.held = rest;
    } else this.held += text;
    return { frames: this.scrubbed(frames), send: join(head, this.release()) };
  }

  /** At the end of the stream: the frames still pending, and what is still held back. */
  end(): Tapped {
    const frames = this.scrubbed(this.parser.end());
    if (!this.scrubbing) return { frames, send: null };
    const send = this.scrub(this.held + this.decoder.decode());
    this.held = "";
    return { frames, send: send || null };
  }

  private release(): string {
    if (!this.parser.idle()) return "";
    const out = this.scrub(this.held);
    this.held = "";
    return out;
  }

  private scrubbed(frames: SseFrame[]): SseFrame[] {
    for (const f of frames) if (f.event === "error") f.data = this.scrub(f.data);
    return frames;
  }
}

/** How many bytes at the end begin a UTF-8 character not complete yet: what a streaming TextDecoder keeps for the next chunk. */
export function incompleteTail(bytes: Uint8Array): number {
  for (let n = 1; n <= 3 && n <= bytes.length; n++) {
    const b = bytes[bytes.length - n]!;
    if (b < 0x80) return 0;
    // A lead byte says how long its character is: 2, 3 or 4 bytes.
    if (b >= 0xc0) return n < (b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : 2) ? n : 0;
  }
  return 0;
}

function join(head: Uint8Array | null, tail: string): Uint8Array | string | null {
  if (!head?.length) return tail || null;
  if (!tail) return head;
  const t = utf8.encode(tail);
  const out = new Uint8Array(head.length + t.length);
  out.set(head);
  out.set(t, head.length);
  return out;
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
      out.push(encodeEvent("content_block_delta", { type: "content_block_delta", index, delta: { type: "input_json_delta", partial_json: stringifyDeep(input ?? {}) } }));
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
