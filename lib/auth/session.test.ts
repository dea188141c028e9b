import { sealData } from "iron-session";
import { beforeAll, describe, expect, it } from "vitest";
import { clearedSessionCookies, cookieNames, csrfMatches, newCsrfToken, parseCookies, sealSession, sessionCookies, sessionSecret, unsealSession } from "./session";
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
    expect(clearedSessionCookies(false).every((c) => c.includes("Max-Age=0"))).toBe(true);
  });

  it("names the cookies __Host- over HTTPS (Secure, Path=/, no Domain) and clears the plain-named ones there", () => {
    const [session, csrf, ...rest] = sessionCookies("seal", "tok", true);
    expect(session).toMatch(/^__Host-thinkgate_session=seal; Path=\/; Max-Age=\d+; SameSite=Lax; HttpOnly; Secure$/);
    expect(csrf).toMatch(/^__Host-thinkgate_csrf=tok; Path=\/; Max-Age=\d+; SameSite=Lax; Secure$/);
    expect(rest).toEqual([expect.stringMatching(/^thinkgate_session=; .*Max-Age=0/), expect.stringMatching(/^thinkgate_csrf=; .*Max-Age=0/)]);
    expect(sessionCookies("seal", "tok", true).some((c) => /domain=/i.test(c))).toBe(false);
    expect(clearedSessionCookies(true).map((c) => c.split("=")[0])).toEqual(["__Host-thinkgate_session", "__Host-thinkgate_csrf", "thinkgate_session", "thinkgate_csrf"]);
    expect(cookieNames(true)).toEqual({ session: "__Host-thinkgate_session", csrf: "__Host-thinkgate_csrf" });
    expect(cookieNames(false)).toEqual({ session: "thinkgate_session", csrf: "thinkgate_csrf" });
  });

  it("compares CSRF tokens exactly", () => {
    const t = newCsrfToken();
    expect(csrfMatches(t, t)).toBe(true);
    expect(csrfMatches(t, t.slice(1))).toBe(false);
    expect(csrfMatches(t, undefined)).toBe(false);
  });
});
