import { describe, expect, it } from "vitest";
import { AppError } from "../api/errors";
import { boundedLookup, waitSetting } from "./bounded-lookup";

/** A load that answers only when told to. */
function pending<V>() {
  const calls: { key: string; answer: (v: V) => void; fail: (e: Error) => void }[] = [];
  const load = (key: string) => new Promise<V>((answer, fail) => calls.push({ key, answer, fail }));
  return { calls, load };
}

describe("a bounded lookup", () => {
  it("shares one load between the requests for one key, and a new load once it is done", async () => {
    const { calls, load } = pending<string>();
    const lookup = boundedLookup({ what: "a test lookup", waitMs: 1_000, load });
    const a = lookup.get("k");
    const b = lookup.get("k");
    const c = lookup.get("other");
    expect(calls.map((x) => x.key)).toEqual(["k", "other"]);
    calls[0]!.answer("A");
    calls[1]!.answer("C");
    expect(await Promise.all([a, b, c])).toEqual(["A", "A", "C"]);
    // Never answered: its 503, a second later, is not this test's (left unhandled, it failed the run).
    lookup.get("k").catch(() => undefined);
    expect(calls).toHaveLength(3);
  });

  it("waits no longer than its bound: then a 503 api_error with retry-after, naming what was waited for", async () => {
    const { load } = pending<string>();
    const lookup = boundedLookup({ what: "a test lookup", waitMs: 50, load });
    const err = (await lookup.get("k").catch((e: unknown) => e)) as AppError;
    expect(err).toBeInstanceOf(AppError);
    expect(err).toMatchObject({ status: 503, type: "api_error", headers: { "retry-after": "5" } });
    expect(err.message).toBe("the database did not answer a test lookup within 50 ms; try again shortly");
  });

  it("goes on with the caller's stale answer when there is one, after a timeout or an error; an error without one is passed on", async () => {
    const { calls, load } = pending<string>();
    const stale = new Map([["known", "last answer"]]);
    const lookup = boundedLookup({ what: "a test lookup", waitMs: 50, load, stale: (k: string) => stale.get(k) });
    expect(await lookup.get("known")).toBe("last answer");
    const failing = lookup.get("unknown");
    calls.at(-1)!.fail(new Error("connection refused"));
    await expect(failing).rejects.toThrow("connection refused");
  });

  it("reads a wait setting as a positive number of milliseconds, else the default", () => {
    expect(waitSetting(undefined, 2_000)).toBe(2_000);
    expect(waitSetting("500", 2_000)).toBe(500);
    expect(waitSetting("0", 2_000)).toBe(2_000);
    expect(waitSetting("soon", 2_000)).toBe(2_000);
  });
});
