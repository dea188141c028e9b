/**
 * Renders a simulated Message as the API's SSE stream (reference §2.4, §5.3):
 * message_start, then per block content_block_start (with its initial fields),
 * deltas, content_block_stop, then message_delta with the cumulative usage,
 * then message_stop. Every frame is `event: <type>\ndata: <compact json>\n\n`.
 */
import type { ContentBlock, Message, RawMessageStreamEvent } from "@anthropic-ai/sdk/resources/messages/messages";
import { latencyProfile, sleep, type LatencyProfile } from "./latency";
import { Rng } from "./random";
import { estimateTokens } from "./tokens";

export function sseFrame(event: string, data: unknown): string {
  return `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

/** A frame and the generation time it stands for. */
export interface TimedFrame {
  frame: string;
  /** True for content_block_delta frames (where a cut may fall). */
  delta: boolean;
  thinkingTokens: number;
  textTokens: number;
}

const frame = (e: RawMessageStreamEvent | { type: "ping" }, timing: Partial<TimedFrame> = {}): TimedFrame => ({
  frame: sseFrame(e.type, e),
  delta: e.type === "content_block_delta",
  thinkingTokens: 0,
  textTokens: 0,
  ...timing,
});

/** Splits text into delta-sized chunks: a few tokens for text, longer runs for thinking. */
function chunks(text: string, rng: Rng, min: number, max: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < text.length; ) {
    const n = rng.int(min, max);
    out.push(text.slice(i, i + n));
    i += n;
  }
  return out;
}

/** Every frame of the stream for a message, with the generation time each stands for. */
export function messageFrames(message: Message, thinkingTokens: number, seed: number): TimedFrame[] {
  const rng = new Rng(seed + 2);
  const u = message.usage;
  const frames: TimedFrame[] = [];
  frames.push(
    frame({
      type: "message_start",
      // Content arrives in blocks; usage starts with the input side and a token or so of output.
      // Server tools have not run yet: their counts come with message_delta.
      message: {
        ...message, content: [], stop_reason: null, stop_sequence: null, stop_details: null,
        usage: { ...u, output_tokens: Math.min(1, u.output_tokens), output_tokens_details: null, server_tool_use: u.server_tool_use ? { web_search_requests: 0, web_fetch_requests: 0 } : null },
      },
    }),
    frame({ type: "ping" }),
  );

  message.content.forEach((block, index) => {
    switch (block.type) {
      case "thinking": {
        frames.push(frame({ type: "content_block_start", index, content_block: { type: "thinking", thinking: "", signature: "" } }));
        const parts = block.thinking ? chunks(block.thinking, rng, 60, 160) : [];
        // Raw thinking takes longer than its summary: spread the raw tokens' time over the visible deltas.
        const perPart = parts.length ? thinkingTokens / parts.length : 0;
        for (const p of parts) frames.push(frame({ type: "content_block_delta", index, delta: { type: "thinking_delta", thinking: p } }, { thinkingTokens: perPart }));
        // Omitted thinking still takes its time: it is spent before the signature arrives.
        frames.push(frame({ type: "content_block_delta", index, delta: { type: "signature_delta", signature: block.signature } }, { thinkingTokens: parts.length ? 0 : thinkingTokens }));
        break;
      }
      case "text": {
        // No citations field at all (see respond.ts textBlock).
        frames.push(frame({ type: "content_block_start", index, content_block: { type: "text", text: "" } as ContentBlock }));
        for (const p of chunks(block.text, rng, 12, 40)) {
          frames.push(frame({ type: "content_block_delta", index, delta: { type: "text_delta", text: p } }, { textTokens: estimateTokens(p) }));
        }
        break;
      }
      case "tool_use": {
        frames.push(frame({ type: "content_block_start", index, content_block: { ...block, input: {} } }));
        // The API opens with an empty partial_json; the rest is the input's JSON, byte-exact across chunks.
        frames.push(frame({ type: "content_block_delta", index, delta: { type: "input_json_delta", partial_json: "" } }));
        for (const p of chunks(JSON.stringify(block.input), rng, 8, 24)) {
          frames.push(frame({ type: "content_block_delta", index, delta: { type: "input_json_delta", partial_json: p } }, { textTokens: estimateTokens(p) }));
        }
        break;
      }
      case "server_tool_use": {
        frames.push(frame({ type: "content_block_start", index, content_block: { ...block, input: {} } }));
        frames.push(frame({ type: "content_block_delta", index, delta: { type: "input_json_delta", partial_json: JSON.stringify(block.input) } }));
        break;
      }
      case "web_search_tool_result":
      case "web_fetch_tool_result":
        // A server tool's result arrives whole in its content_block_start.
        frames.push(frame({ type: "content_block_start", index, content_block: block }));
        break;
      default:
        break;
    }
    frames.push(frame({ type: "content_block_stop", index }));
  });

  frames.push(
    frame({
      type: "message_delta",
      delta: { stop_reason: message.stop_reason, stop_sequence: message.stop_sequence, stop_details: message.stop_details, container: null },
      // Cumulative totals for the whole message (§2.4); cache_creation, service_tier etc. stay with message_start.
      usage: {
        input_tokens: u.input_tokens,
        cache_creation_input_tokens: u.cache_creation_input_tokens,
        cache_read_input_tokens: u.cache_read_input_tokens,
        output_tokens: u.output_tokens,
        output_tokens_details: u.output_tokens_details,
        server_tool_use: u.server_tool_use,
      },
    }),
    frame({ type: "message_stop" }),
  );
  return frames;
}

/** Where a faulty stream stops: after about a third of the deltas, at least two in. */
export function cutIndex(frames: TimedFrame[]): number {
  const deltas = frames.filter((f) => f.delta).length;
  const target = Math.min(deltas, Math.max(2, Math.floor(deltas / 3)));
  let seen = 0;
  for (let i = 0; i < frames.length; i++) {
    if (frames[i]!.delta && ++seen === target) return i + 1;
  }
  // No deltas at all (an empty answer): stop right after message_start.
  return 1;
}

export interface StreamPlan {
  frames: TimedFrame[];
  /** Frames to send: all of them, or fewer for a cut stream. */
  count: number;
  /**
   * Sent after the last frame, e.g. an `event: error` frame. Pieces after the
   * first follow a short pause, so that they reach the client as chunks of
   * their own (a frame split in two, as the network may deliver it).
   */
  tail?: string[];
  seed: number;
  signal: AbortSignal;
}

/**
 * Yields the frames, paced by the latency profile. Without latency everything
 * goes out as one chunk (the benchmark path). Sleeps are batched so a long
 * stream does not arm a timer per frame; an abort ends the stream at once.
 */
export async function* paceFrames(plan: StreamPlan): AsyncGenerator<string> {
  const profile = latencyProfile(plan.seed);
  const sent = plan.frames.slice(0, plan.count);
  const [first = "", ...rest] = plan.tail ?? [];
  if (!profile) {
    yield sent.map((f) => f.frame).join("") + first;
    yield* pieces(rest, plan.signal);
    return;
  }
  let pending = 0;
  for (let i = 0; i < sent.length; i++) {
    const f = sent[i]!;
    // Time to first token: after message_start and ping, before the first block opens.
    if (i === 2) pending += profile.ttftMs;
    pending += delayMs(f, profile);
    if (pending >= 20) {
      if (!(await sleep(pending, plan.signal))) return;
      pending = 0;
    }
    yield f.frame;
  }
  if (first) yield first;
  yield* pieces(rest, plan.signal);
}

/** Long enough for the reader to get the next piece as a chunk of its own, not joined to the one before. */
const PIECE_PAUSE_MS = 10;

async function* pieces(rest: string[], signal: AbortSignal): AsyncGenerator<string> {
  for (const piece of rest) {
    if (!(await sleep(PIECE_PAUSE_MS, signal))) return;
    yield piece;
  }
}

function delayMs(f: TimedFrame, p: LatencyProfile): number {
  return (f.thinkingTokens / p.thinkingTokensPerSec + f.textTokens / p.textTokensPerSec) * 1000;
}
