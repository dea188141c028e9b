/**
 * A daily budget survives a restart without Redis. The in-memory limiter holds
 * the day's spend; a new process loads what earlier runs counted today from
 * the records (those still in the spool first), so a key that spent its
 * budget is refused after a restart as before it, whether the process was
 * stopped (SIGTERM: its records flushed to the database) or killed (SIGKILL,
 * with the recorder holding every record in the spool: none in the database
 * yet). Same database and spool, the official SDK, the simulator.
 */
import Anthropic from "@anthropic-ai/sdk";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { recordCounts } from "../support/db";
import { adminApi as api, askAsApp as ask, refusal } from "../support/budgets";
import { freshDatabase, startServer, testDbKind, type TestServer } from "../support/server";

const kind = testDbKind();
const cleanups: (() => Promise<void> | void)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

const what = (e: InstanceType<typeof Anthropic.APIError>) => ({
  status: e.status,
  type: (e.error as { error?: { type?: string } }).error?.type,
  message: (e.error as { error?: { message?: string } }).error?.message,
  limit: e.headers?.get("thinkgate-limit"),
  shouldRetry: e.headers?.get("x-should-retry"),
});

describe(`a daily budget across a restart without Redis (${kind}, simulator)`, () => {
  for (const signal of ["SIGTERM", "SIGKILL"] as const) {
    it(`a key and an app that spent their budget are refused after a ${signal} and a start on the same database and spool`, async () => {
      const db = await freshDatabase(kind);
      cleanups.push(db.drop);
      const spoolDir = fs.mkdtempSync(path.join(os.tmpdir(), "thinkgate-budget-restart-"));
      cleanups.push(() => fs.rmSync(spoolDir, { recursive: true, force: true }));

      // Killed: no batch is written before the kill (a batch waits 10 minutes or 200 records), so the records are in the spool only.
      const first = await startServer({ databaseUrl: db.url, spoolDir, env: signal === "SIGKILL" ? { THINKGATE_RECORDER_INTERVAL_MS: "600000" } : {} });
      cleanups.push(() => first.stop());
      const created = await api(first, "POST", "/api/keys", { name: "daily", role: "gateway", limits: { usdPerDay: 0.01 } });
      expect(created.status).toBe(201);
      const key = created.body.secret as string;
      const other = (await api(first, "POST", "/api/keys", { name: "other", role: "gateway" })).body.secret as string;
      // The app's budget is the same as the key's: whichever the key's requests spend, the app spent too.
      expect((await api(first, "PUT", "/api/apps/reports", { tier: "auto", limits: { usdPerDay: 0.01 } })).status).toBe(200);

      // Spend up to the cap: served until the next request's estimate no longer fits.
      let served = 0;
      let before: InstanceType<typeof Anthropic.APIError> | null = null;
      while (!before && served < 200) {
        before = await refusal(ask(first, key, "Reports"));
        if (!before) served++;
      }
      expect(served).toBeGreaterThan(1);
      expect(before).not.toBeNull();
      expect(what(before!)).toMatchObject({ status: 429, type: "rate_limit_error", limit: "rejected; scope=key; limit=usd_per_day", shouldRetry: "false" });
      expect(what(before!).message).toContain('key "daily" reached its daily budget of $0.01');
      // The app is spent as well: another key's request for it is refused on the app's budget.
      const appBefore = await refusal(ask(first, other, "reports"));
      expect(appBefore && what(appBefore)).toMatchObject({ status: 429, limit: "rejected; scope=app; limit=usd_per_day" });

      if (signal === "SIGKILL") expect(await recordCounts(first)).toEqual({});
      await first.stop(signal);
      // The admin key the first start created is in the database.
      const second = { ...(await startServer({ databaseUrl: db.url, spoolDir })), adminKey: first.adminKey };
      cleanups.push(() => second.stop());

      const after = await refusal(ask(second, key, "Reports"));
      expect(after, "the key's next request was served after the restart").not.toBeNull();
      expect(what(after!)).toEqual(what(before!));
      const appAfter = await refusal(ask(second, other, "reports"));
      expect(appAfter && what(appAfter), "the app's next request was served after the restart").toEqual(appBefore && what(appBefore));
      // A key without a budget is served as before.
      const free = await api(second, "POST", "/api/keys", { name: "free", role: "gateway" });
      const { data } = await ask(second, free.body.secret as string, "elsewhere");
      expect(data.type).toBe("message");
    });
  }
});
