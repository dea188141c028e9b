import { describe, expect, it } from "vitest";
import { CircuitBreaker } from "./breaker";

function clock() {
  let t = 1_000;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

describe("circuit breaker", () => {
  it("opens after N consecutive failures, per model", () => {
    const c = clock();
    const b = new CircuitBreaker({ failures: 3, cooldownMs: 1_000, now: c.now });
    b.failure("a");
    b.failure("a");
    b.success("a");
    b.failure("a");
    b.failure("a");
    expect(b.allow("a")).toBe(true);
    b.failure("a");
    expect(b.state("a")).toBe("open");
    expect(b.allow("a")).toBe(false);
    expect(b.allow("b")).toBe(true);
    expect(b.retryInMs("a")).toBe(1_000);
  });

  it("lets one probe through after the cool-down; its success closes the circuit", () => {
    const c = clock();
    const b = new CircuitBreaker({ failures: 1, cooldownMs: 1_000, now: c.now });
    b.failure("a");
    c.advance(999);
    expect(b.allow("a")).toBe(false);
    c.advance(1);
    expect(b.state("a")).toBe("half_open");
    expect(b.allow("a")).toBe(true);
    expect(b.allow("a")).toBe(false); // one probe at a time
    b.success("a");
    expect(b.state("a")).toBe("closed");
    expect(b.allow("a")).toBe(true);
  });

  it("re-opens for another cool-down when the probe fails", () => {
    const c = clock();
    const b = new CircuitBreaker({ failures: 5, cooldownMs: 1_000, now: c.now });
    for (let i = 0; i < 5; i++) b.failure("a");
    c.advance(1_000);
    expect(b.allow("a")).toBe(true);
    b.failure("a");
    expect(b.state("a")).toBe("open");
    expect(b.allow("a")).toBe(false);
    c.advance(1_000);
    expect(b.allow("a")).toBe(true);
  });

  it("lets another probe out when one ended without a verdict", () => {
    const c = clock();
    const b = new CircuitBreaker({ failures: 1, cooldownMs: 1_000, now: c.now });
    b.failure("a");
    c.advance(1_000);
    expect(b.allow("a")).toBe(true);
    b.release("a");
    expect(b.allow("a")).toBe(true);
    // A probe that never reports back blocks others for one cool-down only.
    c.advance(1_000);
    expect(b.allow("a")).toBe(true);
  });
});
