import { describe, expect, it } from "vitest";
import { digestsEqual, displayPrefix, generateSecret, hashKey, presentedKey } from "./keys";

describe("gateway keys", () => {
  it("compares digests, never secrets, and only 32-byte digests", () => {
    const secret = generateSecret();
    expect(secret).toMatch(/^tg_[A-Za-z0-9_-]{32}$/);
    expect(digestsEqual(hashKey(secret), hashKey(secret))).toBe(true);
    // A near miss of the secret is a wholly different digest.
    expect(digestsEqual(hashKey(secret), hashKey(secret.slice(0, -1) + (secret.endsWith("A") ? "B" : "A")))).toBe(false);
    expect(digestsEqual(hashKey(secret), hashKey(secret).slice(0, 62))).toBe(false);
    expect(digestsEqual("", "")).toBe(false);
    expect(digestsEqual("zz".repeat(32), "zz".repeat(32))).toBe(false);
  });

  it("shows at most a third of a secret, and 10 characters of a generated one", () => {
    expect(displayPrefix("tg_abcdefghijklmnopqrstuvwxyz012345")).toBe("tg_abcdefg");
    expect(displayPrefix("abcdefghijklmnopqrstu")).toBe("abcdefg");
    expect(displayPrefix("short")).toBe("s");
  });

  it("reads the key from x-api-key or a Bearer token", () => {
    expect(presentedKey({ "x-api-key": " k1 " })).toBe("k1");
    expect(presentedKey({ authorization: "Bearer k2" })).toBe("k2");
    expect(presentedKey({ authorization: "bearer k3" })).toBe("k3");
    expect(presentedKey({ authorization: "Basic abc" })).toBeUndefined();
    expect(presentedKey({ authorization: "Bearer " })).toBeUndefined();
  });
});
