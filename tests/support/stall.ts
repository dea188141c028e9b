/** Measuring an event-loop stall the way a client feels it: the worst /api/health latency while work is in flight. */
import { once } from "node:events";
import { Worker } from "node:worker_threads";
import type { TestServer } from "./server";

/** The acceptance bound: a stall a person does not notice and a balancer's health check does not fail on. */
export const MAX_STALL_MS = 100;

/**
 * The client that polls, on a thread of its own: /api/health back to back
 * (after a few polls that set its connection up) until told to stop, then the
 * worst latency, when that poll started (µs on the monotonic clock) and how
 * many polls there were. On the test's own thread the polls waited behind the
 * test's side of the hostile request (writing a 16 MB body, reading 100 MB of
 * batch results, collecting the garbage of building them), and that wait was
 * counted as the gateway's stall.
 */
const POLLER = `
const { parentPort, workerData } = require("node:worker_threads");
let stop = false;
parentPort.once("message", () => (stop = true));
(async () => {
  for (let i = 0; i < 5; i++) await (await fetch(workerData.url)).arrayBuffer();
  parentPort.postMessage({ ready: true });
  let worstMs = 0;
  let worstAt = 0n;
  let polls = 0;
  while (!stop) {
    const at = process.hrtime.bigint();
    const t = performance.now();
    await (await fetch(workerData.url)).arrayBuffer();
    const ms = performance.now() - t;
    if (ms > worstMs) [worstMs, worstAt] = [ms, at];
    polls++;
    await new Promise((r) => setTimeout(r, 2));
  }
  parentPort.postMessage({ worstMs, worstAtUs: String(worstAt / 1000n), polls });
})();
`;

/** Worst /api/health latency while `work` runs (polled back to back by another thread), and how many polls that was. */
export async function stallDuring(server: TestServer, work: () => Promise<unknown>): Promise<{ worstMs: number; polls: number }> {
  const poller = new Worker(POLLER, { eval: true, workerData: { url: `${server.url}/api/health` } });
  try {
    await once(poller, "message");
    const measured = once(poller, "message");
    await work();
    poller.postMessage("stop");
    const [{ worstMs, worstAtUs, polls }] = (await measured) as [{ worstMs: number; worstAtUs: string; polls: number }];
    // Where to look in a profile of the server (THINKGATE_TEST_SERVER_ARGS="--cpu-prof ..."): its
    // samples are on the same monotonic clock, in µs. What the server ran then is what held the poll.
    console.log(`the worst /api/health poll (${worstMs.toFixed(1)} ms) started at ${worstAtUs} µs on the monotonic clock`);
    return { worstMs, polls };
  } finally {
    await poller.terminate();
  }
}
