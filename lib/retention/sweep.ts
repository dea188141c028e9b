/**
 * The retention sweep: what thinkgate writes and would otherwise keep forever.
 * Every THINKGATE_RETENTION_SWEEP_MS it runs, in this order:
 *
 * - conversation pins, held-back thinking and the Responses API's kept output
 *   items (lib/gateway/pins.ts) not written for THINKGATE_PIN_RETENTION_DAYS
 *   (default 30), or for the text retention when that is shorter, are deleted;
 * - request records older than THINKGATE_RECORD_RETENTION_DAYS (default 0:
 *   never) are deleted, and leave the cost dashboard with them;
 * - the text of records older than THINKGATE_TEXT_RETENTION_DAYS (default 0:
 *   never) is cleared: prompts, answers and thinking go, the decision, tokens,
 *   cost and signal counts stay, so cost history outlives the text;
 * - Message Batches created more than BATCH_DAYS ago (their results are gone
 *   upstream by then), or the text retention when that is shorter, are
 *   forgotten with their items' record skeletons (which hold prompt text);
 *   the records made from them stay.
 *
 * A pin's lastSeenAt is when it was last written: a batch that stores a key
 * again bumps it, and a conversation pin in use is written again at least once
 * a day (pins.ts), so only pins nobody uses go. Held thinking and kept output
 * items are written once. What an expired row means for a client is in the
 * README (Configuration).
 *
 * Every instance sharing a database sweeps on its own schedule. That is
 * harmless: each step is idempotent (a row another instance deleted or
 * cleared first is simply not found), and each batch is small
 * (lib/db/retention-batch.ts).
 */
import { batchesRepo } from "../db/batches.repo";
import { filesRepo } from "../db/files.repo";
import { pinsRepo } from "../db/pins.repo";
import { requestsRepo } from "../db/requests.repo";
import { keepTextFor, purgeExpiredText, refreshPinsEvery } from "../gateway/pins";
import { logger } from "../observability/logger";
import { metrics } from "../telemetry/metrics";

const DAY_MS = 86_400_000;

/**
 * The first sweep comes this soon after the start rather than a whole period
 * later: an instance restarted more often than the period would otherwise
 * never sweep.
 */
const FIRST_SWEEP_MAX_MS = 60_000;

/** Days to keep each kind of data; 0 keeps it forever. */
export interface RetentionPolicy {
  pinDays: number;
  recordDays: number;
  textDays: number;
}

interface Step {
  /** The metrics' label (thinkgate_retention_rows_total{what}). */
  kind: "pins" | "records" | "record_text" | "batches" | "files";
  what: string;
  days: number;
  run: (cutoff: Date, signal?: AbortSignal) => Promise<number>;
}

/**
 * Days the pins' table keeps a row. Its rows hold text too (the thinking held
 * back from clients, the Responses API's output items), so they are kept no
 * longer than the records' text either.
 */
export function pinDays(policy: RetentionPolicy): number {
  if (!policy.textDays) return policy.pinDays;
  return policy.pinDays ? Math.min(policy.pinDays, policy.textDays) : policy.textDays;
}

/** The API keeps a batch's results for 29 days after its creation; a day more, then thinkgate forgets the batch. */
export const BATCH_DAYS = 30;

/** Days a batch's items (their skeletons hold prompt text) are kept: no longer than the records' text either. */
export function batchDays(policy: RetentionPolicy): number {
  return policy.textDays ? Math.min(BATCH_DAYS, policy.textDays) : BATCH_DAYS;
}

function steps(policy: RetentionPolicy): Step[] {
  const all: Step[] = [
    { kind: "pins", what: "conversation pins deleted (not written within the retention period)", days: pinDays(policy), run: (c, s) => pinsRepo.deleteSeenBefore(c, s) },
    // Records before their text: a record about to be deleted is not cleared first.
    { kind: "records", what: "request records deleted", days: policy.recordDays, run: (c, s) => requestsRepo.deleteBefore(c, s) },
    { kind: "record_text", what: "request records' text cleared", days: policy.textDays, run: (c, s) => requestsRepo.clearTextBefore(c, s) },
    { kind: "batches", what: "message batches and their items forgotten", days: batchDays(policy), run: (c, s) => batchesRepo.deleteCreatedBefore(c, s) },
    // An upload with expires_in_seconds is gone upstream at its expiry: its uploader's list drops it a day later.
    { kind: "files", what: "uploaded files forgotten a day after they expired", days: 1, run: (c) => filesRepo.deleteExpiredBefore(c) },
  ];
  return all.filter((s) => s.days > 0);
}

/**
 * One sweep: each step with a retention, in order; returns how many rows each
 * touched. A failing step is logged and the next still runs.
 */
export async function sweep(policy: RetentionPolicy, signal?: AbortSignal): Promise<Record<string, number>> {
  const done: Record<string, number> = {};
  for (const step of steps(policy)) {
    if (signal?.aborted) break;
    try {
      const n = await step.run(new Date(Date.now() - step.days * DAY_MS), signal);
      done[step.what] = n;
      metrics().retentionRows.inc({ what: step.kind }, n);
      if (n) logger.info({ rows: n, retentionDays: step.days }, `retention: ${step.what}`);
    } catch (err) {
      metrics().retentionFailures.inc({ what: step.kind });
      // The database away, a lock held too long: tried again at the next period; it never stops the server.
      logger.warn({ err: (err as Error).message, step: step.what }, "retention: sweep step failed; trying again at the next period");
    }
  }
  // What this instance holds in memory of the rows any instance deleted.
  if (pinDays(policy)) purgeExpiredText();
  return done;
}

let timer: NodeJS.Timeout | null = null;
let running: Promise<unknown> | null = null;
let abort: AbortController | null = null;

/** Starts the periodic sweep (once, at server start); does nothing when nothing has a retention. */
export function startRetention(policy: RetentionPolicy, sweepMs: number): void {
  if (!steps(policy).length || timer || abort) return;
  if (pinDays(policy)) {
    // Pins in use are written again at least this often, so no sweep finds them stale.
    refreshPinsEvery(Math.min(DAY_MS, sweepMs));
    // The text they hold is served from memory no longer than its row is kept.
    keepTextFor(pinDays(policy) * DAY_MS);
  }
  const controller = (abort = new AbortController());
  const schedule = (delay: number) => {
    if (controller.signal.aborted) return;
    timer = setTimeout(() => {
      timer = null;
      running = sweep(policy, controller.signal).finally(() => {
        running = null;
        // The next one a whole period after this one ended, so sweeps never overlap.
        schedule(sweepMs);
      });
    }, delay);
    // The sweep alone never keeps the process alive.
    timer.unref();
  };
  schedule(Math.min(sweepMs, FIRST_SWEEP_MAX_MS));
}

/** At shutdown: no further sweep; one under way stops after its current batch, and is waited for. */
export async function stopRetention(): Promise<void> {
  abort?.abort();
  abort = null;
  if (timer) clearTimeout(timer);
  timer = null;
  await running;
}
