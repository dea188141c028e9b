/**
 * The wrapper every API handler goes through: authentication and role, body
 * parsing with zod, and one mapping of errors to the Anthropic error shape.
 * Handlers stay thin: parse, check, call one function in lib/, return.
 */
import type { ZodType } from "zod";
import { hasPlainSessionCookieOverHttps, hasSessionCookie, sessionCaller } from "../auth/principal";
import { clearedPlainSessionCookies, cookieNames, csrfMatches, CSRF_HEADER, isStateChanging, wantsSecureCookies } from "../auth/session";
import { authenticate, hasRole, presentedKey, type Principal, type Role } from "../gateway/keys";
import { AppError, badRequest } from "./errors";
import { notAnswering } from "../db/bounded-lookup";
import { databaseBound, untilDatabaseSilent, type DatabaseBound } from "./db-bound";
import { sessionLookupMs } from "../auth/session-store";
import { unstorableMessage, unstorableTextAtInTurns } from "./json-body";
import type { ApiRequest, ApiResponse, Handler } from "./http";
import { requestIdFor } from "./ids";
import { errorResponse } from "./error-response";

/** Who is calling: a gateway key, or a signed-in user (then userId is set and keyId is ""). */
export interface Caller extends Principal {
  userId?: string;
  /** A session taken on this instance's last answer: the database did not answer (lib/auth/principal.ts). */
  stale?: boolean;
}

/**
 * Whose conversation state a request reads and writes (conversation keys,
 * held thinking, kept output items): its gateway key, or for a browser
 * session (no key) its user. Sessions once all shared one empty scope.
 */
export function callerScope(caller: { keyId: string; userId?: string }): string {
  return caller.keyId || `user:${caller.userId ?? ""}`;
}

export interface Ctx<B> {
  req: ApiRequest;
  principal: Caller;
  body: B;
  requestId: string;
}

interface Options<B> {
  /** The least role that may call this; omit for endpoints without auth. */
  role?: Role;
  body?: ZodType<B>;
  /**
   * A POST whose body is a question, not a change (a rule tested on a prompt,
   * a replay, a file checked, a text scanned): it changes nothing, so a
   * database that does not answer is no reason to refuse it before it runs,
   * and a 503 it gets says nothing of an outcome. It still needs the CSRF
   * header from a browser.
   */
  readOnly?: boolean;
}

/**
 * Authenticates by a gateway key (x-api-key or Bearer) when one is presented,
 * else by the session cookie. A key wins over a cookie, and a wrong key is a
 * 401 even with a valid cookie, so programs behave exactly as before sessions
 * existed. Cookie-authenticated state changes must carry the CSRF header; key
 * requests need none (a cross-site page cannot make a browser send a key).
 */
export async function requirePrincipal(req: ApiRequest, role: Role, changes = isStateChanging(req.method)): Promise<Caller> {
  const key = presentedKey(req.headers);
  if (key === undefined && hasSessionCookie(req.headers)) return requireSession(req, role, changes);
  if (key === undefined && hasPlainSessionCookieOverHttps(req.headers)) {
    throw new AppError("authentication_error", "your session is not valid over HTTPS: its cookie (thinkgate_session) was set over plain HTTP; sign in again", {
      cookies: clearedPlainSessionCookies(),
    });
  }
  const principal = await authenticate(key);
  if (!principal) throw new AppError("authentication_error", badKeyMessage(req.headers));
  if (!hasRole(principal.role, role)) throw new AppError("permission_error", `this key's role (${principal.role}) cannot do this; ${role} or above is required`);
  return principal;
}

/** Names the header the caller used, so an OpenAI-SDK or SDK 1.x client (Bearer) is not told about x-api-key. */
function badKeyMessage(headers: Record<string, string | undefined>): string {
  if (headers["x-api-key"]?.trim()) return "invalid x-api-key";
  if (headers.authorization?.trim()) return "invalid API key in the Authorization header (expected Bearer and a thinkgate key)";
  return "no API key: send a thinkgate key as x-api-key or as Authorization: Bearer";
}

async function requireSession(req: ApiRequest, role: Role, changes: boolean): Promise<Caller> {
  const caller = await sessionCaller(req.headers);
  if (!caller) throw new AppError("authentication_error", "your session has expired or is not valid; sign in again");
  if (isStateChanging(req.method) && !csrfMatches(caller.session.csrf, req.headers[CSRF_HEADER])) {
    throw new AppError("permission_error", `missing or wrong CSRF token: send the ${CSRF_HEADER} header with the value of the ${cookieNames(wantsSecureCookies(req.headers)).csrf} cookie`);
  }
  const { user } = caller;
  if (!hasRole(user.role, role)) throw new AppError("permission_error", `your role (${user.role}) cannot do this; ${role} or above is required`);
  // Only reads go on a stale session: a change made while the database does not answer would wait for it, and might land after its caller was told it failed.
  if (caller.stale && changes) throw notAnswering(`the database did not answer a session lookup within ${sessionLookupMs()} ms`);
  return { keyId: "", role: user.role, name: user.email, userId: user.id, ...(caller.stale ? { stale: true } : {}) };
}

/**
 * How long a handler may wait on a database that does not answer (db-bound.ts).
 * A read by a session taken on its last answer (the database has just not
 * answered its lookup) waits no longer than that lookup did: a read that needs
 * nothing from the database is answered, one that does gets a 503. Any other
 * request is cut only once the database is known not to answer: a playground
 * run or an export may rightly take minutes.
 */
export function boundOf(req: ApiRequest, principal: Caller, requestId: string, changes = isStateChanging(req.method)): DatabaseBound {
  const bound = databaseBound({ id: requestId, method: req.method, path: req.path }, changes);
  if (!principal.stale) return bound;
  return { ...bound, waitMs: sessionLookupMs(), silent: () => `a session lookup was not answered within ${sessionLookupMs()} ms` };
}

/**
 * The body of a management call (settings, routes, rules, keys...): JSON, and
 * text a database stores throughout (no lone surrogate, no NUL), since what
 * it names is stored: a NUL in a key's or a route's name was a 500 on
 * PostgreSQL. (The gateway's own Messages bodies pass both on to the API,
 * which judges them; their records store a NUL as U+FFFD.)
 */
export async function parseJson(req: ApiRequest): Promise<unknown> {
  const { value } = await req.json();
  const bad = await unstorableTextAtInTurns(value);
  if (bad) throw badRequest(unstorableMessage(bad));
  return value;
}

/**
 * A NUL in a query parameter, refused as one in a path is (router.ts): no id,
 * name or filter value holds one, and PostgreSQL's text cannot, so a filter
 * with one (/api/traces?app=%00) was a 500 there.
 */
function refuseNulInQuery(query: URLSearchParams): void {
  for (const [name, value] of query) {
    if (name.includes("\u0000") || value.includes("\u0000")) throw badRequest(`the query parameter ${JSON.stringify(name)} holds a NUL character (%00)`);
  }
}

const ANONYMOUS: Caller = { keyId: "", role: "gateway", name: "anonymous" };

export function withApi<B = undefined>(opts: Options<B>, fn: (ctx: Ctx<B>) => Promise<ApiResponse>): Handler {
  return async (req) => {
    const requestId = requestIdFor(req);
    try {
      const changes = !opts.readOnly && isStateChanging(req.method);
      const principal = opts.role ? await requirePrincipal(req, opts.role, changes) : ANONYMOUS;
      refuseNulInQuery(req.query);
      const body = opts.body ? opts.body.parse(await parseJson(req)) : (undefined as B);
      return await untilDatabaseSilent(() => fn({ req, principal, body, requestId }), boundOf(req, principal, requestId, changes));
    } catch (err) {
      return errorResponse(err, requestId);
    }
  };
}
