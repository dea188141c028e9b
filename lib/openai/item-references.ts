/**
 * `item_reference` input items of the Responses API. A client that stores
 * responses (OpenAI's default, `store` absent or true; the Vercel AI SDK's
 * OpenAI provider in its multi-step tool loops) sends an earlier answer's
 * output items back by id instead of in full. thinkgate keeps each output
 * item it answers with, as the client would send it back, keyed by the
 * caller's scope and the item's id, and puts the item in place of its
 * reference before translation. An item kept for one key cannot be named with
 * another: the scope is part of the key.
 *
 * The items live in the conversation pins' store (lib/gateway/pins.ts,
 * outputItems): cached in memory at once, written to the database in the next
 * batch. On the instance that answered, a reference resolves however soon
 * the next request comes; on another instance, once that batch is written
 * (about 100 ms). A reference to nothing kept is a 400 naming the input item.
 */
import crypto from "node:crypto";
import { outputItems } from "../gateway/pins";
import { turnBudget } from "../runtime/turns";
import { parseItem, unknownReference, type Item, type ResponsesRequest } from "./responses-request";

/** The store's key of one item for one caller. */
export const itemKey = (scope: string, id: string): string => `i:${crypto.createHash("sha256").update(JSON.stringify([scope, id])).digest("base64url")}`;

type OutputItem = Record<string, unknown> & { type: string; id: string };

/**
 * Keeps an answer's output items for later references. A reasoning item is
 * kept without its summary: one that comes back is skipped (thinkgate puts
 * the real thinking back itself), so only its id needs to be known.
 */
export function rememberOutput(scope: string, model: string, output: readonly OutputItem[]): void {
  for (const item of output) {
    if (!item?.id) continue;
    outputItems.put(itemKey(scope, item.id), model, item.type === "reasoning" ? { type: "reasoning", id: item.id, summary: [] } : item);
  }
}

/** The request with each item_reference replaced by the item it names; a 400 for one not kept for this caller. */
export async function resolveReferences(req: ResponsesRequest, scope: string): Promise<ResponsesRequest> {
  if (typeof req.input === "string") return req;
  const refs: { at: number; id: string; key: string }[] = [];
  const turn = turnBudget();
  for (let at = 0; at < req.input.length; at++) {
    const it = req.input[at]!;
    if (it.type === "item_reference") refs.push({ at, id: it.id, key: itemKey(scope, it.id) });
    await turn();
  }
  if (!refs.length) return req;
  const found = await outputItems.getMany([...new Set(refs.map((r) => r.key))]);
  const input: Item[] = [...req.input];
  for (const r of refs) {
    const item = found.get(r.key);
    if (!item) throw unknownReference(r.at, r.id);
    // Checked as if the client had sent it: an item kept by another version of thinkgate still has to be one this one takes.
    input[r.at] = parseItem(item, r.at);
  }
  return { ...req, input };
}
