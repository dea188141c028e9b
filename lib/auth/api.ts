/**
 * Sign-in over HTTP: login, logout, who am I, first-run setup, and users for
 * admins. Sessions are cookies (lib/auth/session.ts); programs keep using
 * gateway keys.
 */
import { z } from "zod";
import { AppError, badRequest } from "../api/errors";
import { json, type ApiRequest, type Handler } from "../api/http";
import { withApi } from "../api/wrap";
import { notAnswering } from "../db/bounded-lookup";
import { usersRepo } from "../db/users.repo";
import { hasPlainSessionCookieOverHttps, sessionCaller } from "./principal";
import { setupHostAllowed } from "./setup-host";
import {
  clearedPlainSessionCookies,
  clearedSessionCookies,
  csrfMatches,
  CSRF_HEADER,
  newCsrfToken,
  sealSession,
  sessionCookies,
  sessionTtlSeconds,
  wantsSecureCookies,
} from "./session";
import { activeSessionCounts, endSession, endUserSessions, openSession, sessionLookupMs } from "./session-store";
import {
  changeOwnPassword,
  createUser,
  emailSchema,
  endSessionsOf,
  passwordSchema,
  publicUser,
  setupFirstAdmin,
  setupRequired,
  signIn,
  updateUser,
  USER_ROLES,
  type UserRow,
} from "./users";
import { clientAddress } from "./client-address";

/** Opens a session for the user: its row, and the cookies that carry it to this browser. */
async function openBrowserSession(req: ApiRequest, user: UserRow): Promise<{ csrf: string; cookies: string[] }> {
  const sid = await openSession(user.id, sessionTtlSeconds(), { userAgent: req.headers["user-agent"], ip: clientAddress(req) });
  const csrf = newCsrfToken();
  const seal = await sealSession({ uid: user.id, role: user.role, sid, csrf, iat: Math.floor(Date.now() / 1000) });
  return { csrf, cookies: sessionCookies(seal, csrf, wantsSecureCookies(req.headers)) };
}

async function startSession(req: ApiRequest, user: UserRow, status: number) {
  const { csrf, cookies } = await openBrowserSession(req, user);
  return { ...json(status, { user: publicUser(user), csrfToken: csrf }), cookies };
}

const loginBody = z.object({ email: z.string().trim().min(1, "enter your email").max(254), password: z.string().min(1, "enter your password").max(1024) });

/**
 * Sign-in and first-run setup open a session, so they are taken as JSON only.
 * A page of another site can post a form here (form-encoded or text/plain)
 * with no preflight; taken, it would sign the visitor's browser into the
 * attacker's account (login CSRF). JSON from another origin needs a
 * preflight, which these paths do not answer.
 */
function requireJson(req: ApiRequest): void {
  const type = (req.headers["content-type"] ?? "").split(";")[0]!.trim().toLowerCase();
  if (type !== "application/json") throw new AppError("invalid_request_error", "send the credentials as JSON (content-type: application/json)");
}

export const login: Handler = withApi({ body: loginBody }, async ({ req, body }) => {
  requireJson(req);
  const user = await signIn(body.email, body.password, clientAddress(req));
  return startSession(req, user, 200);
});

export const logout: Handler = withApi({}, async ({ req }) => {
  const caller = await sessionCaller(req.headers);
  // Only a live session needs the CSRF header; clearing a dead cookie harms nobody.
  if (caller && !csrfMatches(caller.session.csrf, req.headers[CSRF_HEADER])) {
    throw new AppError("permission_error", `missing or wrong CSRF token: send the ${CSRF_HEADER} header`);
  }
  // Ended on the server, not only forgotten by this browser: a copy of the cookie stops working too.
  // Not while the database does not answer: the cookie would be cleared with the session still open.
  if (caller?.stale) throw notAnswering(`the database did not answer a session lookup within ${sessionLookupMs()} ms, and signing out needs it`);
  if (caller) await endSession(caller.session.sid);
  return { ...json(200, { ok: true }), cookies: clearedSessionCookies(wantsSecureCookies(req.headers)) };
});

/** Only a person signed in with a browser has a password and sessions; a gateway key has neither. */
function signedInUser(principal: { userId?: string }): string {
  if (!principal.userId) throw badRequest("this acts on the signed-in user's own account: call it from a browser session, not with a gateway key");
  return principal.userId;
}

const passwordChange = z
  .object({ currentPassword: z.string().min(1, "enter your current password").max(1024), newPassword: passwordSchema })
  .strict();

/** Changes the caller's own password; their other browsers are signed out, this one gets a new session. */
export const changePassword: Handler = withApi({ role: "viewer", body: passwordChange }, async ({ req, principal, body }) => {
  const user = await changeOwnPassword(signedInUser(principal), body.currentPassword, body.newPassword);
  return startSession(req, user, 200);
});

/** "Sign out everywhere": ends every session of the caller, this browser's included. */
export const endOwnSessions: Handler = withApi({ role: "viewer" }, async ({ req, principal }) => {
  const ended = await endUserSessions(signedInUser(principal));
  return { ...json(200, { ended }), cookies: clearedSessionCookies(wantsSecureCookies(req.headers)) };
});

/** Public: the header and the login page need it before anyone signs in. */
export const me: Handler = withApi({}, async ({ req }) => {
  const caller = await sessionCaller(req.headers);
  const needsSetup = caller ? false : await setupRequired();
  const res = json(200, { user: caller ? publicUser(caller.user) : null, csrfToken: caller?.session.csrf ?? null, setupRequired: needsSetup });
  // A plain-named cookie never counts over HTTPS: expired here too, as the API's 401 does, so the browser stops sending it.
  return hasPlainSessionCookieOverHttps(req.headers) ? { ...res, cookies: clearedPlainSessionCookies() } : res;
});

const credentials = z.object({ email: emailSchema, password: passwordSchema });

/** The first admin is made only through a Host no other site can point at this server (lib/auth/setup-host.ts). */
function requireSetupHost(req: ApiRequest): void {
  if (setupHostAllowed(req.headers.host)) return;
  throw new AppError(
    "permission_error",
    `first-run setup is taken only at an IP address or localhost (a page of another site can reach this server under its own name); ` +
      `to set up through ${JSON.stringify((req.headers.host ?? "").slice(0, 100))}, list its name in THINKGATE_SETUP_HOSTS, or create the first admin with THINKGATE_ADMIN_EMAIL and THINKGATE_ADMIN_PASSWORD`,
  );
}

export const setup: Handler = withApi({ body: credentials }, async ({ req, body }) => {
  requireJson(req);
  requireSetupHost(req);
  const user = await setupFirstAdmin(body.email, body.password);
  return startSession(req, user, 201);
});

const role = z.enum(USER_ROLES as [string, ...string[]]);

export const listUsers: Handler = withApi({ role: "admin" }, async () => {
  const [users, sessions] = await Promise.all([usersRepo.list(), activeSessionCounts()]);
  return json(200, { data: users.map((u) => ({ ...publicUser(u), sessions: sessions.get(u.id) ?? 0 })) });
});

export const createUserHandler: Handler = withApi({ role: "admin", body: credentials.extend({ role }) }, async ({ body }) => {
  const user = await createUser(body.email, body.password, body.role as UserRow["role"]);
  return json(201, publicUser(user));
});

const userPatch = z
  .object({ role: role.optional(), disabled: z.boolean().optional(), password: passwordSchema.optional() })
  .strict()
  .refine((p) => p.role !== undefined || p.disabled !== undefined || p.password !== undefined, "change at least one of role, disabled, password");

export const patchUser: Handler = withApi({ role: "admin", body: userPatch }, async ({ req, principal, body }) => {
  const { user, sessionsEnded } = await updateUser(req.params.id ?? "", { ...body, role: body.role as UserRow["role"] | undefined });
  const res = json(200, publicUser(user));
  // Changing your own password or role ended this session with the others; this
  // browser gets a new one, so only the other browsers are signed out.
  if (sessionsEnded && principal.userId === user.id && !user.disabledAt) return { ...res, cookies: (await openBrowserSession(req, user)).cookies };
  return res;
});

/** An admin signs a user out of every browser (their own included, when it is them). */
export const endUserSessionsHandler: Handler = withApi({ role: "admin" }, async ({ req }) => json(200, { ended: await endSessionsOf(req.params.id ?? "") }));
