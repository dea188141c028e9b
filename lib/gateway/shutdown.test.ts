import { describe, expect, it } from "vitest";
import { allRecorded, openRequests, requestBegun, requestEnded } from "./shutdown";

describe("requests begun and not yet recorded", () => {
  it("resolves at once with none open, when the last one ends, or false at its bound", async () => {
    expect(await allRecorded(10)).toBe(true);
    const a = { requestId: "req_a" };
    const b = { requestId: "req_b" };
    requestBegun(a);
    requestBegun(b);
    expect(openRequests()).toBe(2);
    const waiting = allRecorded(5_000);
    requestEnded(a);
    // Ending one twice (recorded, then refused) counts once.
    requestEnded(a);
    expect(openRequests()).toBe(1);
    requestEnded(b);
    expect(await waiting).toBe(true);
    requestBegun(a);
    expect(await allRecorded(20)).toBe(false);
    requestEnded(a);
    expect(openRequests()).toBe(0);
  });
});

describe("the signal a begun request's upstream calls go with", () => {
  it("is aborted when its client leaves, and, for every request still running, when the shutdown cuts them off", async () => {
    const { cutOff, cuttingOff } = await import("./shutdown");
    const client = new AbortController();
    const left = requestBegun({ requestId: "req_left" }, client.signal);
    const running = requestBegun({ requestId: "req_running" }, new AbortController().signal);
    const done = requestBegun({ requestId: "req_done" }, new AbortController().signal);
    expect([left.aborted, running.aborted, done.aborted]).toEqual([false, false, false]);
    client.abort();
    expect([left.aborted, running.aborted]).toEqual([true, false]);
    requestEnded({ requestId: "req_done" });
    cutOff();
    expect(cuttingOff()).toBe(true);
    // Only what was still running is cut: an ended request's signal is left as it was.
    expect([running.aborted, done.aborted]).toEqual([true, false]);
    // A request begun once the cut-off has started has nothing to wait for.
    expect(requestBegun({ requestId: "req_late" }).aborted).toBe(true);
    for (const id of ["req_left", "req_running", "req_late"]) requestEnded({ requestId: id });
    expect(openRequests()).toBe(0);
  });
});
