/**
 * An agent loop as one thread: the stored calls that share a conversation key
 * (lib/routing/request.ts threadKey, stored per record as its conversationKey), in order, each
 * with what the user or the tools sent, the thinking, the answer and its tool
 * calls, and whether the call was served on a pinned configuration.
 *
 * Grouping lives here and only here: when conversation recognition changes,
 * this is the one function to change.
 */
import type { ToolCall } from "../gateway/stream-observer";
import type { ToolResult } from "../recorder/build";

export interface ThreadRecord {
  id: string;
  createdAt: Date;
  stage: string;
  tier: string;
  servedModel: string;
  status: string;
  messageCount: number;
  prompt: string | null;
  answer: string | null;
  thinkingText: string | null;
  thinkingStatus: string;
  thinkingTokens: number;
  toolCalls: string | null;
  toolResults: string | null;
  failureScore: number | null;
  textClearedAt?: Date | null;
}

export interface ThreadCall {
  id: string;
  at: string;
  model: string;
  tier: string;
  stage: string;
  /** Served on the conversation's pinned route and thinking configuration (a continuation of a tool loop). */
  pinned: boolean;
  status: string;
  messageCount: number;
  /** The user's text, when this call opened a user turn. */
  userText: string | null;
  toolResults: ToolResult[];
  thinking: string | null;
  thinkingStatus: string;
  thinkingTokens: number;
  answer: string | null;
  toolCalls: ToolCall[];
  failureScore: number | null;
  /** The retention sweep cleared this call's text (THINKGATE_TEXT_RETENTION_DAYS): no user text, tool calls or results, thinking or answer to show. */
  textCleared: boolean;
}

export interface ThreadTurn {
  /** 1-based number of the user turn; calls before any user text (e.g. a thread cut by the limit) are turn 0. */
  turn: number;
  calls: ThreadCall[];
}

export interface Thread {
  conversationKey: string | null;
  turns: ThreadTurn[];
  calls: number;
  toolCalls: number;
  models: string[];
}

function parseList<T>(json: string | null): T[] {
  if (!json) return [];
  try {
    const v = JSON.parse(json) as unknown;
    return Array.isArray(v) ? (v as T[]) : [];
  } catch {
    return [];
  }
}

/**
 * Calls in conversation order (time, then message count for calls made at the
 * same moment; a retried call has the same count and comes later), split into
 * user turns: a call whose last user message had text and no tool results
 * opens a turn; tool-result continuations belong to the turn before them.
 * Not message count first: a session goes on in its thread after a compaction
 * (lib/gateway/messages.ts), with fewer messages than the calls before it.
 */
export function buildThread(conversationKey: string | null, records: readonly ThreadRecord[]): Thread {
  const ordered = [...records].sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || a.messageCount - b.messageCount || (a.id < b.id ? -1 : 1));
  const turns: ThreadTurn[] = [];
  let toolCalls = 0;
  for (const r of ordered) {
    const results = parseList<ToolResult>(r.toolResults);
    const calls = parseList<ToolCall>(r.toolCalls);
    toolCalls += calls.length;
    const call: ThreadCall = {
      id: r.id,
      at: r.createdAt.toISOString(),
      model: r.servedModel,
      tier: r.tier,
      stage: r.stage,
      pinned: r.stage === "pinned",
      status: r.status,
      messageCount: r.messageCount,
      userText: results.length === 0 && r.prompt ? r.prompt : null,
      toolResults: results,
      thinking: r.thinkingText,
      thinkingStatus: r.thinkingStatus,
      thinkingTokens: r.thinkingTokens,
      answer: r.answer,
      toolCalls: calls,
      failureScore: r.failureScore,
      textCleared: Boolean(r.textClearedAt),
    };
    const opensTurn = call.userText !== null;
    if (opensTurn || turns.length === 0) turns.push({ turn: opensTurn ? turns.filter((t) => t.turn > 0).length + 1 : 0, calls: [call] });
    else turns[turns.length - 1]!.calls.push(call);
  }
  return { conversationKey, turns, calls: ordered.length, toolCalls, models: [...new Set(ordered.map((r) => r.servedModel))] };
}
