import { beforeAll, describe, expect, it } from "vitest";
import { clearedSessionCookies, csrfMatches, newCsrfToken, parseCookies, sealSession, sessionCookies, unsealSession } from "./session";

beforeAll(() => {
  process.env.THINKGATE_SESSION_SECRET = "a-test-secret-that-is-long-enough-0123456789";
});

describe("sessions", () => {
  it("seals and unseals a session; a tampered or foreign cookie reads as no session", async () => {
    const data = { uid: "u1", role: "editor" as const, csrf: newCsrfToken(), iat: 1 };
    const seal = await sealSession(data);
    expect(seal).not.toContain("u1");
    expect(await unsealSession(seal)).toEqual(data);
    expect(await unsealSession(seal.slice(0, -3) + "abc")).toBeNull();
    expect(await unsealSession("not a seal")).toBeNull();
    expect(await unsealSession(undefined)).toBeNull();
  });

  it("parses a Cookie header", () => {
    expect(parseCookies("a=1; thinkgate_session=Fe26.2*x*y; b=%7B%7D")).toEqual({ a: "1", thinkgate_session: "Fe26.2*x*y", b: "{}" });
    expect(parseCookies(undefined)).toEqual({});
  });

  it("sets an httpOnly session cookie and a readable CSRF cookie, SameSite=Lax, Secure only when asked", () => {
    const [session, csrf] = sessionCookies("seal", "tok", false);
    expect(session).toMatch(/^thinkgate_session=seal; Path=\/; Max-Age=\d+; SameSite=Lax; HttpOnly$/);
    expect(csrf).toMatch(/^thinkgate_csrf=tok; Path=\/; Max-Age=\d+; SameSite=Lax$/);
    expect(sessionCookies("seal", "tok", true).every((c) => c.endsWith("; Secure"))).toBe(true);
    expect(clearedSessionCookies(false).every((c) => c.includes("Max-Age=0"))).toBe(true);
  });

  it("compares CSRF tokens exactly", () => {
    const t = newCsrfToken();
    expect(csrfMatches(t, t)).toBe(true);
    expect(csrfMatches(t, t.slice(1))).toBe(false);
    expect(csrfMatches(t, undefined)).toBe(false);
  });
});
