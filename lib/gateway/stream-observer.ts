/**
 * Watches a Messages API response (a stream's events, or a whole message) and
 * keeps what the record needs: usage, the thinking and answer text, the stop
 * reason, and what kind of thinking came back.
 */
import { mergeStreamUsage, type AnthropicUsage } from "../pricing/usage";
import { stringifyDeep } from "../api/json-text";
import { RECORDABLE_CHARS } from "../recorder/build";

export type ThinkingStatus = "none" | "text" | "omitted" | "redacted" | "empty";

export interface Observed {
  usage: AnthropicUsage | null;
  stopReason: string | null;
  answer: string;
  thinking: string;
  thinkingStatus: ThinkingStatus;
  /** Content had thinking, redacted thinking or tool use: later turns must stay on this configuration. */
  needsPin: boolean;
  /** An `error` event arrived after the stream started. */
  streamError: { type: string; message: string } | null;
  /** message_stop arrived. */
  complete: boolean;
  messageId: string | null;
  /** Tool calls the model made (agent loops): id, tool name and the input as JSON text. */
  toolCalls: ToolCall[];
  /** The stream ended before the API's output count: output_tokens is at least what the relayed deltas show (relayedOutputFloor). */
  outputEstimated: boolean;
}

/** About this many characters a token: the floor on a cut stream's output is an estimate, and says so. */
const CHARS_PER_TOKEN = 4;

/**
 * A stream cut before its end (the client left, the shutdown's drain ran
 * out, the upstream broke) before the message_delta that carries the API's
 * count has only message_start's usage: output_tokens 1.
 * The tokens relayed until then were generated and are billed, so the record
 * counts at least what was seen, about 4 characters a token of the text,
 * thinking and tool input relayed. A floor, not the bill: summarised or
 * omitted thinking shows fewer characters than it was billed for.
 */
export function relayedOutputFloor(usage: AnthropicUsage, chars: { output: number; thinking: number }): AnthropicUsage | null {
  const output = Math.ceil(chars.output / CHARS_PER_TOKEN);
  const thinking = Math.ceil(chars.thinking / CHARS_PER_TOKEN);
  const reported = usage.output_tokens ?? 0;
  const reportedThinking = usage.output_tokens_details?.thinking_tokens ?? 0;
  if (output + thinking <= reported) return null;
  return { ...usage, output_tokens: output + thinking, output_tokens_details: { ...usage.output_tokens_details, thinking_tokens: Math.max(reportedThinking, thinking) } };
}

export interface ToolCall {
  id: string;
  name: string;
  input: string;
}

/** Tool inputs are kept up to this many characters (the trace shows them; the client got them whole). */
const MAX_TOOL_INPUT = 4_000;

/**
 * Text kept as it arrives, up to what a record can use (RECORDABLE_CHARS):
 * the client gets the whole stream, the observer only what is stored of it.
 * Kept whole, a stream that does not end (an upstream or proxy gone wrong)
 * grew the heap until the process died (one stream, ~460 MB in 14 s, took
 * down every request in flight with it).
 */
class BoundedText {
  private parts: string[] = [];
  private length = 0;

  push(text: string): void {
    if (this.length >= RECORDABLE_CHARS) return;
    const piece = text.length > RECORDABLE_CHARS - this.length ? text.slice(0, RECORDABLE_CHARS - this.length) : text;
    this.parts.push(piece);
    this.length += piece.length;
  }

  text(): string {
    return this.parts.join("");
  }
}

/**
 * How deep what the record keeps of an upstream's usage may nest: the API's
 * is numbers in objects a level or two deep. Members nested deeper are left
 * out; one nested 30,000 levels made the record's JSON.stringify overflow the
 * stack, and the answered request became a 500 whose record had no usage.
 */
const USAGE_DEPTH = 4;

function bounded(v: unknown, depth: number): unknown {
  if (typeof v !== "object" || v === null) return v;
  if (depth === 0) return undefined;
  if (Array.isArray(v)) return v.map((x) => bounded(x, depth - 1) ?? null);
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) {
    const b = bounded(x, depth - 1);
    if (b !== undefined) out[k] = b;
  }
  return out;
}

/** The usage an upstream sent, as the record can keep it (USAGE_DEPTH); null for one that is not an object. */
export function usageOf(u: unknown): AnthropicUsage | null {
  return typeof u === "object" && u !== null && !Array.isArray(u) ? (bounded(u, USAGE_DEPTH) as AnthropicUsage) : null;
}

/** A text field of the upstream's answer (an id, a stop reason, an error's type): anything else is not one, and is not recorded. */
const textOf = (v: unknown): string | null => (typeof v === "string" ? v : null);

type Block = { type?: string; text?: string; thinking?: string; signature?: string; id?: string; name?: string; input?: unknown };

export class ResponseObserver {
  private usage: AnthropicUsage | null = null;
  private stopReason: string | null = null;
  private answer = new BoundedText();
  private thinking = new BoundedText();
  private blockTypes: (string | undefined)[] = [];
  private sawThinkingBlock = false;
  private sawThinkingText = false;
  private sawRedacted = false;
  private sawSignature = false;
  private needsPin = false;
  private streamError: Observed["streamError"] = null;
  private complete = false;
  private messageId: string | null = null;
  private toolCalls: ToolCall[] = [];
  /** Stream block index -> its tool call, whose input arrives as input_json_delta pieces. */
  private toolAt = new Map<number, ToolCall>();
  /** ms timestamp of the first content delta, for time to first token. */
  firstTokenAt: number | null = null;
  /** Characters relayed in deltas (all of them, not only what is kept): a cut stream's output floor. */
  private relayed = { output: 0, thinking: 0 };
  /** A message_delta brought the API's output count: no floor is needed then. */
  private counted = false;

  /** message_stop arrived (a stream's last event), without building the whole result. */
  get stopped(): boolean {
    return this.complete;
  }

  /** A whole (non-streaming) message. */
  message(msg: { id?: unknown; content?: Block[]; usage?: unknown; stop_reason?: unknown }): void {
    this.messageId = textOf(msg.id);
    this.usage = usageOf(msg.usage);
    this.stopReason = textOf(msg.stop_reason);
    // Only objects are blocks: one that is not (a null from an upstream gone wrong) must not cost the record its usage.
    if (Array.isArray(msg.content)) for (const b of msg.content) if (typeof b === "object" && b !== null) this.block(b);
    this.complete = true;
  }

  private block(b: Block): void {
    if (b.type === "text" && b.text) this.answer.push(b.text);
    else if (b.type === "thinking") {
      this.sawThinkingBlock = true;
      this.needsPin = true;
      if (b.signature) this.sawSignature = true;
      if (b.thinking) {
        this.sawThinkingText = true;
        this.thinking.push(b.thinking);
      }
    } else if (b.type === "redacted_thinking") {
      this.sawRedacted = true;
      this.needsPin = true;
    } else if (b.type === "tool_use" || b.type === "server_tool_use") {
      this.needsPin = true;
      const input = b.input === undefined || (typeof b.input === "object" && b.input !== null && Object.keys(b.input).length === 0) ? "" : stringifyDeep(b.input);
      this.toolCalls.push({ id: b.id ?? "", name: b.name ?? "", input });
    }
  }

  /** One parsed stream event. */
  event(ev: {
    type?: string;
    index?: number;
    message?: { id?: unknown; usage?: unknown };
    content_block?: Block;
    delta?: { type?: string; text?: string; thinking?: string; signature?: string; partial_json?: string; stop_reason?: unknown };
    usage?: unknown;
    error?: { type?: unknown; message?: unknown };
  }): void {
    switch (ev.type) {
      case "message_start":
        this.messageId = textOf(ev.message?.id);
        this.usage = usageOf(ev.message?.usage);
        break;
      case "content_block_start": {
        const b = ev.content_block ?? {};
        this.blockTypes[ev.index ?? this.blockTypes.length] = b.type;
        this.block(b);
        if (b.type === "tool_use" || b.type === "server_tool_use") this.toolAt.set(ev.index ?? this.blockTypes.length - 1, this.toolCalls[this.toolCalls.length - 1]!);
        break;
      }
      case "content_block_delta": {
        this.firstTokenAt ??= Date.now();
        const d = ev.delta ?? {};
        if (d.type === "text_delta" && d.text) {
          this.answer.push(d.text);
          this.relayed.output += d.text.length;
        } else if (d.type === "signature_delta") this.sawSignature = true;
        else if (d.type === "input_json_delta" && d.partial_json) {
          this.relayed.output += d.partial_json.length;
          const call = this.toolAt.get(ev.index ?? -1);
          if (call && call.input.length < MAX_TOOL_INPUT) call.input += d.partial_json;
        }
        else if (d.type === "thinking_delta" && d.thinking) {
          this.sawThinkingText = true;
          this.thinking.push(d.thinking);
          this.relayed.thinking += d.thinking.length;
        }
        break;
      }
      case "message_delta":
        if (ev.delta?.stop_reason !== undefined) this.stopReason = textOf(ev.delta.stop_reason);
        // Usage in message_delta is a running total: merge, never add.
        const usage = usageOf(ev.usage);
        if (usage) {
          this.usage = this.usage ? mergeStreamUsage(this.usage, usage) : usage;
          this.counted = true;
        }
        break;
      case "message_stop":
        this.complete = true;
        break;
      case "error":
        this.streamError = { type: textOf(ev.error?.type) ?? "api_error", message: textOf(ev.error?.message) ?? "stream error" };
        break;
    }
  }

  result(): Observed {
    const floor = !this.complete && !this.counted && this.usage ? relayedOutputFloor(this.usage, this.relayed) : null;
    const usage = floor ?? this.usage;
    const thinkingTokens = this.usage?.output_tokens_details?.thinking_tokens ?? 0;
    let thinkingStatus: ThinkingStatus = "none";
    if (this.sawThinkingText) thinkingStatus = "text";
    else if (this.sawRedacted) thinkingStatus = "redacted";
    // A thinking block without text is what display "omitted" returns (billed
    // thinking tokens, a signature); one with neither is an empty block.
    // Thinking tokens billed without any block are the same thing, seen from usage.
    else if (this.sawThinkingBlock) thinkingStatus = thinkingTokens > 0 || this.sawSignature ? "omitted" : "empty";
    else if (thinkingTokens > 0) thinkingStatus = "omitted";
    return {
      usage,
      stopReason: this.stopReason,
      answer: this.answer.text(),
      thinking: this.thinking.text(),
      thinkingStatus,
      needsPin: this.needsPin,
      streamError: this.streamError,
      complete: this.complete,
      messageId: this.messageId,
      toolCalls: this.toolCalls.map((c) => ({ ...c, input: c.input.slice(0, MAX_TOOL_INPUT) })),
      outputEstimated: floor !== null,
    };
  }
}
