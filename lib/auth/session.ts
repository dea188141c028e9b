/**
 * Browser sessions: a sealed (encrypted and MACed, iron-session) httpOnly
 * cookie holding the user id, the role at sign-in, the session id and a CSRF
 * token. The session id names a row (lib/auth/session-store.ts) that has to
 * exist for the cookie to work, so a session can be ended before the cookie
 * expires; any instance sharing the secret and the database reads any session.
 *
 * CSRF: the token also goes out in a second, script-readable cookie; the
 * browser client copies it into the x-csrf-token header on state-changing
 * requests, and the server compares that header with the token sealed in the
 * session (a "signed double submit": a cross-site page can make the browser
 * send both cookies, but cannot read either to forge the header). SameSite=Lax
 * is the first line; the header check is what holds when Lax does not (old
 * browsers, same-site subdomains).
 */
import crypto from "node:crypto";
import { sealData, unsealData } from "iron-session";
import { z } from "zod";
import { usersRepo } from "../db/users.repo";

export const CSRF_HEADER = "x-csrf-token";

/** The session's two cookies, by name. */
export interface CookieNames {
  session: string;
  csrf: string;
}

const PLAIN_NAMES: CookieNames = { session: "thinkgate_session", csrf: "thinkgate_csrf" };
/**
 * Over HTTPS the cookies carry the __Host- prefix: a browser takes such a
 * cookie only with Secure, Path=/ and no Domain, from this very host, so a
 * page on a sibling subdomain (or on plain HTTP) can neither set nor shadow
 * them. Plain http://127.0.0.1 cannot hold a __Host- cookie, so development
 * keeps the plain names.
 */
const HOST_NAMES: CookieNames = { session: "__Host-thinkgate_session", csrf: "__Host-thinkgate_csrf" };

/** The names a request in this mode (wantsSecureCookies) is given and is read by; the other mode's are ignored. */
export function cookieNames(secure: boolean): CookieNames {
  return secure ? HOST_NAMES : PLAIN_NAMES;
}

/** Seconds a session lasts after sign-in. */
export function sessionTtlSeconds(): number {
  const v = Number(process.env.THINKGATE_SESSION_TTL_S);
  return Number.isInteger(v) && v > 0 ? v : 7 * 24 * 3600;
}

const sessionSchema = z.object({
  uid: z.string().min(1),
  role: z.enum(["viewer", "editor", "admin"]),
  /** The server-side session (lib/auth/session-store.ts). A cookie sealed before sessions had one reads as no session. */
  sid: z.string().min(32),
  csrf: z.string().min(16),
  /** Issued at, epoch seconds. */
  iat: z.number(),
});
export type SessionData = z.infer<typeof sessionSchema>;

// One secret per process, shared through globalThis because Next's bundle of
// the pages holds its own copy of this module in the same process.
const g = globalThis as unknown as { __thinkgateSessionSecret?: Promise<string> };

/**
 * THINKGATE_SESSION_SECRET, or a random secret generated once and kept in the
 * Setting table, so a restart (or another instance on the same database)
 * keeps everyone signed in.
 */
export function sessionSecret(): Promise<string> {
  g.__thinkgateSessionSecret ??= (async () => {
    const fromEnv = process.env.THINKGATE_SESSION_SECRET?.trim();
    if (fromEnv) {
      if (fromEnv.length < 32) throw new Error("THINKGATE_SESSION_SECRET must be at least 32 characters");
      return fromEnv;
    }
    return usersRepo.sessionSecret(() => crypto.randomBytes(32).toString("base64url"));
  })().catch((err: unknown) => {
    g.__thinkgateSessionSecret = undefined;
    throw err;
  });
  return g.__thinkgateSessionSecret;
}

export function newCsrfToken(): string {
  return crypto.randomBytes(24).toString("base64url");
}

export async function sealSession(data: SessionData): Promise<string> {
  return sealData(data, { password: await sessionSecret(), ttl: sessionTtlSeconds() });
}

/** The session in a cookie value, or null when it is missing, forged, expired or malformed. */
export async function unsealSession(value: string | undefined): Promise<SessionData | null> {
  if (!value || value.length > 4096) return null;
  try {
    const raw = await unsealData<unknown>(value, { password: await sessionSecret(), ttl: sessionTtlSeconds() });
    const parsed = sessionSchema.safeParse(raw);
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** Cookie header → name/value map (first value wins, as browsers send the most specific first). */
export function parseCookies(header: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (!header) return out;
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq < 0) continue;
    const name = part.slice(0, eq).trim();
    if (!name || name in out) continue;
    const value = part.slice(eq + 1).trim();
    try {
      out[name] = decodeURIComponent(value);
    } catch {
      out[name] = value;
    }
  }
  return out;
}

/**
 * Whether cookies get the Secure flag: when the request came over HTTPS (a
 * TLS-terminating proxy says so in x-forwarded-proto) or the deployment says
 * so. Plain http://127.0.0.1 during development must still work.
 */
export function wantsSecureCookies(headers: Record<string, string | undefined>): boolean {
  if (process.env.THINKGATE_COOKIE_SECURE === "true") return true;
  if (process.env.THINKGATE_COOKIE_SECURE === "false") return false;
  return headers["x-forwarded-proto"]?.split(",")[0]?.trim() === "https";
}

function cookie(name: string, value: string, maxAge: number, opts: { httpOnly: boolean; secure: boolean }): string {
  return [
    `${name}=${encodeURIComponent(value)}`,
    "Path=/",
    `Max-Age=${maxAge}`,
    "SameSite=Lax",
    opts.httpOnly ? "HttpOnly" : "",
    opts.secure ? "Secure" : "",
  ]
    .filter(Boolean)
    .join("; ");
}

function cleared(names: CookieNames, secure: boolean): string[] {
  return [cookie(names.session, "", 0, { httpOnly: true, secure }), cookie(names.csrf, "", 0, { httpOnly: false, secure })];
}

/**
 * Set-Cookie values that start a session. Both cookies expire together. Over
 * HTTPS the plain-named cookies a browser may still hold (from before the
 * prefix, or planted) are cleared with them.
 */
export function sessionCookies(seal: string, csrf: string, secure: boolean): string[] {
  const ttl = sessionTtlSeconds();
  const names = cookieNames(secure);
  const set = [cookie(names.session, seal, ttl, { httpOnly: true, secure }), cookie(names.csrf, csrf, ttl, { httpOnly: false, secure })];
  return secure ? [...set, ...cleared(PLAIN_NAMES, secure)] : set;
}

/**
 * Over HTTPS, Set-Cookie values that expire the plain-named cookies (set over
 * plain HTTP, or before the __Host- names): they are ignored there, but a
 * browser keeps sending them, and keeps being told to sign in again, until
 * they are gone.
 */
export function clearedPlainSessionCookies(): string[] {
  return cleared(PLAIN_NAMES, true);
}

export function clearedSessionCookies(secure: boolean): string[] {
  return secure ? [...cleared(HOST_NAMES, secure), ...cleared(PLAIN_NAMES, secure)] : cleared(PLAIN_NAMES, secure);
}

/** Constant-time comparison of the presented CSRF header with the session's token. */
export function csrfMatches(expected: string, presented: string | undefined): boolean {
  if (!presented) return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(presented);
  return a.length === b.length && crypto.timingSafeEqual(a, b);
}

/** Methods that change state and therefore need the CSRF header when authenticated by cookie. */
export function isStateChanging(method: string): boolean {
  return method === "POST" || method === "PUT" || method === "PATCH" || method === "DELETE";
}
