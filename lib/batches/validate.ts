/**
 * The body of POST /v1/messages/batches, checked as the API checks it:
 * `requests`, 1 to 100,000 of them, each `{custom_id, params}` with a unique
 * custom_id of 1 to 64 characters [a-zA-Z0-9_-] and params a Messages body
 * (checked by the gateway's own parser, lib/gateway/body.ts) that does not
 * ask for a stream. A problem is a 400 naming the item.
 */
import { AppError } from "../api/errors";
import { asJsonObject } from "../api/json-body";
import { parseMessagesBody, validateGatewayHeaders } from "../gateway/body";
import type { MessagesBody } from "../routing/request";
import { turnBudget } from "../runtime/turns";

export const MAX_BATCH_REQUESTS = 100_000;
const CUSTOM_ID = /^[a-zA-Z0-9_-]{1,64}$/;

export interface BatchItem {
  customId: string;
  params: MessagesBody;
}

const bad = (message: string) => new AppError("invalid_request_error", message);

/** The batch's items, or a 400 naming the first item that is wrong. */
export async function parseBatchBody(value: unknown, headers: Record<string, string | undefined>): Promise<BatchItem[]> {
  // Checked once, before the items: a bad header is the batch's problem, not an item's.
  validateGatewayHeaders(headers);
  const body = asJsonObject(value);
  const requests = body.requests;
  if (requests === undefined) throw bad("requests: Field required");
  if (!Array.isArray(requests)) throw bad("requests: Input should be a valid list");
  if (requests.length === 0) throw bad("requests: List should have at least 1 item after validation, not 0");
  if (requests.length > MAX_BATCH_REQUESTS) throw bad(`requests: List should have at most ${MAX_BATCH_REQUESTS} items after validation, not ${requests.length}`);
  for (const k of Object.keys(body)) if (k !== "requests") throw bad(`${k}: Extra inputs are not permitted`);

  const seen = new Set<string>();
  const items: BatchItem[] = [];
  // Other requests are served between the items of a large batch: a turn of a few milliseconds, then a yield.
  const turn = turnBudget();
  for (let i = 0; i < requests.length; i++) {
    const r = requests[i] as unknown;
    const at = `requests.${i}`;
    if (typeof r !== "object" || r === null || Array.isArray(r)) throw bad(`${at}: Input should be a valid dictionary`);
    const { custom_id: id, params, ...extra } = r as { custom_id?: unknown; params?: unknown };
    for (const k of Object.keys(extra)) throw bad(`${at}.${k}: Extra inputs are not permitted`);
    if (id === undefined) throw bad(`${at}.custom_id: Field required`);
    if (typeof id !== "string" || !CUSTOM_ID.test(id)) throw bad(`${at}.custom_id: must be 1 to 64 characters of letters, digits, underscores and hyphens (^[a-zA-Z0-9_-]{1,64}$)`);
    if (seen.has(id)) throw bad(`${at}.custom_id: "${id}" is used by an earlier request; custom_id must be unique within a batch`);
    seen.add(id);
    const name = `${at} (custom_id "${id}")`;
    if (params === undefined) throw bad(`${name}.params: Field required`);
    let parsed: MessagesBody;
    try {
      parsed = await parseMessagesBody(params, headers);
    } catch (err) {
      if (err instanceof AppError && err.type === "invalid_request_error") throw bad(`${name}.params: ${err.message}`);
      throw err;
    }
    if (parsed.stream === true) throw bad(`${name}.params.stream: batch requests cannot be streamed; leave stream out or set it to false`);
    items.push({ customId: id, params: parsed });
    await turn();
  }
  return items;
}
