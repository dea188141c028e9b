import { sealData } from "iron-session";
import { beforeAll, describe, expect, it } from "vitest";
import { clearedSessionCookies, csrfMatches, newCsrfToken, parseCookies, sealSession, sessionCookies, sessionSecret, unsealSession } from "./session";
import { newSessionId } from "./session-store";

beforeAll(() => {
  process.env.THINKGATE_SESSION_SECRET = "a-test-secret-that-is-long-enough-0123456789";
});

describe("sessions", () => {
  it("seals and unseals a session; a tampered or foreign cookie reads as no session", async () => {
    const data = { uid: "user-one-id", role: "editor" as const, sid: newSessionId(), csrf: newCsrfToken(), iat: 1 };
    const seal = await sealSession(data);
    expect(seal).not.toContain(data.uid);
    expect(seal).not.toContain(data.sid);
    expect(await unsealSession(seal)).toEqual(data);
    expect(await unsealSession(seal.slice(0, -3) + "abc")).toBeNull();
    expect(await unsealSession("not a seal")).toBeNull();
    expect(await unsealSession(undefined)).toBeNull();
  });

  it("reads a cookie sealed without a session id (before sessions could be ended) as no session", async () => {
    const old = await sealData({ uid: "u1", role: "admin", csrf: newCsrfToken(), iat: 1 }, { password: await sessionSecret(), ttl: 3600 });
    expect(await unsealSession(old)).toBeNull();
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
