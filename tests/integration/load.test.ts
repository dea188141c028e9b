/**
 * Sustained load with recording on: concurrency 50 against thinkgate in front
 * of the standalone simulator (instant answers), for 10 seconds here
 * (THINKGATE_LOAD_SECONDS=60 for the full run; `npm run bench -- --only load`
 * is the same on a fresh SQLite database, with its figures in the report).
 *
 * Zero network errors, zero non-2xx answers, zero lost records (rows in the
 * database = answers, once the recorder has drained), and memory that does
 * not keep growing: RSS at the start, at two thirds and at the end of the run
 * are printed, and the last third may not grow by more than a bounded amount.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runLoad, type LoadTarget } from "../../bench/load";
import { rssMiB } from "../../bench/procs";
import { recordCounts } from "../support/db";
import { eventually, startServer, type TestServer } from "../support/server";
import { startSimulator, type Simulator } from "../support/simulator";

const SECONDS = Number(process.env.THINKGATE_LOAD_SECONDS ?? 10);
const CONCURRENCY = 50;

let sim: Simulator;
let server: TestServer;

beforeAll(async () => {
  sim = await startSimulator();
  // The deployment's recorder cadence, not the tests' 10 ms: the batching under load is what is tested.
  server = await startServer({ env: { ANTHROPIC_BASE_URL: sim.baseURL, THINKGATE_RECORDER_INTERVAL_MS: "100" } });
}, 120_000);

afterAll(async () => {
  await server?.stop();
  await sim?.stop();
});

describe(`load (${process.env.THINKGATE_TEST_DB ?? "sqlite"})`, () => {
  it(`serves concurrency ${CONCURRENCY} for ${SECONDS} s with zero errors, zero lost records and stable memory`, async () => {
    const target: LoadTarget = {
      url: `${server.url}/api/v1/messages`,
      headers: { "content-type": "application/json", "x-api-key": server.adminKey, "anthropic-version": "2026-10-21", "thinkgate-task": "summarize" },
      body: Buffer.from(JSON.stringify({ model: "claude-sonnet-4-6", max_tokens: 256, messages: [{ role: "user", content: "Summarize: the meeting moved to Tuesday." }] })),
    };
    const pid = server.proc.pid!;
    // Warm-up, so the start figure is the process at work rather than at rest.
    const warm = await runLoad(target, { concurrency: CONCURRENCY, warmup: 0, requests: 500 });
    const rssStart = rssMiB(pid);
    let rssPeak = rssStart;
    let rssLate = rssStart;
    const t0 = Date.now();
    const sampler = setInterval(() => {
      const r = rssMiB(pid);
      rssPeak = Math.max(rssPeak, r);
      if (Date.now() - t0 <= (SECONDS * 2000) / 3) rssLate = r;
    }, 1_000);
    const run = await runLoad(target, { concurrency: CONCURRENCY, warmup: 0, durationMs: SECONDS * 1000 }).finally(() => clearInterval(sampler));
    const rssEnd = rssMiB(pid);
    rssPeak = Math.max(rssPeak, rssEnd);

    const answered = warm.ok + warm.non2xx + run.ok + run.non2xx;
    // Every answer is recorded once the recorder drains (it writes in batches, off the response path).
    const counts = await eventually(async () => {
      const c = await recordCounts(server);
      const total = Object.values(c).reduce((a, b) => a + b, 0);
      return total >= answered ? c : undefined;
    }, 60_000).catch(() => recordCounts(server));
    const records = Object.values(counts).reduce((a, b) => a + b, 0);

    process.stdout.write(
      `load: c${CONCURRENCY} ${SECONDS} s (${server.db}): ${run.count} requests, ${run.rps.toFixed(0)} req/s, errors ${warm.errors + run.errors}, non-2xx ${warm.non2xx + run.non2xx}, ` +
        `records ${records} of ${answered} answers (lost ${answered - records}), RSS start ${rssStart.toFixed(0)} MiB, at two thirds ${rssLate.toFixed(0)}, end ${rssEnd.toFixed(0)}, peak ${rssPeak.toFixed(0)}\n`,
    );
    expect([...warm.errorSamples, ...run.errorSamples]).toEqual([]);
    expect(warm.errors + run.errors).toBe(0);
    expect({ ...warm.statuses, ...run.statuses }).toEqual({});
    expect(run.count).toBeGreaterThan(CONCURRENCY * SECONDS);
    expect(records).toBe(answered);
    expect(counts.ok).toBe(answered);
    // Stable: V8 sizes its heap to the allocation rate in the first tens of seconds, then RSS levels off;
    // the last third of the run may add little (a leak grows it all the way to the end).
    expect(rssEnd - rssLate).toBeLessThan(Math.max(64, rssStart * 0.25));
    expect(server.proc.exitCode).toBeNull();
  }, 120_000 + SECONDS * 2_000);
});
