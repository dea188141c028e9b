/**
 * A request as the trace page shows it: the stored record, its signal spans
 * (computed now, from the stored text, so an improved lexicon applies to old
 * traces too), and what to say when there is no thinking text to show.
 */
import type { FailureReason } from "./failure-score";
import { extractSignals, type Span, type SignalStats } from "./signals";

/**
 * The stored statuses, plus "sampled_out": the model's text came back but
 * trace sampling did not store it; "cleared": it was stored, and the
 * retention sweep cleared it (THINKGATE_TEXT_RETENTION_DAYS).
 */
export type ThinkingStatus = "none" | "text" | "omitted" | "redacted" | "empty" | "sampled_out" | "cleared";

export interface TextSignals {
  spans: Span[];
  stats: SignalStats;
}

export interface ThinkingView {
  status: ThinkingStatus;
  text: string | null;
  tokens: number;
  /**
   * Shown instead of the text when the model thought but no text came back.
   * Never left empty: an encrypted or omitted trace must not look like a
   * request that did not think (Phoenix #15957 shows the trap).
   */
  placeholder: string | null;
  signals: TextSignals | null;
}

const tokens = (n: number) => `${n.toLocaleString("en-US")} thinking token${n === 1 ? "" : "s"}`;

export function thinkingPlaceholder(status: ThinkingStatus, thinkingTokens: number): string | null {
  switch (status) {
    case "omitted":
      return `Thinking omitted: the model thought (${tokens(thinkingTokens)}, billed), but the request asked for display "omitted", so no text came back. Set display "summarized" on the route to log the trace.`;
    case "redacted":
      return `Thinking redacted: ${tokens(thinkingTokens)} came back encrypted (redacted_thinking blocks), as the API does when its safety systems flag the reasoning. They are billed and passed back to the model, but cannot be read.`;
    case "empty":
      return `The model returned a thinking block with no text (${tokens(thinkingTokens)} billed).`;
    case "sampled_out":
      return `Thinking not stored: the model thought (${tokens(thinkingTokens)}), but trace sampling (setting traces.sampling) kept this trace's text out. Its signal counts were kept.`;
    case "cleared":
      return `Thinking cleared: the model thought (${tokens(thinkingTokens)}), and the text was deleted when the record passed its text retention (THINKGATE_TEXT_RETENTION_DAYS). Its signal counts and failure score were kept.`;
    case "text":
    case "none":
      return null;
  }
}

export function signalsOf(text: string | null | undefined): TextSignals | null {
  if (!text) return null;
  const { spans, stats } = extractSignals(text);
  return { spans, stats };
}

export function thinkingView(row: {
  thinkingStatus: string;
  thinkingText: string | null;
  thinkingTokens: number;
  thinkingSampledOut?: boolean | null;
  textClearedAt?: Date | string | null;
}): ThinkingView {
  const known: ThinkingStatus[] = ["none", "text", "omitted", "redacted", "empty"];
  let status = (known as string[]).includes(row.thinkingStatus) ? (row.thinkingStatus as ThinkingStatus) : "none";
  // Tokens billed for thinking but nothing stored: say so rather than show nothing.
  if (status === "none" && row.thinkingTokens > 0) status = "omitted";
  if (status === "text" && !row.thinkingText) status = row.thinkingSampledOut ? "sampled_out" : row.textClearedAt ? "cleared" : "empty";
  return {
    status,
    text: status === "text" ? row.thinkingText : null,
    tokens: row.thinkingTokens,
    placeholder: thinkingPlaceholder(status, row.thinkingTokens),
    signals: status === "text" ? signalsOf(row.thinkingText) : null,
  };
}

export interface FailureView {
  /** probability that the answer is wrong */
  score: number;
  reasons: FailureReason[];
}

/** The stored failure score and its reasons; null on records without one (no thinking, or older than the score). */
export function failureView(row: { failureScore?: number | null; failureReasons?: string | null }): FailureView | null {
  if (row.failureScore === null || row.failureScore === undefined) return null;
  let reasons: FailureReason[] = [];
  try {
    const parsed: unknown = JSON.parse(row.failureReasons ?? "[]");
    if (Array.isArray(parsed)) reasons = parsed as FailureReason[];
  } catch {
    // A damaged reasons column still shows the score.
  }
  return { score: row.failureScore, reasons };
}
