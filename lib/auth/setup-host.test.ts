import { describe, expect, it } from "vitest";
import { hostName, setupHostAllowed } from "./setup-host";

describe("setupHostAllowed: a first-run setup never comes through a name another site can point at this server", () => {
  it("takes an IP address or localhost, with or without a port", () => {
    for (const host of ["127.0.0.1:3000", "127.0.0.1", "[::1]:3000", "10.0.0.7:8080", "localhost:3000", "LocalHost", "app.localhost:3000"]) {
      expect(setupHostAllowed(host, {}), host).toBe(true);
    }
  });

  it("refuses any other name (what a DNS-rebinding page sends), and no Host at all", () => {
    for (const host of ["rebind.attacker.example:3000", "127.0.0.1.nip.io:3000", "localhost.attacker.example", "thinkgate.example.com", "", undefined, "a b"]) {
      expect(setupHostAllowed(host, {}), String(host)).toBe(false);
    }
  });

  it("takes the names THINKGATE_SETUP_HOSTS lists", () => {
    const env = { THINKGATE_SETUP_HOSTS: " Thinkgate.example.com , gw.internal" };
    expect(setupHostAllowed("thinkgate.example.com", env)).toBe(true);
    expect(setupHostAllowed("gw.internal:3000", env)).toBe(true);
    expect(setupHostAllowed("rebind.attacker.example", env)).toBe(false);
  });

  it("reads the host name out of a Host header", () => {
    expect(hostName("[::1]:3000")).toBe("::1");
    expect(hostName("Example.COM:80")).toBe("example.com");
  });
});
