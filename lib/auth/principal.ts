/** Who a browser request is, from its session cookie (lib/api/wrap.ts tries a gateway key first). */
import { cookieNames, parseCookies, unsealSession, wantsSecureCookies, type SessionData } from "./session";
import { checkSession } from "./session-store";
import { activeUser, type UserRow } from "./users";

export interface SessionCaller {
  session: SessionData;
  user: UserRow;
  /**
   * The database did not answer within THINKGATE_SESSION_LOOKUP_MS, and the
   * session and user are this instance's last answers (lib/auth/session-store.ts):
   * good for reading what needs no database, not for changing anything.
   */
  stale: boolean;
}

/** The request carries a session cookie of its mode (wantsSecureCookies): over HTTPS, only the __Host- one counts. */
export function hasSessionCookie(headers: Record<string, string | undefined>): boolean {
  return sessionCookieOf(headers) !== undefined;
}

/**
 * Over HTTPS, the request carries the plain-named session cookie (set over
 * plain HTTP, or before the __Host- names), which is ignored there. Its
 * browser believes it is signed in; it is told to sign in again rather than
 * that no API key was given.
 */
export function hasPlainSessionCookieOverHttps(headers: Record<string, string | undefined>): boolean {
  return wantsSecureCookies(headers) && parseCookies(headers["cookie"])[cookieNames(false).session] !== undefined;
}

function sessionCookieOf(headers: Record<string, string | undefined>): string | undefined {
  return parseCookies(headers["cookie"])[cookieNames(wantsSecureCookies(headers)).session];
}

/** The signed-in user behind a request's session cookie, or null (no cookie of its mode, bad seal, ended or expired session, unknown or disabled user, changed role). */
export function sessionCaller(headers: Record<string, string | undefined>): Promise<SessionCaller | null> {
  return sessionFromCookie(sessionCookieOf(headers));
}

/**
 * The same, from the session cookie's value (pages read cookies through Next).
 * A database that does not answer in time is a 503 AppError (lib/db/bounded-lookup.ts), never a wait for good.
 */
export async function sessionFromCookie(value: string | undefined): Promise<SessionCaller | null> {
  const session = await unsealSession(value);
  if (!session) return null;
  const [check, { user, stale }] = await Promise.all([checkSession(session.sid, session.uid), activeUser(session.uid)]);
  // A role change ends the user's sessions; comparing the role too keeps that true should ending them have failed.
  return check.live && user && user.role === session.role ? { session, user, stale: check.stale || stale } : null;
}
