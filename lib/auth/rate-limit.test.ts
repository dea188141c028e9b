import { describe, expect, it } from "vitest";
import { LoginLimiter } from "./rate-limit";

function limiter() {
  let now = 1_000_000;
  const l = new LoginLimiter({ free: 3, baseLockMs: 1_000, maxLockMs: 8_000, forgetAfterMs: 60_000 }, () => now);
  return { l, advance: (ms: number) => (now += ms) };
}

describe("login limiter", () => {
  it("allows the free failures, then locks for twice as long each time, up to the cap", () => {
    const { l, advance } = limiter();
    for (let i = 0; i < 3; i++) l.fail("ann@x.io");
    expect(l.retryAfterMs("ann@x.io")).toBe(0);
    l.fail("ann@x.io");
    expect(l.retryAfterMs("ann@x.io")).toBe(1_000);
    advance(1_000);
    expect(l.retryAfterMs("ann@x.io")).toBe(0);
    l.fail("ann@x.io");
    expect(l.retryAfterMs("ann@x.io")).toBe(2_000);
    for (let i = 0; i < 5; i++) l.fail("ann@x.io");
    expect(l.retryAfterMs("ann@x.io")).toBe(8_000);
  });

  it("keeps keys apart, resets on success and forgets after a quiet window", () => {
    const { l, advance } = limiter();
    for (let i = 0; i < 4; i++) l.fail("a");
    expect(l.retryAfterMs("b")).toBe(0);
    l.reset("a");
    expect(l.retryAfterMs("a")).toBe(0);
    for (let i = 0; i < 4; i++) l.fail("a");
    advance(61_000);
    expect(l.retryAfterMs("a")).toBe(0);
    l.fail("a");
    expect(l.retryAfterMs("a")).toBe(0); // counting starts over
  });

  it("forgives one failure counted for an attempt that turned out right, lifting the lock it set", () => {
    const { l } = limiter();
    for (let i = 0; i < 4; i++) l.fail("ip");
    expect(l.retryAfterMs("ip")).toBe(1_000);
    l.forgive("ip");
    expect(l.retryAfterMs("ip")).toBe(0);
    l.forgive("unknown"); // nothing counted: nothing to forgive
    expect(l.retryAfterMs("unknown")).toBe(0);
  });
});
