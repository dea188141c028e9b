/**
 * Shutdown ends even when the database holds one of the gateway's
 * connections: a pins batch waits on a lock another session holds when
 * SIGTERM arrives. The records are flushed (bounded) or stay in the spool;
 * closing the connections must be bounded too, or the process never exits
 * (seen once in a full run on PostgreSQL: a connection "idle in transaction"
 * held the pool's close, and the process, for good). PostgreSQL only: SQLite
 * has no second session to hold a lock from.
 */
import Anthropic from "@anthropic-ai/sdk";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { startServer, testDbKind, type TestServer } from "../support/server";

const onPostgres = testDbKind() === "postgresql";
let server: TestServer | undefined;
let locker: pg.Client | undefined;

afterAll(async () => {
  await locker?.query("ROLLBACK").catch(() => {});
  await locker?.end().catch(() => {});
  await server?.stop("SIGKILL");
});

describe(`shutdown (${onPostgres ? "PostgreSQL" : "skipped on SQLite"})`, () => {
  it.skipIf(!onPostgres)("exits on SIGTERM within its bounds while a pins write waits on a lock", async () => {
    server = await startServer({ env: { THINKGATE_DRAIN_MS: "1000", THINKGATE_SHUTDOWN_FLUSH_MS: "2000", THINKGATE_SHUTDOWN_CLOSE_MS: "2000" } });
    locker = new pg.Client({ connectionString: server.databaseUrl });
    await locker.connect();
    await locker.query("BEGIN");
    await locker.query('LOCK TABLE "ConversationPin" IN ACCESS EXCLUSIVE MODE');

    // A reasoning answer with thinking is pinned: its batch now waits on the lock.
    const client = new Anthropic({ baseURL: server.baseURL, apiKey: server.adminKey, maxRetries: 0 });
    await client.messages.create(
      { model: "claude-sonnet-4-6", max_tokens: 256, messages: [{ role: "user", content: "Prove that there are infinitely many primes." }] },
      { headers: { "thinkgate-tier": "reasoning" } },
    );
    const waiting = async () =>
      (await locker!.query("select count(*)::int as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'")).rows[0].n as number;
    const t0 = Date.now();
    while ((await waiting()) === 0 && Date.now() - t0 < 5_000) await new Promise((r) => setTimeout(r, 50));
    expect(await waiting()).toBeGreaterThan(0);

    const exited = new Promise<number | null>((r) => server!.proc.once("exit", (code) => r(code)));
    const start = Date.now();
    server.proc.kill("SIGTERM");
    const code = await Promise.race([exited, new Promise<"hung">((r) => setTimeout(() => r("hung"), 20_000))]);
    const ms = Date.now() - start;
    console.log(`shutdown with a connection held by a lock: ${code === "hung" ? "still running" : `exited in ${ms} ms`}`);
    expect(code).not.toBe("hung");
    expect(server.output()).toMatch(/closing the database connections took longer than/);
  });
});
