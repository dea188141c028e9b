import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import {
  GATEWAY_KEY_STORAGE_KEY,
  maskGatewayKey,
  normalizeGatewayKey,
  readGatewayKey,
  subscribeGatewayKey,
  writeGatewayKey,
} from "./gateway-key";

class MemoryStorage {
  private m = new Map<string, string>();
  getItem(k: string) { return this.m.get(k) ?? null; }
  setItem(k: string, v: string) { this.m.set(k, v); }
  removeItem(k: string) { this.m.delete(k); }
}

describe("gateway key storage", () => {
  beforeEach(() => {
    // The unit project runs in node: give it the two browser globals the store uses.
    const target = new EventTarget();
    vi.stubGlobal("window", Object.assign(target, { localStorage: new MemoryStorage() }));
  });
  afterEach(() => vi.unstubAllGlobals());

  it("reads nothing before a key is saved", () => {
    expect(readGatewayKey()).toBeNull();
  });

  it("saves a trimmed key and forgets it", () => {
    writeGatewayKey("  tg_abc123\n");
    expect(readGatewayKey()).toBe("tg_abc123");
    expect((window as unknown as { localStorage: MemoryStorage }).localStorage.getItem(GATEWAY_KEY_STORAGE_KEY)).toBe("tg_abc123");
    writeGatewayKey(null);
    expect(readGatewayKey()).toBeNull();
  });

  it("tells subscribers in this tab", () => {
    const onChange = vi.fn();
    const unsubscribe = subscribeGatewayKey(onChange);
    writeGatewayKey("tg_one");
    expect(onChange).toHaveBeenCalledTimes(1);
    unsubscribe();
    writeGatewayKey("tg_two");
    expect(onChange).toHaveBeenCalledTimes(1);
  });

  it("reads null on the server", () => {
    vi.unstubAllGlobals();
    expect(readGatewayKey()).toBeNull();
  });
});

describe("normalizeGatewayKey", () => {
  it("drops whitespace and surrounding quotes a terminal copy can add", () => {
    expect(normalizeGatewayKey(' "tg_live_123" ')).toBe("tg_live_123");
    expect(normalizeGatewayKey("tg_live_123\r\n")).toBe("tg_live_123");
  });
});

describe("maskGatewayKey", () => {
  it("keeps the ends of a long key and hides the middle", () => {
    const key = "tg_live_0123456789abcdefXYZW";
    const masked = maskGatewayKey(key);
    expect(masked.startsWith("tg_liv")).toBe(true);
    expect(masked.endsWith("XYZW")).toBe(true);
    expect(masked).not.toContain("0123456789");
  });

  it("hides a short key completely", () => {
    expect(maskGatewayKey("secret")).toBe("••••••••");
    expect(maskGatewayKey("0123456789abcde")).not.toMatch(/[0-9a-e]/);
  });
});
