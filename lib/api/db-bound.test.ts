import { describe, expect, it } from "vitest";
import { untilDatabaseSilent, type DatabaseBound } from "./db-bound";
import { AppError } from "./errors";
import { json, type ApiResponse } from "./http";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const request = { id: "req_test", method: "GET", path: "/api/requests" };

/** A bound whose database stops answering `silentAfterMs` from now (null: it always answers). */
function bound(change: boolean, silentAfterMs: number | null, waitMs = 50): DatabaseBound & { asked: boolean[] } {
  const from = Date.now();
  const asked: boolean[] = [];
  return {
    change,
    waitMs,
    request,
    asked,
    silent: (ask) => {
      asked.push(ask);
      return silentAfterMs !== null && Date.now() - from >= silentAfterMs ? "no answer to SELECT 1 in 2000 ms" : null;
    },
  };
}

const after = (ms: number, res: ApiResponse = json(200, { ok: true })) => sleep(ms).then(() => res);

describe("a management request on a database that does not answer", () => {
  it("is answered as usual by a handler that finishes, however long it takes while the database answers", async () => {
    const b = bound(false, null);
    expect((await untilDatabaseSilent(() => after(500), b)).status).toBe(200);
    // Looked at the database's silence after its wait, asking the probe, more than once.
    expect(b.asked.filter(Boolean).length).toBeGreaterThan(1);
  });

  it("gets a 503 with retry-after once it has waited and the database is known not to answer; the handler's late end is not unhandled", async () => {
    let ended = false;
    const from = Date.now();
    const err = await untilDatabaseSilent(() => after(300).finally(() => (ended = true)), bound(false, 100)).catch((e: unknown) => e);
    expect(Date.now() - from).toBeLessThan(300);
    expect(err).toBeInstanceOf(AppError);
    expect(err).toMatchObject({ status: 503, type: "api_error", headers: { "retry-after": "5" }, message: expect.stringMatching(/did not answer this request within 50 ms \(no answer to SELECT 1/) });
    await sleep(300);
    expect(ended).toBe(true);
    // A handler failing after its 503: logged, never an unhandled rejection (vitest fails the run on one).
    await untilDatabaseSilent(() => sleep(100).then(() => Promise.reject(new Error("late"))), bound(false, 0)).catch(() => undefined);
    await sleep(150);
  });

  it("a change cut that way says its outcome is not known, and not to be retried blindly; one that comes while the database is known silent is refused before it runs", async () => {
    await expect(untilDatabaseSilent(() => after(300), { ...bound(true, 100), request: { ...request, method: "PUT" } })).rejects.toMatchObject({
      status: 503,
      headers: { "retry-after": "5", "x-should-retry": "false" },
      message: expect.stringMatching(/did not answer this change .*whether it took effect is not known/),
    });
    let ran = false;
    const b = bound(true, 0);
    await expect(
      untilDatabaseSilent(async () => {
        ran = true;
        return json(200, {});
      }, b),
    ).rejects.toMatchObject({ status: 503, headers: { "retry-after": "5" }, message: expect.stringMatching(/not answering .*nothing was changed/) });
    expect(ran).toBe(false);
    // Nothing was done: a retry is safe, and the SDKs' own (after retry-after) is left to them.
    expect(await untilDatabaseSilent(() => after(10), bound(true, 0)).catch((e: AppError) => e.headers)).not.toHaveProperty("x-should-retry");
    // Known already, without asking the database.
    expect(b.asked).toEqual([false]);
  });

  it("a read is run even when the database is known silent (it may need nothing from it), and errors pass as they are", async () => {
    expect((await untilDatabaseSilent(() => after(10), bound(false, 0))).status).toBe(200);
    await expect(untilDatabaseSilent(() => Promise.reject(new AppError("not_found_error", "gone")), bound(false, 0))).rejects.toMatchObject({ status: 404 });
  });
});
