/**
 * Sign-in, sessions, CSRF and roles against a real server: the first admin
 * comes from THINKGATE_ADMIN_EMAIL / _PASSWORD, people sign in with a cookie,
 * programs keep using keys. Runs on SQLite and on PostgreSQL.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Browser, userBrowser } from "../support/browser";
import { startServer, type TestServer } from "../support/server";
import http from "node:http";

/** A JSON POST with a Host header of the caller's choosing (fetch sends the URL's own). */
function rawPost(port: number, path: string, headers: Record<string, string>, body: unknown): Promise<{ status: number; body: string; setCookie: string[] }> {
  const data = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: "127.0.0.1", port, path, method: "POST", headers: { "content-type": "application/json", "content-length": Buffer.byteLength(data), ...headers } }, (res) => {
      let text = "";
      res.setEncoding("utf8").on("data", (c: string) => (text += c)).on("end", () => resolve({ status: res.statusCode ?? 0, body: text, setCookie: res.headers["set-cookie"] ?? [] }));
    });
    req.on("error", reject).end(data);
  });
}

const ADMIN = { email: "admin@example.com", password: "correct-horse-battery" };

/** The names of the cookies a response expires (Max-Age=0, Path=/, no Domain: the attributes they were set with), sorted. */
function expired(setCookie: string[]): string[] {
  const gone = setCookie.filter((c) => /; Max-Age=0(;|$)/.test(c));
  for (const c of gone) {
    expect(c).toMatch(/; Path=\/(;|$)/);
    expect(c).not.toMatch(/domain=/i);
  }
  return gone.map((c) => c.split("=")[0]!).sort();
}

let server: TestServer;
let admin: Browser;

beforeAll(async () => {
  server = await startServer({ env: { THINKGATE_ADMIN_EMAIL: ADMIN.email, THINKGATE_ADMIN_PASSWORD: ADMIN.password } });
  admin = new Browser(server.url);
});

afterAll(async () => {
  await server?.stop();
});

describe(`sign-in and sessions (${process.env.THINKGATE_TEST_DB ?? "sqlite"})`, () => {
  it("refuses a wrong password and an unknown email alike, in the API's error shape", async () => {
    const b = new Browser(server.url);
    const wrong = await b.post("/api/auth/login", { email: ADMIN.email, password: "nope-nope-nope" });
    const unknown = await b.post("/api/auth/login", { email: "nobody@example.com", password: "nope-nope-nope" });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.body).toMatchObject({ type: "error", error: { type: "authentication_error" } });
    expect(unknown.body.error.message).toBe(wrong.body.error.message);
    expect(b.cookies.size).toBe(0);
  });

  it("refuses a sign-in posted as a form or plain text, as another site's page could (login CSRF): no session is opened", async () => {
    for (const [type, body] of [
      ["text/plain", JSON.stringify({ email: ADMIN.email, password: ADMIN.password })],
      ["application/x-www-form-urlencoded", new URLSearchParams({ email: ADMIN.email, password: ADMIN.password }).toString()],
    ] as const) {
      const res = await fetch(`${server.url}/api/auth/login`, { method: "POST", headers: { "content-type": type, origin: "http://evil.example" }, body });
      expect(res.status, type).toBe(400);
      expect(res.headers.getSetCookie()).toEqual([]);
    }
  });

  it("signs the env admin in with an httpOnly SameSite session cookie and a readable CSRF cookie", async () => {
    const res = await admin.login("Admin@Example.com", ADMIN.password);
    expect(res.body.user).toMatchObject({ email: ADMIN.email, role: "admin" });
    expect(res.body.user.passwordHash).toBeUndefined();
    const session = admin.lastSetCookie.find((c) => c.startsWith("thinkgate_session="))!;
    const csrf = admin.lastSetCookie.find((c) => c.startsWith("thinkgate_csrf="))!;
    expect(session).toMatch(/HttpOnly/);
    expect(session).toMatch(/SameSite=Lax/);
    expect(csrf).not.toMatch(/HttpOnly/);
    expect(res.body.csrfToken).toBe(admin.csrf);
    const me = await admin.get("/api/auth/me");
    expect(me.body).toMatchObject({ user: { email: ADMIN.email, role: "admin" }, setupRequired: false });
  });

  it("reads with the cookie alone, but a state change without the CSRF header is a 403", async () => {
    expect((await admin.get("/api/keys")).status).toBe(200);
    const denied = await admin.post("/api/keys", { name: "no csrf", role: "viewer" }, { csrf: false });
    expect(denied.status).toBe(403);
    expect(denied.body).toMatchObject({ type: "error", error: { type: "permission_error", message: expect.stringMatching(/CSRF/) } });
    const forged = await admin.request("POST", "/api/keys", { body: { name: "forged", role: "viewer" }, csrf: false, headers: { "x-csrf-token": "guess" } });
    expect(forged.status).toBe(403);
    const ok = await admin.post("/api/keys", { name: "with csrf", role: "viewer" });
    expect(ok.status).toBe(201);
  });

  it("keeps keys working as before: no CSRF needed, and a wrong key is a 401 even next to a valid cookie", async () => {
    const res = await fetch(`${server.url}/api/keys`, {
      method: "POST",
      headers: { "x-api-key": server.adminKey, "content-type": "application/json" },
      body: JSON.stringify({ name: "by key", role: "gateway" }),
    });
    expect(res.status).toBe(201);
    const mixed = await admin.request("GET", "/api/keys", { headers: { "x-api-key": "tg_wrong" } });
    expect(mixed.status).toBe(401);
    expect(mixed.body.error.type).toBe("authentication_error");
  });

  it("enforces roles: viewers read, editors change rules, only admins manage keys and users", async () => {
    const viewer = await userBrowser(admin, "vera@example.com", "viewer");
    const editor = await userBrowser(admin, "ed@example.com", "editor");
    expect((await viewer.get("/api/rules")).status).toBe(200);
    expect((await viewer.get("/api/prices")).status).toBe(200);
    const save = await viewer.post("/api/rules", { rules: [], note: "viewer tries" });
    expect(save.status).toBe(403);
    expect(save.body.error).toMatchObject({ type: "permission_error", message: expect.stringMatching(/viewer.*editor/) });
    expect((await editor.get("/api/keys")).status).toBe(403);
    expect((await editor.get("/api/users")).status).toBe(403);
    expect((await editor.post("/api/users", { email: "x@example.com", password: "a-long-password-1", role: "admin" })).status).toBe(403);
    expect((await editor.post("/api/prices", { model: "m", effectiveFrom: new Date().toISOString(), input: 1, cacheWrite5m: 1, cacheWrite1h: 1, cacheRead: 1, output: 1 })).status).toBe(403);
    const users = await admin.get("/api/users");
    expect(users.body.data.map((u: { email: string }) => u.email)).toEqual([ADMIN.email, "vera@example.com", "ed@example.com"]);
  });

  it("an admin changes a role or disables a user; the user's sessions end at once", async () => {
    const bob = await userBrowser(admin, "bob@example.com", "viewer");
    const id = (await bob.get("/api/auth/me")).body.user.id as string;
    expect((await bob.post("/api/rules", { rules: [] })).status).toBe(403);
    const promoted = await admin.request("PATCH", `/api/users/${id}`, { body: { role: "editor" } });
    expect(promoted.body.role).toBe("editor");
    // The viewer session ended with the role; signing in again gives the new one.
    expect((await bob.get("/api/rules")).status).toBe(401);
    await bob.login("bob@example.com", "a-long-password-1");
    expect((await bob.get("/api/auth/me")).body.user.role).toBe("editor");
    expect((await admin.request("PATCH", `/api/users/${id}`, { body: { disabled: true } })).status).toBe(200);
    const after = await bob.get("/api/rules");
    expect(after.status).toBe(401);
    const again = await new Browser(server.url).post("/api/auth/login", { email: "bob@example.com", password: "a-long-password-1" });
    expect(again.status).toBe(403);
  });

  it("never lets the last admin be demoted or disabled", async () => {
    const me = (await admin.get("/api/auth/me")).body.user;
    const res = await admin.request("PATCH", `/api/users/${me.id}`, { body: { role: "viewer" } });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/last enabled admin/);
  });

  it("validates new users with clear messages and refuses a duplicate email", async () => {
    const bad = await admin.post("/api/users", { email: "not-an-email", password: "short", role: "viewer" });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/email/);
    expect(bad.body.error.message).toMatch(/at least 10 characters/);
    const dup = await admin.post("/api/users", { email: "VERA@example.com", password: "a-long-password-1", role: "viewer" });
    expect(dup.status).toBe(409);
  });

  it("closes setup once a user exists", async () => {
    const res = await new Browser(server.url).post("/api/auth/setup", { email: "late@example.com", password: "a-long-password-1" });
    expect(res.status).toBe(409);
  });

  it("slows down repeated failed sign-ins for an email with a 429 and retry-after", async () => {
    const b = new Browser(server.url);
    const statuses: number[] = [];
    let retryAfter: string | null = null;
    for (let i = 0; i < 7; i++) {
      const r = await b.post("/api/auth/login", { email: "ed@example.com", password: `wrong-${i}` });
      statuses.push(r.status);
      if (r.status === 429) retryAfter = r.headers.get("retry-after");
    }
    expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    expect(statuses).toContain(429);
    expect(Number(retryAfter)).toBeGreaterThan(0);
  });

  it("counts guesses sent all at once: only the free ones and the one that locks are checked, the rest get a 429", async () => {
    const guesses = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        fetch(`${server.url}/api/auth/login`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ email: "burst@example.com", password: `guess-${i}` }),
        }).then((r) => r.status),
      ),
    );
    // 5 free failures, then the 6th locks: every later guess is refused unchecked (all 12 were checked before).
    expect(guesses.filter((s) => s === 401)).toHaveLength(6);
    expect(guesses.filter((s) => s === 429)).toHaveLength(6);
  });

  it("logs out on the server: a copy of the old cookies, CSRF header and all, gets a 401", async () => {
    const b = new Browser(server.url);
    await b.login(ADMIN.email, ADMIN.password);
    const replay = b.copy();
    expect((await replay.get("/api/rules")).status).toBe(200);
    expect((await b.post("/api/auth/logout")).status).toBe(200);
    const read = await replay.get("/api/rules");
    expect(read.status).toBe(401);
    expect(read.body).toMatchObject({ type: "error", error: { type: "authentication_error" } });
    expect(replay.csrf).toBeTruthy();
    expect((await replay.post("/api/keys", { name: "after logout", role: "viewer" })).status).toBe(401);
    expect((await replay.get("/api/auth/me")).body.user).toBeNull();
  });

  it("a password change ends the user's other sessions; the browser that changed it gets a new session and stays signed in", async () => {
    const email = "pat@example.com";
    const laptop = await userBrowser(admin, email, "admin");
    const phone = new Browser(server.url);
    await phone.login(email, "a-long-password-1");
    const laptopBefore = laptop.copy();
    const id = (await laptop.get("/api/auth/me")).body.user.id as string;

    const changed = await laptop.request("PATCH", `/api/users/${id}`, { body: { password: "a-new-password-22" } });
    expect(changed.status).toBe(200);
    expect(changed.body.passwordHash).toBeUndefined();
    expect(laptop.lastSetCookie.some((c) => c.startsWith("thinkgate_session="))).toBe(true);
    expect(laptop.csrf).not.toBe(laptopBefore.csrf);
    expect((await laptop.get("/api/keys")).status).toBe(200);
    expect((await laptop.post("/api/keys", { name: "after the change", role: "viewer" })).status).toBe(201);
    expect((await phone.get("/api/keys")).status).toBe(401);
    // The laptop's own cookie from before the change was re-issued, not kept: a copy of it is dead too.
    expect((await laptopBefore.get("/api/keys")).status).toBe(401);
    expect((await new Browser(server.url).post("/api/auth/login", { email, password: "a-long-password-1" })).status).toBe(401);
    await new Browser(server.url).login(email, "a-new-password-22");

    // An admin setting someone else's password ends all of that user's sessions.
    const quinn = await userBrowser(admin, "quinn@example.com", "viewer");
    const quinnId = (await quinn.get("/api/auth/me")).body.user.id as string;
    const reset = await admin.request("PATCH", `/api/users/${quinnId}`, { body: { password: "a-new-password-33" } });
    expect(reset.status).toBe(200);
    expect(admin.lastSetCookie).toEqual([]);
    expect((await quinn.get("/api/rules")).status).toBe(401);
    expect((await admin.get("/api/keys")).status).toBe(200);
  });

  it("an admin ends a user's sessions: each of the user's browsers gets a 401; a viewer cannot, and CSRF is required", async () => {
    const email = "carl@example.com";
    const desk = await userBrowser(admin, email, "editor");
    const home = new Browser(server.url);
    await home.login(email, "a-long-password-1");
    const id = (await desk.get("/api/auth/me")).body.user.id as string;
    const listed = (await admin.get("/api/users")).body.data.find((u: { id: string }) => u.id === id);
    expect(listed.sessions).toBe(2);

    const viewer = await userBrowser(admin, "vic@example.com", "viewer");
    const refused = await viewer.request("DELETE", `/api/users/${id}/sessions`);
    expect(refused.status).toBe(403);
    expect(refused.body.error.type).toBe("permission_error");
    expect((await admin.request("DELETE", `/api/users/${id}/sessions`, { csrf: false })).status).toBe(403);
    expect((await desk.get("/api/rules")).status).toBe(200);

    const ended = await admin.request("DELETE", `/api/users/${id}/sessions`);
    expect(ended.status).toBe(200);
    expect(ended.body).toEqual({ ended: 2 });
    expect((await desk.get("/api/rules")).status).toBe(401);
    expect((await home.get("/api/rules")).status).toBe(401);
    expect((await admin.get("/api/users")).body.data.find((u: { id: string }) => u.id === id).sessions).toBe(0);
    expect((await admin.request("DELETE", "/api/users/no-such-user/sessions")).status).toBe(404);
    // Ending sessions does not lock the user out: they sign in again.
    await desk.login(email, "a-long-password-1");
    expect((await desk.get("/api/rules")).status).toBe(200);
  });

  it("a viewer changes their own password: the current one is checked, other browsers are signed out, this one stays signed in", async () => {
    const email = "tess@example.com";
    const desk = await userBrowser(admin, email, "viewer");
    const phone = new Browser(server.url);
    await phone.login(email, "a-long-password-1");
    const deskBefore = desk.copy();

    const wrong = await desk.post("/api/auth/password", { currentPassword: "not-my-password", newPassword: "a-new-password-44" });
    expect(wrong.status).toBe(400);
    expect(wrong.body.error.message).toMatch(/^currentPassword: /);
    expect((await desk.post("/api/auth/password", { currentPassword: "a-long-password-1", newPassword: "short" })).status).toBe(400);
    expect((await desk.post("/api/auth/password", { currentPassword: "a-long-password-1", newPassword: "a-new-password-44" }, { csrf: false })).status).toBe(403);
    // A key has no password of its own to change.
    const byKey = await fetch(`${server.url}/api/auth/password`, {
      method: "POST",
      headers: { "x-api-key": server.adminKey, "content-type": "application/json" },
      body: JSON.stringify({ currentPassword: "x", newPassword: "a-new-password-44" }),
    });
    expect(byKey.status).toBe(400);
    expect((await phone.get("/api/rules")).status).toBe(200);

    const changed = await desk.post("/api/auth/password", { currentPassword: "a-long-password-1", newPassword: "a-new-password-44" });
    expect(changed.status).toBe(200);
    expect(desk.csrf).not.toBe(deskBefore.csrf);
    expect((await desk.get("/api/rules")).status).toBe(200);
    expect((await phone.get("/api/rules")).status).toBe(401);
    expect((await deskBefore.get("/api/rules")).status).toBe(401);
    expect((await new Browser(server.url).post("/api/auth/login", { email, password: "a-long-password-1" })).status).toBe(401);
    await new Browser(server.url).login(email, "a-new-password-44");
  });

  it("signs out everywhere: every session of the caller ends, this browser's included", async () => {
    const email = "wes@example.com";
    const desk = await userBrowser(admin, email, "editor");
    const home = new Browser(server.url);
    await home.login(email, "a-long-password-1");
    expect((await desk.request("DELETE", "/api/auth/sessions", { csrf: false })).status).toBe(403);
    const out = await desk.request("DELETE", "/api/auth/sessions");
    expect(out.status).toBe(200);
    expect(out.body).toEqual({ ended: 2 });
    expect(desk.cookies.size).toBe(0);
    expect((await home.get("/api/rules")).status).toBe(401);
    expect((await admin.get("/api/rules")).status).toBe(200);
  });

  it("over HTTPS names the cookies __Host- (Secure, Path=/, no Domain), and a plain-named session cookie is ignored there", async () => {
    const https = { "x-forwarded-proto": "https" };
    const plain = await userBrowser(admin, "hana@example.com", "editor");
    const b = new Browser(server.url, https);
    await b.login("hana@example.com", "a-long-password-1");
    const session = b.lastSetCookie.find((c) => c.startsWith("__Host-thinkgate_session="))!;
    const csrf = b.lastSetCookie.find((c) => c.startsWith("__Host-thinkgate_csrf="))!;
    for (const c of [session, csrf]) {
      expect(c).toMatch(/; Secure(;|$)/);
      expect(c).toMatch(/; Path=\/(;|$)/);
      expect(c).not.toMatch(/domain=/i);
    }
    expect(session).toMatch(/HttpOnly/);
    expect(b.cookies.has("thinkgate_session")).toBe(false);
    expect((await b.get("/api/auth/me")).body.user).toMatchObject({ email: "hana@example.com" });
    expect((await b.post("/api/rules", { rules: [], note: "over https" })).status).toBe(201);

    // The same valid session under the plain name (as a sibling subdomain could plant it) counts for nothing over HTTPS...
    const value = b.cookies.get("__Host-thinkgate_session")!;
    const planted = new Browser(server.url, https);
    planted.cookies.set("thinkgate_session", value);
    expect((await planted.get("/api/auth/me")).body.user).toBeNull();
    expect((await planted.get("/api/rules")).status).toBe(401);
    // ...and neither does one signed in over plain HTTP, which carries the plain names.
    const overHttp = plain.copy();
    expect((await overHttp.get("/api/rules")).status).toBe(200);
    const sent = new Browser(server.url, https);
    for (const [k, v] of plain.cookies) sent.cookies.set(k, v);
    expect((await sent.get("/api/auth/me")).body.user).toBeNull();
    expect((await sent.get("/api/rules")).status).toBe(401);
    // Over plain HTTP the __Host- name is not read either: each mode reads its own names.
    const prefixedOverHttp = new Browser(server.url);
    prefixedOverHttp.cookies.set("__Host-thinkgate_session", value);
    expect((await prefixedOverHttp.get("/api/auth/me")).body.user).toBeNull();

    // The playground hands its request to the gateway in process, which reads the session cookie of the same mode.
    const cookie = [...b.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
    const run = await fetch(`${server.url}/api/playground/run`, {
      method: "POST",
      headers: { ...https, cookie, "x-csrf-token": b.csrf!, "content-type": "application/json" },
      body: JSON.stringify({ prompt: "Say hi.", tier: "standard" }),
    });
    expect(run.status, await run.text()).toBe(200);

    // Signing out over HTTPS clears both names.
    const out = await b.post("/api/auth/logout");
    expect(out.status).toBe(200);
    expect(b.lastSetCookie.map((c) => c.split("=")[0]).sort()).toEqual(["__Host-thinkgate_csrf", "__Host-thinkgate_session", "thinkgate_csrf", "thinkgate_session"]);
  });

  it("over HTTPS, a browser holding only the plain-named session cookie is told its session no longer counts there, not that no key was given", async () => {
    // Signed in over plain HTTP: the cookies carry the plain names.
    const login = await fetch(`${server.url}/api/auth/login`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(ADMIN) });
    expect(login.status).toBe(200);
    const plain = login.headers.getSetCookie().map((c) => c.split(";")[0]!);
    expect(plain.map((c) => c.split("=")[0]).sort()).toEqual(["thinkgate_csrf", "thinkgate_session"]);
    const cookie = plain.join("; ");
    const csrf = decodeURIComponent(plain.find((c) => c.startsWith("thinkgate_csrf="))!.slice("thinkgate_csrf=".length));
    expect((await fetch(`${server.url}/api/rules`, { headers: { cookie } })).status).toBe(200);

    const https = { "x-forwarded-proto": "https", cookie };
    const read = await fetch(`${server.url}/api/rules`, { headers: https });
    const change = await fetch(`${server.url}/api/rules`, { method: "POST", headers: { ...https, "x-csrf-token": csrf, "content-type": "application/json" }, body: JSON.stringify({ rules: [], note: "x" }) });
    for (const res of [read, change]) {
      expect(res.status).toBe(401);
      expect(await res.json()).toMatchObject({
        type: "error",
        error: { type: "authentication_error", message: "your session is not valid over HTTPS: its cookie (thinkgate_session) was set over plain HTTP; sign in again" },
      });
      // The answer expires the plain-named cookies (same name and Path=/ as they were set with), so the browser stops sending them.
      expect(expired(res.headers.getSetCookie())).toEqual(["thinkgate_csrf", "thinkgate_session"]);
    }
    // The gateway's own endpoints answer the same way: Messages, and the OpenAI-compatible one in its own error shape.
    for (const [route, body] of [
      ["/api/v1/messages", { model: "claude-haiku-4-5", max_tokens: 16, messages: [{ role: "user", content: "hi" }] }],
      ["/api/v1/chat/completions", { model: "claude-haiku-4-5", messages: [{ role: "user", content: "hi" }] }],
    ] as const) {
      const gateway = await fetch(`${server.url}${route}`, { method: "POST", headers: { ...https, "content-type": "application/json" }, body: JSON.stringify(body) });
      expect(gateway.status, route).toBe(401);
      expect(expired(gateway.headers.getSetCookie()), route).toEqual(["thinkgate_csrf", "thinkgate_session"]);
    }

    // The page's first question (who am I?) answers "nobody" and expires them too, before any 401.
    const me = await fetch(`${server.url}/api/auth/me`, { headers: https });
    expect(me.status).toBe(200);
    expect(((await me.json()) as { user: unknown }).user).toBeNull();
    expect(expired(me.headers.getSetCookie())).toEqual(["thinkgate_csrf", "thinkgate_session"]);

    // Signing in again over HTTPS sets the __Host- cookies and expires the plain-named ones too.
    const again = await fetch(`${server.url}/api/auth/login`, { method: "POST", headers: { ...https, "content-type": "application/json" }, body: JSON.stringify(ADMIN) });
    expect(again.status).toBe(200);
    const set = again.headers.getSetCookie();
    expect(expired(set)).toEqual(["thinkgate_csrf", "thinkgate_session"]);
    expect(set.filter((c) => !/; Max-Age=0(;|$)/.test(c)).map((c) => c.split("=")[0]).sort()).toEqual(["__Host-thinkgate_csrf", "__Host-thinkgate_session"]);
    // Without any session cookie the message still names the missing key.
    const none = await fetch(`${server.url}/api/rules`, { headers: { "x-forwarded-proto": "https" } });
    expect(none.status).toBe(401);
    expect(((await none.json()) as { error: { message: string } }).error.message).toBe("no API key: send a thinkgate key as x-api-key or as Authorization: Bearer");
  });

  it("logs out: both cookies are cleared", async () => {
    const b = new Browser(server.url);
    await b.login(ADMIN.email, ADMIN.password);
    expect((await b.post("/api/auth/logout", {}, { csrf: false })).status).toBe(403);
    const out = await b.post("/api/auth/logout");
    expect(out.status).toBe(200);
    expect(b.cookies.size).toBe(0);
    expect((await b.get("/api/auth/me")).body.user).toBeNull();
    expect((await b.get("/api/rules")).status).toBe(401);
  });
});

describe("sign-in behind a trusted proxy (THINKGATE_TRUST_PROXY=true)", () => {
  let proxied: TestServer;
  beforeAll(async () => {
    proxied = await startServer({ env: { THINKGATE_ADMIN_EMAIL: ADMIN.email, THINKGATE_ADMIN_PASSWORD: ADMIN.password, THINKGATE_TRUST_PROXY: "true" } });
  });
  afterAll(async () => {
    await proxied?.stop();
  });

  // The proxy appends the address it saw; what comes before it is whatever the client sent.
  const viaProxy = (sent: string, seen: string) => ({ "x-forwarded-for": `${sent}, ${seen}` });

  it("counts guesses by the address the proxy saw, not one the client wrote in x-forwarded-for", async () => {
    const port = Number(new URL(proxied.url).port);
    const statuses: number[] = [];
    // One email per guess, so only the per-address limit (20 free failures) can stop them.
    for (let i = 0; i < 24; i++) {
      const r = await rawPost(port, "/api/auth/login", viaProxy(`198.51.100.${i}`, "203.0.113.7"), { email: `spray-${i}@example.com`, password: "Summer2026!" });
      statuses.push(r.status);
    }
    expect(statuses.slice(0, 20)).toEqual(Array(20).fill(401));
    expect(statuses.slice(20)).toContain(429);
    // Another client behind the same proxy is not held back by it.
    expect((await rawPost(port, "/api/auth/login", viaProxy("198.51.100.1", "203.0.113.8"), ADMIN)).status).toBe(200);
  });
});

describe("first-run setup without THINKGATE_ADMIN_EMAIL", () => {
  let fresh: TestServer;
  beforeAll(async () => {
    fresh = await startServer();
  });
  afterAll(async () => {
    await fresh?.stop();
  });

  it("refuses a setup that names the server by another site's name (DNS rebinding): no admin is made, setup stays open", async () => {
    // A page of rebind.attacker.example whose name came to resolve to this server posts as its own origin; the Host says so.
    const { port } = new URL(fresh.url);
    const res = await rawPost(Number(port), "/api/auth/setup", { host: `rebind.attacker.example:${port}`, origin: `http://rebind.attacker.example:${port}` }, { email: "mallory@example.com", password: "a-long-password-1" });
    expect(res.status).toBe(403);
    expect(JSON.parse(res.body).error.message).toMatch(/THINKGATE_SETUP_HOSTS/);
    expect(res.setCookie).toEqual([]);
    expect((await new Browser(fresh.url).get("/api/auth/me")).body).toMatchObject({ user: null, setupRequired: true });
  });

  it("lets the first visitor create the admin, once", async () => {
    const b = new Browser(fresh.url);
    expect((await b.get("/api/auth/me")).body).toMatchObject({ user: null, setupRequired: true });
    const weak = await b.post("/api/auth/setup", { email: "first@example.com", password: "short" });
    expect(weak.status).toBe(400);
    const res = await b.post("/api/auth/setup", { email: "first@example.com", password: "a-long-password-1" });
    expect(res.status).toBe(201);
    expect(res.body.user).toMatchObject({ email: "first@example.com", role: "admin" });
    expect((await b.get("/api/auth/me")).body.user.role).toBe("admin");
    const second = await new Browser(fresh.url).post("/api/auth/setup", { email: "second@example.com", password: "a-long-password-1" });
    expect(second.status).toBe(409);
    expect((await new Browser(fresh.url).get("/api/auth/me")).body.setupRequired).toBe(false);
  });
});
