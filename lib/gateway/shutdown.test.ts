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
