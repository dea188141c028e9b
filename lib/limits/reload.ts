/**
 * Without Redis the day's spend of each key and app lives in this process's
 * memory (memory.ts), and a restart would forget it: a key that had spent its
 * $5 for the day could spend $5 more after every deploy or crash. So at start
 * the spend that earlier runs counted today is loaded from the records: each
 * record keeps what its request counted against budgets (budgetUsd, by the
 * rule live settlement uses: admission.ts spentMicro, or the reservation of a
 * request the process died in the middle of), summed per key and per app.
 *
 * Order: the records an earlier run left in the spool are stored first
 * (Recorder.earlierStored), then the day's records created before this
 * process began are summed; what this process admits itself it counts live,
 * so the two add up whenever the load completes. Start does not wait for it;
 * a request under a budget does, for at most RELOAD_WAIT_MS after start
 * (the database unreachable, or a large spool still being stored): past that
 * it is served unchecked, as when Redis is down, until the load completes.
 *
 * Several instances without Redis each count alone; a start loads what every
 * instance recorded today until then. RPM windows are not reloaded: they
 * span a minute.
 */
import { logger } from "../observability/logger";
import { limiter } from "./admission";
import { utcDay } from "./limiter";
import { MemoryLimiter } from "./memory";
import { spendBefore } from "./recorded";

const RELOAD_WAIT_MS = 10_000;

/** Loads today's spend of earlier runs into the in-memory limiter, once `earlierStored` resolves; nothing with Redis. */
export function reloadSpend(earlierStored: Promise<void>, startedAt = new Date()): void {
  const l = limiter();
  if (!(l instanceof MemoryLimiter)) return;
  const load = async (): Promise<Map<string, number>> => {
    await earlierStored;
    for (let attempt = 1; ; attempt++) {
      try {
        const spend = await spendBefore(startedAt);
        if (spend.size) logger.info({ scopes: spend.size }, "limits: today's spend of earlier runs loaded");
        return spend;
      } catch (err) {
        logger.warn({ err: (err as Error).message, attempt }, "limits: today's spend of earlier runs could not be loaded; retrying");
        await new Promise((r) => setTimeout(r, Math.min(30_000, 500 * 2 ** Math.min(attempt, 6))).unref?.());
      }
    }
  };
  l.preload(utcDay(startedAt), load(), RELOAD_WAIT_MS);
}
