/** Measuring an event-loop stall the way a client feels it: the worst /api/health latency while work is in flight. */
import v8 from "node:v8";
import vm from "node:vm";
import type { TestServer } from "./server";

/** The acceptance bound: a stall a person does not notice and a balancer's health check does not fail on. */
export const MAX_STALL_MS = 100;

/**
 * A full garbage collection of the test process. A test that builds a 16 MB
 * request leaves tens of megabytes of garbage behind (the prompt, its JSON);
 * collected while the clock runs, that pause would be counted as the
 * gateway's stall.
 */
const collectGarbage: () => void = (() => {
  v8.setFlagsFromString("--expose-gc");
  return vm.runInNewContext("gc") as () => void;
})();

/** Worst /api/health latency while `work` runs (polled back to back), and how many polls that was. */
export async function stallDuring(server: TestServer, work: () => Promise<unknown>): Promise<{ worstMs: number; polls: number }> {
  collectGarbage();
  // A few polls first, so the first one's connection set-up is not counted as the gateway's stall.
  for (let i = 0; i < 5; i++) await (await fetch(`${server.url}/api/health`)).arrayBuffer();
  let done = false;
  const finished = work().finally(() => (done = true));
  let worstMs = 0;
  let worstAt = 0n;
  let polls = 0;
  while (!done) {
    const at = process.hrtime.bigint();
    const t = performance.now();
    const res = await fetch(`${server.url}/api/health`);
    await res.arrayBuffer();
    const ms = performance.now() - t;
    if (ms > worstMs) [worstMs, worstAt] = [ms, at];
    polls++;
    await new Promise((r) => setTimeout(r, 2));
  }
  await finished;
  // Where to look in a profile of the server (THINKGATE_TEST_SERVER_ARGS="--cpu-prof ..."): its
  // samples are on the same monotonic clock, in µs. What the server ran then is what held the poll.
  console.log(`the worst /api/health poll (${worstMs.toFixed(1)} ms) started at ${worstAt / 1000n} µs on the monotonic clock`);
  return { worstMs, polls };
}
