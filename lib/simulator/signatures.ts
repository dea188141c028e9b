/**
 * Thinking-block signatures the simulator can verify, so that a client or a
 * gateway that modifies, invents or re-orders thinking blocks gets the 400 the
 * API gives (reference §1.8, §1.9), instead of a silent pass.
 *
 * A signature is opaque to clients; here it is base64 of
 *   magic(4) | model(4) | prefix(16) | padding(n) | mac(16)
 * where `model` names the model that wrote the block, `prefix` is the digest
 * of what the model saw before the block (system, tools, earlier messages and
 * blocks) and `mac` is an HMAC over all of that and the block's displayed
 * text. The key is fixed: signatures must verify across simulator processes
 * (a test server and the gateway's own simulator), and nothing here is secret.
 * The padding keeps the API's habit of longer signatures for longer thinking.
 */
import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import { allModels, type CatalogEntry } from "../models/catalog";
import type { Rng } from "./random";

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);

const KEY = "thinkgate-simulator-thinking-signature";
const MAGIC = Buffer.from("TGS1");
const MODEL_BYTES = 4;
const PREFIX_BYTES = 16;
const MAC_BYTES = 16;
const HEAD_BYTES = MAGIC.length + MODEL_BYTES + PREFIX_BYTES;

/**
 * Models with preserved thinking (§1.9: Fable 5.1 and later): they read
 * earlier blocks, so a block whose prefix changed is a 400 (or dropped with
 * `block_binding.prefix_mismatch_behavior: "drop_block"`), and blocks of a
 * model they cannot read are dropped silently. The value lists the other
 * models whose blocks each one reads.
 */
const PRESERVED_THINKING: Record<string, string[]> = {
  "claude-fable-5-1": ["claude-opus-5", "claude-opus-5-5"],
  "claude-mythos-5-1": ["claude-opus-5", "claude-opus-5-5"],
  "claude-fable-5-2": ["claude-fable-5-1"],
  "claude-mythos-5-2": ["claude-mythos-5-1"],
  "claude-opus-5-5": [],
  "claude-sonnet-5-5": [],
  "claude-haiku-5-5": [],
};
const BINDING_BETA = "thinking-binding-controls-2026-08-01";

const modelTag = (id: string) => createHash("sha256").update(id).digest().subarray(0, MODEL_BYTES);
const modelByTag = new Map(allModels().map((e) => [modelTag(e.id).toString("hex"), e.id]));

/**
 * A stable form of a block or tool for the prefix digest: keys sorted, and
 * what a client may legitimately change between turns left out (cache_control
 * breakpoints move; null fields such as `citations: null` come and go).
 */
function canonical(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(canonical);
  if (!isObj(v)) return v;
  const out: Obj = {};
  for (const k of Object.keys(v).sort()) {
    if (k === "cache_control" || v[k] === null || v[k] === undefined) continue;
    out[k] = canonical(v[k]);
  }
  return out;
}

const asBlocks = (content: unknown): unknown[] => (typeof content === "string" ? [{ type: "text", text: content }] : Array.isArray(content) ? content : []);

/** Messages with consecutive same-role turns merged, as the API reads them (§2.2). */
function mergedTurns(messages: unknown[]): { role: unknown; blocks: unknown[] }[] {
  const turns: { role: unknown; blocks: unknown[] }[] = [];
  for (const m of messages) {
    if (!isObj(m)) continue;
    const last = turns[turns.length - 1];
    if (last && last.role === m.role) last.blocks.push(...asBlocks(m.content));
    else turns.push({ role: m.role, blocks: [...asBlocks(m.content)] });
  }
  return turns;
}

/**
 * The tools in a block's prefix: not those loaded on demand (`defer_loading`),
 * which are not in the prompt until a `tool_reference` (in the messages) names
 * them, and which an agent client adds to its tools as it finds them (Claude
 * Code's ToolSearch, with the mid-conversation tool changes beta).
 */
function prefixTools(tools: unknown): unknown {
  return Array.isArray(tools) ? canonical(tools.filter((t) => !(isObj(t) && t.defer_loading === true))) : canonical(tools ?? null);
}

/** Digest of what precedes block `block` of turn `turn`. */
function prefixDigest(body: Obj, turns: { role: unknown; blocks: unknown[] }[], turn: number, block: number): Buffer {
  const seen = turns.slice(0, turn).map((t) => [t.role, canonical(t.blocks)]);
  seen.push([turns[turn]!.role, canonical(turns[turn]!.blocks.slice(0, block))]);
  const system = body.system === undefined || body.system === null ? null : canonical(asBlocks(body.system));
  return createHash("sha256")
    .update(JSON.stringify([system, prefixTools(body.tools), seen]))
    .digest()
    .subarray(0, PREFIX_BYTES);
}

const mac = (signed: Buffer, text: string) => createHmac("sha256", KEY).update(signed).update(text).digest().subarray(0, MAC_BYTES);

/** The signature of a thinking block the model writes at the end of `body.messages`, displaying `text`. */
export function signThinking(body: Obj, model: string, text: string, rawTokens: number, rng: Rng): string {
  const turns = mergedTurns(body.messages as unknown[]);
  // The block opens the answer: a new assistant turn, or the continuation of a prefilled one.
  const last = turns[turns.length - 1];
  const [turn, block] = last?.role === "assistant" ? [turns.length - 1, last.blocks.length] : [turns.length, 0];
  if (turn === turns.length) turns.push({ role: "assistant", blocks: [] });
  const padding = Buffer.from(rng.base64(Math.min(540, 36 + Math.floor(rawTokens / 22))), "base64");
  const signed = Buffer.concat([MAGIC, modelTag(model), prefixDigest(body, turns, turn, block), padding]);
  return Buffer.concat([signed, mac(signed, text)]).toString("base64");
}

interface Verified {
  model: string;
  prefix: Buffer;
}

function verify(signature: string, text: string): Verified | null {
  const buf = Buffer.from(signature, "base64");
  if (buf.length < HEAD_BYTES + MAC_BYTES || buf.toString("base64") !== signature || !buf.subarray(0, MAGIC.length).equals(MAGIC)) return null;
  const signed = buf.subarray(0, buf.length - MAC_BYTES);
  if (!timingSafeEqual(mac(signed, text), buf.subarray(buf.length - MAC_BYTES))) return null;
  const model = modelByTag.get(buf.subarray(MAGIC.length, MAGIC.length + MODEL_BYTES).toString("hex"));
  return model ? { model, prefix: buf.subarray(MAGIC.length + MODEL_BYTES, HEAD_BYTES) } : null;
}

export interface ThinkingBlockProblem {
  /** Position as the API names it: messages.N.content.M. */
  at: string;
  message: string;
}

const INVALID = "Invalid `signature` in `thinking` block.";
const BOUND_ELSEWHERE =
  `${INVALID} The block is bound to a different conversation. Remove the block, or set \`thinking.block_binding.prefix_mismatch_behavior\` to "drop_block". ` +
  `That setting requires the \`${BINDING_BETA}\` value in the \`anthropic-beta\` header.`;

/**
 * Checks every thinking and redacted_thinking block the request sends back:
 * it must be one the simulator wrote, unmodified (any model); on a model with
 * preserved thinking, its prefix must be unchanged unless the request allows
 * dropping such blocks. Blocks of models the target cannot read are dropped
 * silently, as the API does. Returns the first problem, or null.
 */
export function checkThinkingBlocks(body: Obj, entry: CatalogEntry, betas: string[]): ThinkingBlockProblem | null {
  const messages = Array.isArray(body.messages) ? body.messages : [];
  const preserved = PRESERVED_THINKING[entry.id];
  const thinking = isObj(body.thinking) ? body.thinking : {};
  const binding = isObj(thinking.block_binding) ? thinking.block_binding : {};
  const dropOnMismatch = binding.prefix_mismatch_behavior === "drop_block" && betas.includes(BINDING_BETA);
  // Positions as sent (messages.N.content.M) alongside the merged turns the prefix is computed on.
  const turns = mergedTurns(messages);
  let turn = -1;
  let lastRole: unknown;
  let offset = 0;
  let broken = false;
  for (let i = 0; i < messages.length; i++) {
    const m: unknown = messages[i];
    if (!isObj(m)) continue;
    if (m.role !== lastRole) {
      turn++;
      offset = 0;
      lastRole = m.role;
    }
    const blocks = asBlocks(m.content);
    for (let j = 0; j < blocks.length; j++) {
      const b = blocks[j];
      if (!isObj(b) || (b.type !== "thinking" && b.type !== "redacted_thinking")) continue;
      const at = `messages.${i}.content.${j}`;
      // redacted_thinking is never produced here, so one sent back was made up.
      const found = b.type === "thinking" ? verify(String(b.signature), String(b.thinking)) : null;
      if (!found) return { at, message: INVALID };
      if (!preserved) continue;
      if (found.model !== entry.id && !preserved.includes(found.model)) continue;
      // A changed prefix invalidates this block and every later one (§1.9).
      broken ||= !found.prefix.equals(prefixDigest(body, turns, turn, offset + j));
      if (broken && !dropOnMismatch) return { at, message: BOUND_ELSEWHERE };
    }
    offset += blocks.length;
  }
  return null;
}
