/**
 * The retention sweep of the conversation pins' table (lib/gateway/pins.ts):
 * pins, held-back thinking and the Responses API's kept output items are
 * written and never deleted otherwise, so the table would grow without bound.
 * Every THINKGATE_PIN_SWEEP_MS the rows not written for
 * THINKGATE_PIN_RETENTION_DAYS are deleted (0 days: never).
 *
 * A row's lastSeenAt is when it was last written: a batch that stores a key
 * again bumps it, and a conversation pin in use is written again at least
 * once a day (pins.ts), so only pins nobody uses go. Held thinking and kept
 * output items are written once. What an expired row means for a client is
 * in the README (Configuration).
 *
 * Every instance sharing a database sweeps on its own schedule. That is
 * harmless: the delete is idempotent (a row another instance deleted first is
 * simply not found), and each batch is small (lib/db/pins.repo.ts).
 */
import { pinsRepo } from "../db/pins.repo";
import { logger } from "../observability/logger";
import { refreshPinsEvery } from "./pins";

const DAY_MS = 86_400_000;

/**
 * The first sweep comes this soon after the start rather than a whole period
 * later: an instance restarted more often than the period would otherwise
 * never sweep.
 */
const FIRST_SWEEP_MAX_MS = 60_000;

let timer: NodeJS.Timeout | null = null;
let running: Promise<void> | null = null;
let abort: AbortController | null = null;

/** Deletes the rows not written for `retentionDays`; returns how many went. */
export async function sweepPins(retentionDays: number, signal?: AbortSignal): Promise<number> {
  return pinsRepo.deleteSeenBefore(new Date(Date.now() - retentionDays * DAY_MS), signal);
}

/** Starts the periodic sweep (once, at server start); does nothing when retention is off. */
export function startPinRetention(opts: { retentionDays: number; sweepMs: number }): void {
  if (opts.retentionDays === 0 || timer || abort) return;
  // Pins in use are written again at least this often, so no sweep finds them stale.
  refreshPinsEvery(Math.min(DAY_MS, opts.sweepMs));
  const controller = (abort = new AbortController());
  const schedule = (delay: number) => {
    if (controller.signal.aborted) return;
    timer = setTimeout(() => {
      timer = null;
      running = sweepPins(opts.retentionDays, controller.signal)
        .then((deleted) => {
          if (deleted) logger.info({ deleted, retentionDays: opts.retentionDays }, "pin retention: deleted conversation pins not written within the retention period");
        })
        // A failed sweep (the database away, a lock held too long) is tried again at the next period; it never stops the server.
        .catch((err: unknown) => logger.warn({ err: (err as Error).message }, "pin retention: sweep failed; trying again at the next period"))
        .finally(() => {
          running = null;
          // The next one a whole period after this one ended, so sweeps never overlap.
          schedule(opts.sweepMs);
        });
    }, delay);
    // The sweep alone never keeps the process alive.
    timer.unref();
  };
  schedule(Math.min(opts.sweepMs, FIRST_SWEEP_MAX_MS));
}

/** At shutdown: no further sweep; one under way stops after its current batch, and is waited for. */
export async function stopPinRetention(): Promise<void> {
  abort?.abort();
  abort = null;
  if (timer) clearTimeout(timer);
  timer = null;
  await running;
}
