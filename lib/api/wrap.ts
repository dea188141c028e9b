/**
 * The wrapper every API handler goes through: authentication and role, body
 * parsing with zod, and one mapping of errors to the Anthropic error shape.
 * Handlers stay thin: parse, check, call one function in lib/, return.
 */
import { ZodError, type ZodType } from "zod";
import { hasSessionCookie, sessionCaller } from "../auth/principal";
import { csrfMatches, CSRF_HEADER, isStateChanging } from "../auth/session";
import { authenticate, hasRole, presentedKey, type Principal, type Role } from "../gateway/keys";
import { logger } from "../observability/logger";
import { AppError, errorBody } from "./errors";
import { parseJsonText } from "./json-body";
import type { ApiRequest, ApiResponse, Handler } from "./http";
import { newRequestId } from "./ids";

/** Who is calling: a gateway key, or a signed-in user (then userId is set and keyId is ""). */
export interface Caller extends Principal {
  userId?: string;
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
}

export function errorResponse(err: unknown, requestId: string): ApiResponse {
  if (err instanceof AppError) {
    return {
      status: err.status,
      headers: { "content-type": "application/json", "request-id": requestId, ...err.headers },
      body: errorBody(err.type, err.message, requestId, err.details),
    };
  }
  if (err instanceof ZodError) {
    return {
      status: 400,
      headers: { "content-type": "application/json", "request-id": requestId },
      body: errorBody("invalid_request_error", formatZodError(err), requestId),
    };
  }
  logger.error({ err, requestId }, "unhandled error");
  return {
    status: 500,
    headers: { "content-type": "application/json", "request-id": requestId },
    body: errorBody("api_error", "Internal server error", requestId),
  };
}

export function formatZodError(err: ZodError): string {
  return err.issues
    .slice(0, 5)
    .map((i) => `${i.path.length ? i.path.join(".") + ": " : ""}${i.message}`)
    .join("; ");
}

/**
 * Authenticates by a gateway key (x-api-key or Bearer) when one is presented,
 * else by the session cookie. A key wins over a cookie, and a wrong key is a
 * 401 even with a valid cookie, so programs behave exactly as before sessions
 * existed. Cookie-authenticated state changes must carry the CSRF header; key
 * requests need none (a cross-site page cannot make a browser send a key).
 */
export async function requirePrincipal(req: ApiRequest, role: Role): Promise<Caller> {
  const key = presentedKey(req.headers);
  if (key === undefined && hasSessionCookie(req.headers)) return requireSession(req, role);
  const principal = await authenticate(key);
  if (!principal) throw new AppError("authentication_error", "invalid x-api-key");
  if (!hasRole(principal.role, role)) throw new AppError("permission_error", `this key's role (${principal.role}) cannot do this; ${role} or above is required`);
  return principal;
}

async function requireSession(req: ApiRequest, role: Role): Promise<Caller> {
  const caller = await sessionCaller(req.headers["cookie"]);
  if (!caller) throw new AppError("authentication_error", "your session has expired or is not valid; sign in again");
  if (isStateChanging(req.method) && !csrfMatches(caller.session.csrf, req.headers[CSRF_HEADER])) {
    throw new AppError("permission_error", `missing or wrong CSRF token: send the ${CSRF_HEADER} header with the value of the thinkgate_csrf cookie`);
  }
  const { user } = caller;
  if (!hasRole(user.role, role)) throw new AppError("permission_error", `your role (${user.role}) cannot do this; ${role} or above is required`);
  return { keyId: "", role: user.role, name: user.email, userId: user.id };
}

export async function parseJson(req: ApiRequest): Promise<unknown> {
  return parseJsonText(await req.text());
}

const ANONYMOUS: Caller = { keyId: "", role: "gateway", name: "anonymous" };

export function withApi<B = undefined>(opts: Options<B>, fn: (ctx: Ctx<B>) => Promise<ApiResponse>): Handler {
  return async (req) => {
    const requestId = newRequestId();
    try {
      const principal = opts.role ? await requirePrincipal(req, opts.role) : ANONYMOUS;
      const body = opts.body ? opts.body.parse(await parseJson(req)) : (undefined as B);
      return await fn({ req, principal, body, requestId });
    } catch (err) {
      return errorResponse(err, requestId);
    }
  };
}
