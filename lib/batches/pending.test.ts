import { APIConnectionError, APIConnectionTimeoutError, APIError } from "@anthropic-ai/sdk";
import { describe, expect, it } from "vitest";
import { graceMs, isCandidate, madeNoBatch, matchPending, requestTotal, SKEW_MS, type ListedBatch, type PendingCreate } from "./pending";

const T0 = Date.parse("2026-12-07T10:00:00Z");
const GRACE = 15 * 60_000;
const at = (ms: number) => new Date(T0 + ms);

const create = (id: string, itemCount: number, createdAt = at(0)): PendingCreate => ({ id, itemCount, createdAt });

function batch(id: string, size: number, createdMs: number, state: "processing" | "ended" = "processing"): ListedBatch {
  const counts = { processing: 0, succeeded: 0, errored: 0, canceled: 0, expired: 0 };
  if (state === "processing") counts.processing = size;
  else {
    counts.succeeded = size - 1;
    counts.errored = 1;
  }
  return { id, created_at: at(createdMs).toISOString(), request_counts: counts };
}

const soon = { now: at(5_000), grace: GRACE };
const late = { now: at(GRACE + SKEW_MS + 1), grace: GRACE };

describe("batch create reconcile: the matching rule", () => {
  it("counts every request of a batch, processing or ended", () => {
    expect(requestTotal(batch("a", 3, 0))).toBe(3);
    expect(requestTotal(batch("a", 3, 0, "ended"))).toBe(3);
  });

  it("a candidate has the create's item count and was created in its window: from SKEW_MS before the row to the grace after it", () => {
    const p = create("p", 3);
    expect(isCandidate(p, batch("b", 3, 200), GRACE)).toBe(true);
    expect(isCandidate(p, batch("b", 3, -SKEW_MS), GRACE)).toBe(true);
    expect(isCandidate(p, batch("b", 3, GRACE), GRACE)).toBe(true);
    expect(isCandidate(p, batch("b", 4, 200), GRACE)).toBe(false);
    expect(isCandidate(p, batch("b", 3, -SKEW_MS - 1), GRACE)).toBe(false);
    expect(isCandidate(p, batch("b", 3, GRACE + 1), GRACE)).toBe(false);
    expect(isCandidate(p, { ...batch("b", 3, 200), created_at: "not a date" }, GRACE)).toBe(false);
  });

  it("adopts the one batch that fits a create, whatever else the upstream lists", () => {
    const m = matchPending([create("p", 3)], [batch("other-size", 2, 100), batch("b", 3, 300, "ended"), batch("too-old", 3, -SKEW_MS - 60_000)], soon);
    expect(m).toEqual({ adopt: [{ id: "p", upstreamId: "b" }], expired: [] });
  });

  it("tells creates of different sizes apart", () => {
    const m = matchPending([create("p2", 2), create("p3", 3, at(50))], [batch("b3", 3, 400), batch("b2", 2, 300)], soon);
    expect(m.adopt).toEqual([
      { id: "p2", upstreamId: "b2" },
      { id: "p3", upstreamId: "b3" },
    ]);
  });

  it("never guesses: two creates of one size, or a create with two batches that fit, are left pending", () => {
    const twoCreates = matchPending([create("p", 3), create("q", 3, at(10))], [batch("b", 3, 100), batch("c", 3, 200)], soon);
    expect(twoCreates).toEqual({ adopt: [], expired: [] });
    const twoBatches = matchPending([create("p", 3)], [batch("b", 3, 100), batch("c", 3, 200)], soon);
    expect(twoBatches).toEqual({ adopt: [], expired: [] });
  });

  it("a batch that fits a create still being sent is not taken for another one of its size", () => {
    // "sending" is pending too: its batch is listed before its answer is stored.
    const m = matchPending([create("crashed", 3), create("sending", 3, at(1_000))], [batch("b", 3, 1_200)], soon);
    expect(m.adopt).toEqual([]);
  });

  it("a batch no longer unknown (left out by the caller) frees the other create to be matched", () => {
    const m = matchPending([create("p", 3), create("q", 3, at(10))], [batch("c", 3, 200)], soon);
    expect(m.adopt).toEqual([]);
    expect(matchPending([create("p", 3)], [batch("c", 3, 200)], soon).adopt).toEqual([{ id: "p", upstreamId: "c" }]);
  });

  it("gives a create up only once its whole window has passed, naming the batches that would have fitted", () => {
    expect(matchPending([create("p", 3)], [], soon)).toEqual({ adopt: [], expired: [] });
    expect(matchPending([create("p", 3)], [], { now: at(GRACE + SKEW_MS), grace: GRACE }).expired).toEqual([]);
    expect(matchPending([create("p", 3)], [], late)).toEqual({ adopt: [], expired: [{ id: "p", candidates: [] }] });
    const ambiguous = matchPending([create("p", 3)], [batch("b", 3, 100), batch("c", 3, 200)], late);
    expect(ambiguous).toEqual({ adopt: [], expired: [{ id: "p", candidates: ["b", "c"] }] });
  });

  it("adopts a create past its window when its batch is there: a restart long after the crash still finds it", () => {
    expect(matchPending([create("p", 3)], [batch("b", 3, 100)], late)).toEqual({ adopt: [{ id: "p", upstreamId: "b" }], expired: [] });
  });

  it("the grace is the upstream call's timeout and five minutes, unless set", () => {
    expect(graceMs({})).toBe(600_000 + 300_000);
    expect(graceMs({ THINKGATE_UPSTREAM_TIMEOUT_MS: "60000" })).toBe(360_000);
    expect(graceMs({ THINKGATE_BATCH_CREATE_GRACE_MS: "1000", THINKGATE_UPSTREAM_TIMEOUT_MS: "60000" })).toBe(1000);
    expect(graceMs({ THINKGATE_BATCH_CREATE_GRACE_MS: "soon" })).toBe(900_000);
  });

  it("only an error answer or a refused connection certainly made no batch: any other failure leaves the create to the reconcile", () => {
    expect(madeNoBatch(APIError.generate(529, { type: "error", error: { type: "overloaded_error", message: "Overloaded" } }, "Overloaded", new Headers()))).toBe(true);
    const refused = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:1"), { code: "ECONNREFUSED" });
    expect(madeNoBatch(new APIConnectionError({ cause: Object.assign(new TypeError("fetch failed"), { cause: refused }) }))).toBe(true);
    const reset = Object.assign(new Error("socket hang up"), { code: "ECONNRESET" });
    expect(madeNoBatch(new APIConnectionError({ cause: Object.assign(new TypeError("fetch failed"), { cause: reset }) }))).toBe(false);
    expect(madeNoBatch(new APIConnectionTimeoutError())).toBe(false);
  });
});
