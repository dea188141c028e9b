/**
 * The simulator's latency model. "zero" (tests, benchmarks) never waits;
 * "realistic" (the default) waits a deterministic time to first token, then
 * streams at a token rate, faster for thinking than for text.
 */

export type LatencyMode = "zero" | "realistic";

export interface LatencyProfile {
  /** Time to first token. */
  ttftMs: number;
  textTokensPerSec: number;
  thinkingTokensPerSec: number;
}

let override: LatencyMode | undefined;

/** The current mode: the test override if set, else env THINKGATE_SIM_LATENCY ("zero" | "realistic"). */
export function simulatorLatencyMode(): LatencyMode {
  return override ?? (process.env.THINKGATE_SIM_LATENCY === "zero" ? "zero" : "realistic");
}

/** Forces a mode (tests); undefined goes back to the env setting. */
export function setSimulatorLatencyMode(mode: LatencyMode | undefined): void {
  override = mode;
}

/** The profile for a request, or null when nothing should wait. TTFT spreads over 300–800 ms by seed. */
export function latencyProfile(seed: number): LatencyProfile | null {
  if (simulatorLatencyMode() === "zero") return null;
  return { ttftMs: 300 + (seed % 501), textTokensPerSec: 80, thinkingTokensPerSec: 250 };
}

/** Waits ms, or less if the signal aborts; clears its timer either way. Resolves false when aborted. */
export function sleep(ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(false);
  if (ms <= 0) return Promise.resolve(true);
  return new Promise((resolve) => {
    const onAbort = () => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve(true);
    }, ms);
    signal.addEventListener("abort", onAbort, { once: true });
  });
}

/** Never settles until the signal aborts, then rejects; holds no timer, so nothing leaks. */
export function waitForAbort(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) => {
    const fail = () => reject(signal.reason ?? new Error("aborted"));
    if (signal.aborted) fail();
    else signal.addEventListener("abort", fail, { once: true });
  });
}
