/**
 * Thinking a client did not ask for stays invisible to it.
 *
 * When the client sent no `thinking` and thinkgate's route turned thinking on,
 * the answer goes back in the shape the client asked for: its `thinking` and
 * `redacted_thinking` blocks are taken out of the JSON message, and out of the
 * stream with the later blocks' indexes renumbered, so `content[0].text` is
 * the answer and the SDK's stream accumulator sees a valid stream.
 *
 * The API needs those blocks back, unmodified and in order, when the
 * conversation continues (a tool_result continuation with thinking on whose
 * assistant turn lacks its thinking is a 400; reference §1.9). So thinkgate
 * keeps them, keyed by the caller and the answer's visible content (its
 * tool_use ids, or its text), and puts them back where they stood when that
 * assistant message comes back in a later request. The record keeps them too.
 *
 * A client of the OpenAI-compatible endpoint cannot send thinking blocks back
 * at all (its messages have no place for them), so for it the blocks are kept
 * the same way whenever thinking is on, but not stripped here: the endpoint's
 * translation leaves them out of the answer and shows their text as
 * reasoning_content.
 */
import crypto from "node:crypto";
import { stringifyDeep } from "../api/json-text";
import type { MessagesBody } from "../routing/request";
import { turnBudget } from "../runtime/turns";
import { capabilities } from "./capabilities";
import { encodeEvent, type SseFrame } from "./sse";
import { heldThinking, type HeldBlock } from "./pins";
import { betasOf } from "./upstream";

type Block = Record<string, unknown> & { type?: unknown };

const HIDDEN = new Set(["thinking", "redacted_thinking"]);
const isHidden = (b: Block) => typeof b.type === "string" && HIDDEN.has(b.type);

/** Whether the answer to this request hides its thinking: thinkgate added thinking the client would otherwise see. */
export function hidesThinking(body: MessagesBody, applied: { thinking?: Record<string, unknown> }, opts: { show: boolean; requestedThinksByDefault: boolean }): boolean {
  if (opts.show || body.thinking !== undefined || opts.requestedThinksByDefault) return false;
  const t = applied.thinking?.type;
  return t === "adaptive" || t === "enabled" || t === "between_tools";
}

/** hidesThinking for a request as it came: its headers (thinkgate-thinking: show) and the model it named. */
export function hidesThinkingFor(headers: Record<string, string | undefined>, body: MessagesBody, applied: { thinking?: Record<string, unknown> }): boolean {
  return hidesThinking(body, applied, {
    show: headers["thinkgate-thinking"]?.trim().toLowerCase() === "show",
    requestedThinksByDefault: capabilities().peek(body.model).thinkingWhenOmitted === "on",
  });
}

/**
 * The key of an assistant message by what the client sees of it: its tool_use
 * ids where it has any (unique per call), else its text. Null when nothing is
 * visible (an answer that was all thinking cannot be recognised later).
 */
export function heldKey(scope: string, content: unknown): string | null {
  const blocks = typeof content === "string" ? [{ type: "text", text: content }] : Array.isArray(content) ? (content as Block[]) : [];
  const visible = blocks.filter((b) => b && !isHidden(b));
  const ids = visible.filter((b) => b.type === "tool_use" || b.type === "server_tool_use").map((b) => String(b.id));
  const ident: unknown = ids.length ? ["tool_use", ids] : ["text", visible.filter((b) => b.type === "text").map((b) => String(b.text ?? "")).join("\n")];
  if (!ids.length && !(ident as [string, string])[1]) return null;
  return `h:${crypto.createHash("sha256").update(JSON.stringify([scope, ident])).digest("base64url")}`;
}

/** Takes the thinking blocks out of a message's content, noting where each stood. */
export function holdBack(content: Block[]): { visible: Block[]; held: HeldBlock[] } {
  const visible: Block[] = [];
  const held: HeldBlock[] = [];
  content.forEach((b, at) => (isHidden(b) ? held.push({ at, block: b }) : visible.push(b)));
  return { visible, held };
}

/** Puts held blocks back at the positions they had in the original content. */
export function putBack(content: Block[], held: HeldBlock[]): Block[] {
  const out = [...content];
  for (const h of [...held].sort((x, y) => x.at - y.at)) out.splice(Math.min(h.at, out.length), 0, h.block);
  return out;
}

/** Holds back a whole JSON answer's thinking; returns the body the client gets (unchanged when `strip` is false: kept only). */
export function hideInMessage(text: string, scope: string, model: string, strip = true): string {
  let msg: { content?: unknown };
  try {
    msg = JSON.parse(text);
  } catch {
    return text;
  }
  const shown = withoutThinking(msg, scope, model);
  return strip && shown !== msg ? stringifyDeep(shown) : text;
}

/** A parsed message with its thinking held back (kept for the next turn); the same object when it has none. */
export function withoutThinking<M extends { content?: unknown }>(msg: M, scope: string, model: string): M {
  if (!Array.isArray(msg.content)) return msg;
  const { visible, held } = holdBack(msg.content as Block[]);
  if (!held.length) return msg;
  const key = heldKey(scope, visible);
  if (key) heldThinking.put(key, model, held);
  return { ...msg, content: visible };
}

/** Where held blocks are looked up: thinkgate's store (pins.ts), or a stand-in where there is no database. */
export type HeldLookup = Pick<typeof heldThinking, "getMany">;

/**
 * Puts thinkgate's held-back blocks into the assistant messages of a request
 * that come back without them. Only for a client that sends no thinking of
 * its own (one that does sees its blocks and echoes them). Returns a new body
 * when something was put back, and how many messages changed.
 */
export async function restoreHeld(body: MessagesBody, scope: string, held: HeldLookup = heldThinking): Promise<{ body: MessagesBody; restored: number }> {
  if (body.thinking !== undefined) return { body, restored: 0 };
  const wanted: { i: number; key: string }[] = [];
  // A conversation may have up to 100,000 messages, each hashed here: in turns, so other requests are served meanwhile.
  const turn = turnBudget();
  for (let i = 0; i < body.messages.length; i++) {
    const m = body.messages[i];
    if (m?.role !== "assistant" || !Array.isArray(m.content) || (m.content as Block[]).some(isHidden)) continue;
    const key = heldKey(scope, m.content);
    if (key) wanted.push({ i, key });
    await turn();
  }
  if (!wanted.length) return { body, restored: 0 };
  const found = await held.getMany(wanted.map((w) => w.key));
  if (!found.size) return { body, restored: 0 };
  const messages = [...body.messages];
  let restored = 0;
  for (const w of wanted) {
    const held = found.get(w.key);
    if (!held) continue;
    const m = messages[w.i]!;
    messages[w.i] = { ...m, content: putBack(m.content as Block[], held) };
    restored++;
  }
  return { body: { ...body, messages }, restored };
}

/** The beta under which a request may ask the API to drop blocks bound to another prefix (reference §1.9). */
export const BINDING_BETA = "thinking-binding-controls-2026-08-01";

/**
 * Held thinking put back is bound to the conversation's prefix as it was when
 * its block was written. A client that changed that prefix since (a system
 * prompt carrying the time, an edited earlier message) never saw the blocks
 * and cannot remove them; on a preserved-thinking model they would be the
 * API's 400 ("bound to a different conversation"). Such a request asks the
 * API to drop them instead. Thinking off (no binding field) and a binding the
 * body already names are left as they are.
 */
export function dropStaleHeld(body: MessagesBody, headers: Record<string, string>): { body: MessagesBody; headers: Record<string, string> } {
  const t = body.thinking;
  if (!t || (t.type !== "adaptive" && t.type !== "enabled") || t.block_binding !== undefined) return { body, headers };
  return { body: { ...body, thinking: { ...t, block_binding: { prefix_mismatch_behavior: "drop_block" } } }, headers: withBindingBeta(headers) };
}

/** Upstream headers with BINDING_BETA added to the client's betas. */
export function withBindingBeta(headers: Record<string, string>): Record<string, string> {
  const betas = betasOf(headers);
  if (!betas.includes(BINDING_BETA)) betas.push(BINDING_BETA);
  return { ...headers, "anthropic-beta": betas.join(",") };
}

/** The record's note for a request whose earlier assistant messages got their held thinking back. */
export const restoredNote = (n: number) => `thinking blocks thinkgate held back put back into ${n} earlier assistant message(s)`;

/**
 * Filters a stream's frames for a client that must not see thinking: drops
 * the events of thinking blocks, renumbers the other blocks' indexes, and
 * collects the held blocks (text and signature from their deltas) and the
 * visible content's identity so they can be kept.
 */
export class StreamThinkingFilter {
  /** False: the frames go out as they came; the blocks are only collected to be kept. */
  constructor(private readonly strip = true) {}

  private hiddenAt = new Map<number, HeldBlock>();
  private shift = 0;
  private renumber = new Map<number, number>();
  private visible: Block[] = [];
  private visibleAt = new Map<number, Block>();

  /** The text to send for one upstream frame ("" to drop it). */
  frame(f: SseFrame): string {
    if (!f.data) return f.event ? encodeEvent(f.event, f.data) : "";
    let ev: { type?: string; index?: number; content_block?: Block; delta?: Record<string, unknown> };
    try {
      ev = JSON.parse(f.data);
    } catch {
      return encodeEvent(f.event ?? "message", f.data);
    }
    const name = f.event ?? ev.type ?? "message";
    if (ev.type === "content_block_start" && typeof ev.index === "number") {
      const block = { ...(ev.content_block ?? {}) } as Block;
      if (isHidden(block)) {
        this.hiddenAt.set(ev.index, { at: ev.index, block });
        if (!this.strip) return encodeEvent(name, f.data);
        this.shift++;
        return "";
      }
      const to = ev.index - this.shift;
      this.renumber.set(ev.index, to);
      const seen: Block = { ...block };
      this.visible.push(seen);
      this.visibleAt.set(ev.index, seen);
      return encodeEvent(name, { ...ev, index: to });
    }
    if ((ev.type === "content_block_delta" || ev.type === "content_block_stop") && typeof ev.index === "number") {
      const held = this.hiddenAt.get(ev.index);
      if (held) {
        const d = ev.delta ?? {};
        if (d.type === "thinking_delta") held.block.thinking = String(held.block.thinking ?? "") + String(d.thinking ?? "");
        else if (d.type === "signature_delta") held.block.signature = String(d.signature ?? "");
        return this.strip ? "" : encodeEvent(name, f.data);
      }
      const seen = this.visibleAt.get(ev.index);
      if (seen && ev.delta?.type === "text_delta") seen.text = String(seen.text ?? "") + String(ev.delta.text ?? "");
      return encodeEvent(name, { ...ev, index: this.renumber.get(ev.index) ?? ev.index });
    }
    return encodeEvent(name, f.data);
  }

  /** Keeps the held blocks for the next turn (call once the stream is complete). */
  keep(scope: string, model: string): void {
    const held = [...this.hiddenAt.values()];
    if (!held.length) return;
    const key = heldKey(scope, this.visible);
    if (key) heldThinking.put(key, model, held);
  }
}
