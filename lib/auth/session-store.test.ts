import { describe, expect, it } from "vitest";
import { cacheMs, hashSessionId, newSessionId } from "./session-store";

describe("the session store's pure parts", () => {
  it("stores a session id only as its SHA-256: different ids, different hashes, none revealing the id", () => {
    const a = newSessionId();
    const b = newSessionId();
    expect(a).not.toBe(b);
    expect(a.length).toBeGreaterThanOrEqual(43);
    expect(hashSessionId(a)).toMatch(/^[0-9a-f]{64}$/);
    expect(hashSessionId(a)).toBe(hashSessionId(a));
    expect(hashSessionId(a)).not.toBe(hashSessionId(b));
    expect(hashSessionId(a)).not.toContain(a);
  });

  it("caches a session check for 5 s unless told otherwise; 0 means no cache, never a cache without expiry", () => {
    expect(cacheMs(undefined)).toBe(5_000);
    expect(cacheMs("2000")).toBe(2_000);
    expect(cacheMs("0")).toBe(0);
    expect(cacheMs("-1")).toBe(5_000);
    expect(cacheMs("soon")).toBe(5_000);
  });
});
