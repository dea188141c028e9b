import { describe, expect, it } from "vitest";
import { CircuitBreaker, readBreakerOptions, type BreakerOptions } from "./breaker";

function clock() {
  let t = 1_000_000;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

const options = (c: ReturnType<typeof clock>, o: Partial<BreakerOptions> = {}) =>
  new CircuitBreaker({ windowMs: 60_000, minCalls: 20, failureRate: 0.5, cooldownMs: 1_000, halfOpenProbes: 3, now: c.now, ...o });

const times = (n: number, f: () => void) => {
  for (let i = 0; i < n; i++) f();
};

/** Opens `key`'s circuit with 20 failures in a row and waits out the cool-down. */
function openThenCool(b: CircuitBreaker, c: ReturnType<typeof clock>, key = "a") {
  times(20, () => b.failure(key));
  expect(b.state(key)).toBe("open");
  c.advance(1_000);
  expect(b.state(key)).toBe("half_open");
}

describe("circuit breaker", () => {
  it("stays closed for two failures among twenty successes, and for failures in a row below the minimum of calls", () => {
    const c = clock();
    const b = options(c);
    times(10, () => b.success("a"));
    b.failure("a");
    times(10, () => b.success("a"));
    b.failure("a");
    expect(b.state("a")).toBe("closed");
    expect(b.allow("a")).not.toBeNull();

    // The reported case: an upstream 500 after its retries (three failed calls), then more of the same.
    times(19, () => b.failure("b"));
    expect(b.state("b")).toBe("closed");
    expect(b.allow("b")).not.toBeNull();
  });

  it("opens at a sustained failure rate once the minimum of calls is reached, per model", () => {
    const c = clock();
    const b = options(c);
    for (let i = 0; i < 9; i++) {
      b.success("a");
      b.failure("a");
      c.advance(1_000);
    }
    b.success("a");
    expect(b.state("a")).toBe("closed"); // 9 of 19
    b.failure("a"); // 10 of 20: the threshold
    expect(b.state("a")).toBe("open");
    expect(b.allow("a")).toBeNull();
    expect(b.retryInMs("a")).toBe(1_000);
    expect(b.allow("other")).not.toBeNull();
    expect(b.state("other")).toBe("closed");
  });

  it("stays closed below the threshold rate however many calls", () => {
    const c = clock();
    const b = options(c);
    for (let i = 0; i < 100; i++) {
      b.success("a");
      b.success("a");
      b.failure("a");
    }
    expect(b.state("a")).toBe("closed");
  });

  it("forgets failures that slid out of the window", () => {
    const c = clock();
    const b = options(c);
    times(19, () => b.failure("a"));
    c.advance(61_000);
    // Twenty calls in the window now, one failed.
    times(19, () => b.success("a"));
    b.failure("a");
    expect(b.state("a")).toBe("closed");
    // Half a window later those twenty calls still count: nineteen more failures make it 20 of 39.
    c.advance(30_000);
    times(19, () => b.failure("a"));
    expect(b.state("a")).toBe("open");
  });

  it("does not count calls without a verdict: allowing and releasing changes nothing", () => {
    const c = clock();
    const b = options(c);
    times(100, () => b.release("a", b.allow("a")!));
    times(19, () => b.failure("a"));
    expect(b.state("a")).toBe("closed");
  });

  it("lets at most K probes through while half-open; K successes close it on a clean window", () => {
    const c = clock();
    const b = options(c);
    openThenCool(b, c);
    const probes = [b.allow("a"), b.allow("a"), b.allow("a")];
    expect(probes.every((p) => p?.probe)).toBe(true);
    expect(b.allow("a")).toBeNull();
    b.success("a");
    b.release("a", probes[0]!);
    expect(b.state("a")).toBe("half_open");
    // The slot it gave back takes another probe, and no more.
    const fourth = b.allow("a");
    expect(fourth?.probe).toBe(true);
    expect(b.allow("a")).toBeNull();
    b.success("a");
    b.success("a");
    expect(b.state("a")).toBe("closed");
    expect(b.allow("a")).toMatchObject({ probe: false });
    // The failures that opened it are gone: it takes a full minimum of calls again.
    times(19, () => b.failure("a"));
    expect(b.state("a")).toBe("closed");
    b.failure("a");
    expect(b.state("a")).toBe("open");
  });

  it("reopens for another cool-down when a probe fails", () => {
    const c = clock();
    const b = options(c);
    openThenCool(b, c);
    const first = b.allow("a")!;
    const second = b.allow("a")!;
    b.success("a");
    b.failure("a");
    expect(b.state("a")).toBe("open");
    expect(b.allow("a")).toBeNull();
    expect(b.mayRetry("a", second)).toBe(false);
    c.advance(999);
    expect(b.allow("a")).toBeNull();
    c.advance(1);
    // Slots of the earlier half-open period are not the new one's: three fresh probes, whatever the old ones do.
    b.release("a", first);
    b.release("a", second);
    expect([b.allow("a"), b.allow("a"), b.allow("a")].every((p) => p?.probe)).toBe(true);
    expect(b.allow("a")).toBeNull();
  });

  it("lets a probe whose client left give its slot back", () => {
    const c = clock();
    const b = options(c, { halfOpenProbes: 1 });
    openThenCool(b, c);
    const probe = b.allow("a")!;
    expect(b.allow("a")).toBeNull();
    b.release("a", probe);
    expect(b.allow("a")?.probe).toBe(true);
  });

  it("lets a call retry while closed, a probe while it probes, nothing while open", () => {
    const c = clock();
    const b = options(c);
    const call = b.allow("a")!;
    expect(b.mayRetry("a", call)).toBe(true);
    times(20, () => b.failure("a"));
    expect(b.mayRetry("a", call)).toBe(false);
    c.advance(1_000);
    const probe = b.allow("a")!;
    expect(b.mayRetry("a", probe)).toBe(true);
    expect(b.mayRetry("a", call)).toBe(false);
  });

  it("reads its settings from the environment, with defaults; the old consecutive-failure setting is not one of them", () => {
    expect(readBreakerOptions({})).toEqual({ windowMs: 60_000, minCalls: 20, failureRate: 0.5, cooldownMs: 30_000, halfOpenProbes: 3 });
    expect(
      readBreakerOptions({
        THINKGATE_BREAKER_WINDOW_MS: "10000",
        THINKGATE_BREAKER_MIN_CALLS: "5",
        THINKGATE_BREAKER_FAILURE_RATE: "0.25",
        THINKGATE_BREAKER_COOLDOWN_MS: "0",
        THINKGATE_BREAKER_HALF_OPEN_PROBES: "1",
        THINKGATE_BREAKER_FAILURES: "1",
      }),
    ).toEqual({ windowMs: 10_000, minCalls: 5, failureRate: 0.25, cooldownMs: 0, halfOpenProbes: 1 });
    expect(readBreakerOptions({ THINKGATE_BREAKER_FAILURE_RATE: "0", THINKGATE_BREAKER_MIN_CALLS: "-3", THINKGATE_BREAKER_HALF_OPEN_PROBES: "x" })).toMatchObject({
      failureRate: 0.5,
      minCalls: 20,
      halfOpenProbes: 3,
    });
  });
});
