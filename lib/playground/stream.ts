/**
 * Folds the Messages API's stream events into what a playground column shows:
 * the thinking and the answer as they grow, usage, stop reason, errors. Pure
 * (no React, no fetch), so the column is a function of this state and the
 * folding is unit-tested.
 */

export type RunPhase = "idle" | "waiting" | "streaming" | "done" | "error";

export interface RunState {
  phase: RunPhase;
  model: string | null;
  thinking: string;
  /** thinking blocks came back redacted (encrypted), or with no text (display "omitted"). */
  thinkingRedacted: boolean;
  thinkingBlocks: number;
  answer: string;
  stopReason: string | null;
  inputTokens: number;
  /** Includes thinking (the API's running total; the last value wins). */
  outputTokens: number;
  thinkingTokens: number;
  error: { type: string; message: string } | null;
}

export const initialRunState: RunState = {
  phase: "idle",
  model: null,
  thinking: "",
  thinkingRedacted: false,
  thinkingBlocks: 0,
  answer: "",
  stopReason: null,
  inputTokens: 0,
  outputTokens: 0,
  thinkingTokens: 0,
  error: null,
};

type Usage = { input_tokens?: number; output_tokens?: number; output_tokens_details?: { thinking_tokens?: number } | null };
type StreamEvent = {
  type?: string;
  message?: { model?: string; usage?: Usage };
  content_block?: { type?: string; text?: string; thinking?: string };
  delta?: { type?: string; text?: string; thinking?: string; stop_reason?: string | null };
  usage?: Usage;
  error?: { type?: string; message?: string };
};

function withUsage(s: RunState, u: Usage | undefined): RunState {
  if (!u) return s;
  return {
    ...s,
    inputTokens: u.input_tokens ?? s.inputTokens,
    // A running total in message_delta: replace, never add.
    outputTokens: u.output_tokens ?? s.outputTokens,
    thinkingTokens: u.output_tokens_details?.thinking_tokens ?? s.thinkingTokens,
  };
}

export function foldEvent(s: RunState, raw: unknown): RunState {
  const e = raw as StreamEvent;
  switch (e.type) {
    case "message_start":
      return withUsage({ ...s, phase: "streaming", model: e.message?.model ?? s.model }, e.message?.usage);
    case "content_block_start": {
      const t = e.content_block?.type;
      if (t === "thinking") return { ...s, thinkingBlocks: s.thinkingBlocks + 1, thinking: s.thinking + (e.content_block?.thinking ?? "") };
      if (t === "redacted_thinking") return { ...s, thinkingBlocks: s.thinkingBlocks + 1, thinkingRedacted: true };
      if (t === "text") return { ...s, answer: s.answer + (e.content_block?.text ?? "") };
      return s;
    }
    case "content_block_delta":
      if (e.delta?.type === "thinking_delta") return { ...s, thinking: s.thinking + (e.delta.thinking ?? "") };
      if (e.delta?.type === "text_delta") return { ...s, answer: s.answer + (e.delta.text ?? "") };
      return s;
    case "message_delta":
      return withUsage({ ...s, stopReason: e.delta?.stop_reason ?? s.stopReason }, e.usage);
    case "message_stop":
      return { ...s, phase: "done" };
    case "error":
      return { ...s, phase: "error", error: { type: e.error?.type ?? "api_error", message: e.error?.message ?? "the stream failed" } };
    default:
      return s;
  }
}
