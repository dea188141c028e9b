import { describe, expect, it } from "vitest";
import { inTimedBatches } from "./retention-batch";
import { TURN_BUDGET_MS } from "../runtime/turns";

/** Holds the thread for `ms`, as a synchronous SQLite statement does. */
function busy(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end) {
    // spin
  }
}

/** A table of `rows` rows, each costing `msPerRow` to change; records every batch's limit. */
function table(rows: number, msPerRow: number) {
  let left = rows;
  const limits: number[] = [];
  const batch = async (limit: number) => {
    limits.push(limit);
    const n = Math.min(limit, left);
    busy(n * msPerRow);
    left -= n;
    return { found: n, changed: n };
  };
  return { batch, limits, left: () => left };
}

describe("inTimedBatches", () => {
  it("goes through every row and stops at the first batch that finds fewer than its limit", async () => {
    const t = table(1_000, 0.001);
    expect(await inTimedBatches(t.batch)).toBe(1_000);
    expect(t.left()).toBe(0);
    // Fast rows: the limit doubles up to its cap of 500.
    expect(t.limits.slice(0, 4)).toEqual([20, 40, 80, 160]);
    expect(Math.max(...t.limits)).toBeLessThanOrEqual(500);
  });

  it("shrinks the batches when rows are slow, so each holds the thread for about a turn", async () => {
    // 2 ms a row (records with large text): 20 rows take 40 ms, then about 4 rows a batch.
    // Asserted on the limits, which a busy machine can only make smaller (a
    // batch measured slower asks for fewer rows), not on the times it measured.
    const t = table(200, 2);
    expect(await inTimedBatches(t.batch)).toBe(200);
    expect(t.limits[0]).toBe(20);
    const later = t.limits.slice(1);
    expect(later.length).toBeGreaterThan(10);
    expect(Math.max(...later)).toBeLessThanOrEqual(TURN_BUDGET_MS / 2);
    expect(Math.min(...t.limits)).toBeGreaterThanOrEqual(1);
  });

  it("does not count a wait for the database as the thread's time: batches of a slow PostgreSQL stay large", async () => {
    // Each batch waits 30 ms (a round trip to a busy server) and holds the thread for almost nothing.
    let left = 3_000;
    const limits: number[] = [];
    const n = await inTimedBatches(async (limit) => {
      limits.push(limit);
      await new Promise((r) => setTimeout(r, 30));
      const k = Math.min(limit, left);
      left -= k;
      return { found: k, changed: k };
    });
    expect(n).toBe(3_000);
    // Sized by wall time, 20 rows in 30 ms would have asked for about 5 next, and fewer after.
    expect(limits.slice(0, 5)).toEqual([20, 40, 80, 160, 320]);
    expect(Math.max(...limits)).toBe(500);
  });

  it("stops between batches once aborted", async () => {
    const t = table(10_000, 0);
    const abort = new AbortController();
    let calls = 0;
    const n = await inTimedBatches(async (limit) => {
      if (++calls === 3) abort.abort();
      return t.batch(limit);
    }, abort.signal);
    expect(calls).toBe(3);
    expect(n).toBe(20 + 40 + 80);
  });
});
