import { describe, expect, it } from "vitest";
import { clientAddress, trustedProxyHops } from "./client-address";

const req = (xff: string | undefined, remoteAddress = "10.0.0.5") => ({ headers: xff === undefined ? {} : { "x-forwarded-for": xff }, remoteAddress });

describe("the address sign-in throttling counts by", () => {
  it("is the peer when no proxy is trusted, whatever x-forwarded-for says", () => {
    expect(clientAddress(req("198.51.100.1"), 0)).toBe("10.0.0.5");
    expect(trustedProxyHops(undefined)).toBe(0);
    expect(trustedProxyHops("false")).toBe(0);
    expect(trustedProxyHops("-1")).toBe(0);
  });

  it("behind one proxy, is the entry that proxy appended, not one the client wrote before it", () => {
    expect(trustedProxyHops("true")).toBe(1);
    expect(clientAddress(req("198.51.100.77, 203.0.113.7"), 1)).toBe("203.0.113.7");
  });

  it("behind a CDN and a balancer (2), is the entry the CDN appended: the balancer's own entry is the CDN's address", () => {
    expect(trustedProxyHops("2")).toBe(2);
    expect(clientAddress(req("198.51.100.77, 203.0.113.7, 192.0.2.10"), 2)).toBe("203.0.113.7");
  });

  it("falls back to the peer when the header is missing", () => {
    expect(clientAddress(req(undefined), 1)).toBe("10.0.0.5");
  });
});
