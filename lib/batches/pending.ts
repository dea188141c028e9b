/**
 * Batch creates written ahead. A create is stored as a pending batch (its
 * items and their routing included) before it goes upstream, and completed
 * with the upstream's id once the upstream answers (api.ts). A process that
 * ends in between (killed, crashed) leaves the row pending while the
 * upstream may hold the batch, accepted and billed; the reconcile finds it
 * again: at the start and every RECONCILE_MS while creates are pending, it
 * lists the upstream's batches and adopts the one that matches each pending
 * create into its row, so the key that created it sees it, and its results
 * are recorded with its items' routing.
 *
 * The matching rule (matchPending). The Message Batches API keeps nothing of
 * the caller's on a batch (no metadata; the custom_ids are only in the
 * results, once it has ended), so a batch is matched by what its list entry
 * says. An upstream batch is a candidate for a pending create when
 *  - no batch row holds its id already (created or adopted through thinkgate),
 *  - its request counts add up to the create's item count, and
 *  - its created_at lies from SKEW_MS before the pending row was written to
 *    graceMs after it (the upstream call may take up to its timeout).
 * A pending create is adopted only when it has exactly one candidate and is
 * that batch's only candidate. Anything else is left pending, and given up
 * (failed, its items deleted) once the whole window has passed: a create
 * that never reached the upstream, or one that cannot be told apart from
 * another (two crashed creates of the same size within the window).
 *
 * Its limits, said plainly: a batch created past thinkgate on the same
 * upstream account (the admins' workspace), of the same size and within the
 * window of a create that never reached the upstream, is taken for it and
 * shown to that key; two such creates of the same size are given up rather
 * than guessed, and their batches then run seen by admins only (they list
 * the upstream's every batch). A create whose upstream call ended with no
 * answer (a timeout, a connection cut, its client gone) is left pending for
 * the reconcile too: the upstream may have accepted it.
 */
import { randomBytes } from "node:crypto";
import { APIError } from "@anthropic-ai/sdk";
import type { MessageBatch } from "@anthropic-ai/sdk/resources/messages/batches";
import { AppError } from "../api/errors";
import { batchesRepo, type BatchItemRow, type BatchRow } from "../db/batches.repo";
import { upstream } from "../gateway/upstream";
import { logger } from "../observability/logger";

/** How far the upstream's clock may be from thinkgate's, either way. */
export const SKEW_MS = 2 * 60_000;

/**
 * How long after its row was written a create may still be answered: the
 * upstream call's timeout, and time for storing a large batch's items
 * before it and for a slow upload. THINKGATE_BATCH_CREATE_GRACE_MS sets it.
 */
export function graceMs(env: Record<string, string | undefined> = process.env): number {
  const set = Number(env.THINKGATE_BATCH_CREATE_GRACE_MS);
  if (Number.isFinite(set) && set > 0) return set;
  return Number(env.THINKGATE_UPSTREAM_TIMEOUT_MS ?? 600_000) + 5 * 60_000;
}

const RECONCILE_MS = Number(process.env.THINKGATE_BATCH_RECONCILE_MS ?? 60_000);
/** The most upstream batches one reconcile lists (100 a page), newest first. */
const MAX_LISTED = 20_000;

export interface PendingCreate {
  id: string;
  createdAt: Date;
  itemCount: number;
}

/** What the reconcile reads of an upstream batch's list entry. */
export type ListedBatch = Pick<MessageBatch, "id" | "created_at" | "request_counts">;

export interface Matching {
  /** Pending creates and the upstream batch each is now known to be. */
  adopt: { id: string; upstreamId: string }[];
  /** Pending creates past their window with no batch to adopt; `candidates` when more than one would have fitted. */
  expired: { id: string; candidates: string[] }[];
}

/** Every request of a batch is in exactly one of its counts, whatever its state. */
export function requestTotal(b: ListedBatch): number {
  const c = b.request_counts;
  return c.processing + c.succeeded + c.errored + c.canceled + c.expired;
}

/** Whether `b` could be the batch `p` created (see the module's comment); `b` is one no row holds. */
export function isCandidate(p: PendingCreate, b: ListedBatch, grace: number): boolean {
  const at = Date.parse(b.created_at);
  if (!Number.isFinite(at)) return false;
  const from = p.createdAt.getTime() - SKEW_MS;
  return at >= from && at <= p.createdAt.getTime() + grace && requestTotal(b) === p.itemCount;
}

/**
 * The matching rule, on pending creates and the upstream batches no row
 * holds: a pair is adopted when each is the other's only candidate. A create
 * left over is expired once `now` is past its window (graceMs, and SKEW_MS
 * for the upstream's clock), when any batch of it would be listed by now.
 */
export function matchPending(pending: PendingCreate[], unknown: ListedBatch[], o: { now: Date; grace: number }): Matching {
  const byCreate = new Map<string, string[]>();
  const byBatch = new Map<string, string[]>();
  for (const p of pending) {
    const fits = unknown.filter((b) => isCandidate(p, b, o.grace)).map((b) => b.id);
    byCreate.set(p.id, fits);
    for (const id of fits) byBatch.set(id, [...(byBatch.get(id) ?? []), p.id]);
  }
  const adopt: Matching["adopt"] = [];
  const expired: Matching["expired"] = [];
  for (const p of pending) {
    const fits = byCreate.get(p.id)!;
    if (fits.length === 1 && byBatch.get(fits[0]!)!.length === 1) {
      adopt.push({ id: p.id, upstreamId: fits[0]! });
      continue;
    }
    if (o.now.getTime() > p.createdAt.getTime() + o.grace + SKEW_MS) expired.push({ id: p.id, candidates: fits });
  }
  return { adopt, expired };
}

/** Creates this process is sending upstream now: their rows are pending because their answer is awaited, not lost. */
const sending = new Set<string>();

/** thinkgate's own id for a batch, fixed before the upstream is called (never a client's name for it: they use the upstream's). */
const newBatchId = () => `tgbatch_${randomBytes(12).toString("hex")}`;

/**
 * Whether a failed create certainly made no batch upstream: the upstream
 * answered with an error, or refused the connection. Anything else (a
 * timeout, a connection cut once the body was on its way, the client gone
 * while it was sent) may follow an accepted batch.
 */
export function madeNoBatch(err: unknown): boolean {
  if (err instanceof APIError && err.status !== undefined) return true;
  for (let e = err as { cause?: unknown; code?: unknown } | undefined, depth = 0; e && depth < 4; e = e.cause as typeof e, depth++) {
    if (e.code === "ECONNREFUSED") return true;
  }
  return false;
}

/**
 * A create sent upstream, written ahead: the batch and its items stored as
 * pending, then `send` (the upstream call), then the row completed with the
 * upstream's id. A create that certainly made no batch leaves nothing behind;
 * one with no answer stays pending for the reconcile. When the answer cannot
 * be stored, the batch is canceled upstream and the client told, as before
 * (its row, still pending, may be adopted later: the key then sees it, canceled).
 */
export async function sendWrittenAhead<T extends { data: unknown; response: Response }>(
  batch: { keyId: string | null; scope: string; itemCount: number },
  items: BatchItemRow[],
  signal: AbortSignal | undefined,
  send: () => Promise<T>,
): Promise<T> {
  const id = newBatchId();
  // Marked before the row exists: a reconcile of this process never takes it for a lost one.
  sending.add(id);
  try {
    await batchesRepo.begin({ id, ...batch }, items);
    let answer: T;
    let called = false;
    try {
      // A client that left while the items were stored: nothing is sent.
      signal?.throwIfAborted();
      called = true;
      answer = await send();
    } catch (err) {
      if (!called || madeNoBatch(err)) await forget(id);
      throw err;
    }
    const upstreamId = (answer.data as { id: string }).id;
    try {
      await batchesRepo.complete(id, upstreamId);
    } catch (err) {
      // A batch thinkgate cannot record would run unseen: it is canceled, and the client told.
      logger.error({ err, batchId: upstreamId }, "could not store a message batch; canceling it upstream");
      await upstream()
        .post(`/v1/messages/batches/${encodeURIComponent(upstreamId)}/cancel`)
        .catch((e: Error) => logger.error({ err: e.message, batchId: upstreamId }, "could not cancel the batch thinkgate failed to store"));
      throw new AppError("api_error", `thinkgate could not store the batch, so it was canceled (${upstreamId}); retry later`);
    }
    return answer;
  } finally {
    sending.delete(id);
  }
}

const forget = (id: string) =>
  batchesRepo.delete(id).catch((e: Error) => logger.warn({ err: e.message, createId: id }, "could not forget a batch create that made no upstream batch; the reconcile will fail it"));

/** The upstream's batches created since `since`, newest first (at most MAX_LISTED). */
async function listedSince(since: number): Promise<ListedBatch[]> {
  const out: ListedBatch[] = [];
  for await (const b of upstream().messages.batches.list({ limit: 100 })) {
    // Newest first: once one is older than every window, so are the rest.
    if (Date.parse(b.created_at) < since) break;
    out.push({ id: b.id, created_at: b.created_at, request_counts: b.request_counts });
    if (out.length >= MAX_LISTED) {
      logger.warn({ listed: out.length }, "batch reconcile: stopped listing upstream batches at its bound; older pending creates wait for the next pass");
      break;
    }
  }
  return out;
}

/**
 * One pass: the pending creates matched against the upstream's batches of
 * their windows; each match adopted, each create past its window failed.
 * Creates still being sent (by this process, or by another instance on the
 * same database) take part in the matching, so that their batch, listed
 * before their answer is stored, is never taken for another create; only
 * this process's own are known to be in flight, and left alone. The
 * upstream is listed before the pending rows are read: a batch in the list
 * was created after its create's row was written, so that row is read too.
 * Adopting and failing change only a row still pending, and an upstream id
 * can be held by one row only.
 */
export async function reconcilePendingCreates(): Promise<{ adopted: number; failed: number }> {
  const first = await batchesRepo.pending();
  if (!first.length) return { adopted: 0, failed: 0 };
  const grace = graceMs();
  const now = new Date();
  const listed = await listedSince(Math.min(...first.map((p) => p.createdAt.getTime())) - SKEW_MS);
  const pending = await batchesRepo.pending();
  const known = await batchesRepo.knownUpstreamIds(listed.map((b) => b.id));
  const { adopt, expired } = matchPending(pending, listed.filter((b) => !known.has(b.id)), { now, grace });
  const rows = new Map<string, BatchRow>(pending.map((p) => [p.id, p]));
  let adopted = 0;
  let failed = 0;
  for (const a of adopt) {
    if (sending.has(a.id) || !(await batchesRepo.adopt(a.id, a.upstreamId))) continue;
    adopted++;
    const r = rows.get(a.id)!;
    logger.warn({ batchId: a.upstreamId, createId: a.id, keyId: r.keyId, items: r.itemCount }, "batch reconcile: adopted the upstream batch of a create whose answer was never stored");
  }
  for (const e of expired) {
    if (sending.has(e.id) || !(await batchesRepo.fail(e.id))) continue;
    failed++;
    const r = rows.get(e.id)!;
    if (e.candidates.length) {
      logger.error(
        { createId: e.id, keyId: r.keyId, items: r.itemCount, candidates: e.candidates },
        "batch reconcile: a pending create could not be told from another by its upstream batches and was given up; its batch, if it was one of these, runs seen by admins only",
      );
    } else logger.warn({ createId: e.id, keyId: r.keyId, items: r.itemCount }, "batch reconcile: no upstream batch for a pending create; marked failed");
  }
  return { adopted, failed };
}

let timer: NodeJS.Timeout | null = null;
let running: Promise<unknown> | null = null;
let stopped = false;

/** The reconcile at the start, then every RECONCILE_MS (a query of the pending rows; the upstream is listed only when some are). */
export function startBatchReconcile(): void {
  if (timer || running) return;
  const pass = () => {
    running = reconcilePendingCreates()
      .catch((err: unknown) => logger.warn({ err: (err as Error).message }, "batch reconcile failed; tried again later"))
      .finally(() => {
        running = null;
        if (stopped) return;
        timer = setTimeout(pass, RECONCILE_MS);
        // Never keeps the process alive on its own.
        timer.unref();
      });
  };
  stopped = false;
  pass();
}

/** At shutdown: no further pass; one under way is waited for. */
export async function stopBatchReconcile(): Promise<void> {
  stopped = true;
  if (timer) clearTimeout(timer);
  timer = null;
  await running;
}
