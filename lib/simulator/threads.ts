/**
 * Server-held conversation state, the Messages API's beta `thread` parameter:
 * `{"type": "create"}` asks the API to hold the conversation under the
 * answer's id; `{"type": "continue", "previous_message_id": id}` resumes from
 * that answer, so the client sends only the new turn's messages (the official
 * SDK's toolRunner does this for every step of its tool loop). The simulator
 * holds each answer's whole conversation, so a continuation is checked and
 * answered as the full conversation it stands for, as the API does.
 *
 * Held in memory, bounded by size (a conversation may carry megabytes), the
 * least recently continued dropped first; a simulator restarted or a thread
 * dropped answers the continuation with a 400, as an unknown id.
 */
import { LRUCache } from "lru-cache";
import { badRequest, type AppError } from "../api/errors";

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);

const MAX_HELD_BYTES = 64 * 1024 * 1024;

/** Answer id → the conversation up to and including that answer. */
const held = new LRUCache<string, { messages: unknown[] }>({
  maxSize: MAX_HELD_BYTES,
  // Characters of the conversation as JSON: about its bytes, and never 0 (lru-cache refuses a size of 0).
  sizeCalculation: (v) => Math.max(1, JSON.stringify(v.messages).length),
});

/**
 * The body as the API reads it: a continuation's messages after the held
 * conversation's. A bad `thread`, or an id no thread holds, is the API's 400.
 */
export function expandThread(body: unknown): unknown | AppError {
  if (!isObj(body) || body.thread === undefined || body.thread === null) return body;
  const t = body.thread;
  if (!isObj(t)) return badRequest("thread: Input should be a valid dictionary");
  if (t.type === "create") return body;
  if (t.type !== "continue") return badRequest(`thread: Input tag '${String(t.type)}' found using 'type' does not match any of the expected tags: 'create', 'continue'`);
  if (typeof t.previous_message_id !== "string") return badRequest("thread.continue.previous_message_id: Field required");
  const before = held.get(t.previous_message_id);
  if (!before) return badRequest(`thread.continue.previous_message_id: no thread holds message ${t.previous_message_id}`);
  return { ...body, messages: [...before.messages, ...(Array.isArray(body.messages) ? body.messages : [])] };
}

/** After an answer in a thread: the conversation so far, held under the answer's id. */
export function holdThread(body: Obj, answer: { id: string; role: string; content: unknown[] }): void {
  if (!isObj(body.thread) || !Array.isArray(body.messages)) return;
  held.set(answer.id, { messages: [...body.messages, { role: answer.role, content: answer.content }] });
}
