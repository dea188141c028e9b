/**
 * The Message Batches API through thinkgate (/v1/messages/batches...): each
 * item routed like a Messages request (items.ts), the batch relayed to the
 * upstream, and each item recorded when its results are read through
 * thinkgate (results.ts). A batch is seen only by the key that created it
 * (another key gets the 404 of an unknown id); admins see every batch,
 * including those created outside thinkgate. `results_url` in every batch
 * object points at thinkgate, so the SDK's batches.results() reads the
 * results here.
 */
import { AppError } from "../api/errors";
import { pageLimit, type ApiRequest } from "../api/http";
import { callerScope, type Caller } from "../api/wrap";
import { batchesRepo } from "../db/batches.repo";
import { isAdmin, relayedEndpoint, relayedJson, visibleTo } from "../gateway/relayed";
import { checkFileReferences } from "../files/references";
import { recorder, spoolFull } from "../gateway/record";
import { withBindingBeta } from "../gateway/hidden-thinking";
import { forwardedHeaders, upstream } from "../gateway/upstream";
import { upstreamPayload } from "../gateway/upstream-body";
import { logger } from "../observability/logger";
import { batchCreates, bodyCost, createCost } from "./create-budget";
import { routedItems, type RoutedItem } from "./items";
import { sendWrittenAhead } from "./pending";
import { relayResults } from "./results";
import { parseBatchBody } from "./validate";

interface MessageBatch {
  id: string;
  results_url: string | null;
  [k: string]: unknown;
}

/** A batch id as the API writes them; anything else never becomes part of the upstream's path. */
const BATCH_ID = /^[A-Za-z0-9_-]{1,128}$/;

const unknownBatch = (id: string) => new AppError("not_found_error", `message_batch_id: no message batch with id "${id.slice(0, 128)}"`);

/** Where the client reached thinkgate, as a proxy in front of it says (x-forwarded-*) or the Host header. */
function origin(headers: Record<string, string | undefined>): string {
  const first = (v: string | undefined) => v?.split(",")[0]?.trim() || undefined;
  const proto = first(headers["x-forwarded-proto"]) ?? "http";
  const host = first(headers["x-forwarded-host"]) ?? headers.host ?? "127.0.0.1";
  return `${proto}://${host}`;
}

/** The batch object with its results_url on thinkgate (the canonical /api/v1 path, served however the client addresses the gateway). */
export function pointedAtGateway(batch: MessageBatch, headers: Record<string, string | undefined>): MessageBatch {
  if (!batch.results_url) return batch;
  return { ...batch, results_url: `${origin(headers)}/api/v1/messages/batches/${encodeURIComponent(batch.id)}/results` };
}

const visible = (req: ApiRequest, principal: Caller) => visibleTo(req, principal, { idForm: BATCH_ID, get: batchesRepo.get, unknown: unknownBatch });

export const createBatch = relayedEndpoint(async (req, principal, requestId) => {
  // Its records will go through the spool: refused while the spool is full, as a Messages request is.
  if (!recorder().admit()) throw spoolFull();
  // One large create at a time (create-budget.ts): two 100,000-item creates at once ran the heap out.
  // The body is read first and parsed only once its turn comes: a waiting create holds bytes (counted
  // against the large-body budget), not parsed items, and its body's arrival deadline does not pass while it waits.
  const received = req.received ? await req.received() : null;
  let release = received !== null ? await batchCreates.take(bodyCost(received), undefined, req.signal) : null;
  try {
    const { value, size } = await req.json();
    const items = await parseBatchBody(value, req.headers);
    release ??= await batchCreates.take(createCost(items.length, size), undefined, req.signal);
    await checkFileReferences(items.flatMap((i) => i.params.messages), principal);
    const createdAt = new Date();
    const scope = callerScope(principal);
    // Each item kept as what is sent and stored (its skeleton as JSON, written a turn at a time by routedItems): not as objects.
    const requests: { custom_id: string; params: RoutedItem["params"] }[] = [];
    const rows: { customId: string; requestId: string; skeleton: string }[] = [];
    for await (const r of routedItems(items, { principal, scope, headers: req.headers, createdAt, signal: req.signal })) {
      requests.push({ custom_id: r.customId, params: r.params });
      rows.push({ customId: r.customId, requestId: r.requestId, skeleton: JSON.stringify(r.skeleton) });
    }
    // An item whose put-back thinking asks to be dropped on a changed prefix needs the beta that setting takes, for the whole create.
    const binds = requests.some((r) => (r.params.thinking as { block_binding?: unknown } | undefined)?.block_binding !== undefined);
    const headers = binds ? withBindingBeta(forwardedHeaders(req.headers)) : forwardedHeaders(req.headers);
    const payload = await upstreamPayload({ requests }, size, headers);
    // Stored, pending, before it goes upstream (pending.ts): a crash once the upstream has accepted it loses nothing.
    const { data, response } = await sendWrittenAhead({ keyId: principal.keyId || null, scope, itemCount: rows.length }, rows, req.signal, () =>
      upstream()
        .post("/v1/messages/batches", { ...payload, signal: req.signal })
        .withResponse(),
    );
    return relayedJson(200, pointedAtGateway(data as MessageBatch, req.headers), requestId, response.headers.get("request-id"));
  } finally {
    release?.();
  }
});

export const retrieveBatch = relayedEndpoint(async (req, principal, requestId) => {
  const { id } = await visible(req, principal);
  const { data, response } = await upstream()
    .get(`/v1/messages/batches/${encodeURIComponent(id)}`, { headers: forwardedHeaders(req.headers), signal: req.signal })
    .withResponse();
  return relayedJson(200, pointedAtGateway(data as unknown as MessageBatch, req.headers), requestId, response.headers.get("request-id"));
});

export const cancelBatch = relayedEndpoint(async (req, principal, requestId) => {
  const { id } = await visible(req, principal);
  const { data, response } = await upstream()
    .post(`/v1/messages/batches/${encodeURIComponent(id)}/cancel`, { headers: forwardedHeaders(req.headers), signal: req.signal })
    .withResponse();
  return relayedJson(200, pointedAtGateway(data as unknown as MessageBatch, req.headers), requestId, response.headers.get("request-id"));
});

export const deleteBatch = relayedEndpoint(async (req, principal, requestId) => {
  const { id, row } = await visible(req, principal);
  const { data, response } = await upstream()
    .delete(`/v1/messages/batches/${encodeURIComponent(id)}`, { headers: forwardedHeaders(req.headers), signal: req.signal })
    .withResponse();
  // Marked deleted, not removed: a results download already under way keeps
  // relaying lines the upstream had sent, and each of them still gets its
  // record from the item's skeleton; a list cursor naming this batch keeps its
  // place. The owner now gets the 404 of an unknown batch, and the row and its
  // skeletons go with the retention sweep, when an undeleted batch's would.
  if (row) await batchesRepo.markDeleted([id]);
  return relayedJson(200, data, requestId, response.headers.get("request-id"));
});

/** limit / after_id / before_id of a list endpoint, checked as the API checks them. */
function listParams(q: URLSearchParams): { limit: number; afterId?: string; beforeId?: string } {
  const limit = pageLimit(q);
  const afterId = q.get("after_id") ?? undefined;
  const beforeId = q.get("before_id") ?? undefined;
  if (afterId && beforeId) throw new AppError("invalid_request_error", "after_id and before_id cannot both be given");
  return { limit, afterId, beforeId };
}

/** How many batches of a page are retrieved from the upstream at once. */
const RETRIEVE_CONCURRENCY = 8;

/**
 * A page of a key's own batches, as the API pages them: `limit` batches next
 * to the cursor, newest first, each retrieved from the upstream, and whether
 * there are more. A batch the upstream no longer knows (deleted past
 * thinkgate) is left out and forgotten, and the page is filled from the
 * batches beyond it, so a page with more after it is never empty and its
 * first_id/last_id always name batches in it: the SDK stops at an empty page
 * and pages on from last_id.
 */
async function ownPage(scope: string, params: { limit: number; afterId?: string; beforeId?: string }, retrieve: (id: string) => Promise<MessageBatch | null>): Promise<{ batches: MessageBatch[]; hasMore: boolean }> {
  const newer = params.beforeId !== undefined;
  const found: MessageBatch[] = [];
  let from = params.afterId ?? params.beforeId;
  for (;;) {
    const want = params.limit - found.length;
    // One row more than wanted: whether any lie beyond.
    const rows = await batchesRepo.walk(scope, { take: want + 1, from, newer });
    const asked = rows.slice(0, want);
    const gone: string[] = [];
    for (let i = 0; i < asked.length; i += RETRIEVE_CONCURRENCY) {
      const group = asked.slice(i, i + RETRIEVE_CONCURRENCY);
      const got = await Promise.all(group.map((r) => retrieve(r.upstreamId)));
      got.forEach((b, j) => (b ? found.push(b) : gone.push(group[j]!.upstreamId)));
    }
    await batchesRepo.markDeleted(gone);
    const hasMore = rows.length > want;
    if (!hasMore || found.length === params.limit) return { batches: newer ? found.reverse() : found, hasMore };
    from = asked[asked.length - 1]!.upstreamId;
  }
}

/**
 * An admin's list is the upstream's (every batch of the workspace); any other
 * key's is its own batches, paged in thinkgate's database (newest first, as
 * the API pages) and each retrieved from the upstream.
 */
export const listBatches = relayedEndpoint(async (req, principal, requestId) => {
  const params = listParams(req.query);
  if (isAdmin(principal)) {
    const query = Object.fromEntries(req.query);
    const { data, response } = await upstream().get("/v1/messages/batches", { query, headers: forwardedHeaders(req.headers), signal: req.signal }).withResponse();
    const page = data as unknown as { data?: MessageBatch[] };
    const out = { ...page, data: (page.data ?? []).map((b) => pointedAtGateway(b, req.headers)) };
    return relayedJson(200, out, requestId, response.headers.get("request-id"));
  }
  const retrieve = (id: string) =>
    upstream()
      .get(`/v1/messages/batches/${encodeURIComponent(id)}`, { headers: forwardedHeaders(req.headers), signal: req.signal })
      .then((b) => pointedAtGateway(b as unknown as MessageBatch, req.headers))
      // Deleted upstream without thinkgate.
      .catch((err: { status?: number }) => {
        if (err.status === 404) return null;
        throw err;
      });
  const { batches, hasMore } = await ownPage(callerScope(principal), params, retrieve);
  return relayedJson(200, { data: batches, has_more: hasMore, first_id: batches[0]?.id ?? null, last_id: batches[batches.length - 1]?.id ?? null }, requestId, null);
});

/**
 * The results, streamed through as the upstream sends them; each line's item
 * is recorded as it passes. A batch thinkgate did not create (an admin's) is
 * relayed without records: it has no skeletons.
 */
export const batchResults = relayedEndpoint(async (req, principal, requestId) => {
  const { id, row } = await visible(req, principal);
  const res = await upstream()
    .get(`/v1/messages/batches/${encodeURIComponent(id)}/results`, { headers: { ...forwardedHeaders(req.headers), accept: "application/binary" }, signal: req.signal })
    .asResponse();
  const body = res.body as unknown as AsyncIterable<Uint8Array>;
  return {
    status: res.status,
    headers: {
      "content-type": res.headers.get("content-type") ?? "application/binary",
      "request-id": res.headers.get("request-id") ?? requestId,
      "thinkgate-request-id": requestId,
    },
    // The items hang on thinkgate's id for the batch, not the upstream's.
    stream: row ? relayResults(row.id, row.scope, body) : body,
  };
});
