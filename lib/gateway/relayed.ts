/**
 * What the endpoints thinkgate relays to the upstream for a gateway key have
 * in common (Message Batches in lib/batches, Files in lib/files): the caller
 * authenticated as for /v1/messages, failures in the API's shape, JSON
 * answers that carry the upstream's request id.
 */
import { AppError } from "../api/errors";
import type { ApiRequest, ApiResponse } from "../api/http";
import { requestIdFor } from "../api/ids";
import { errorResponse } from "../api/error-response";
import { untilDatabaseSilent } from "../api/db-bound";
import { boundOf, callerScope, requirePrincipal, type Caller } from "../api/wrap";
import { hasRole } from "./keys";
import { relayFailure } from "./passthrough";

/**
 * Runs a relayed endpoint: the caller authenticated as for /v1/messages,
 * failures in the API's shape. Its handler reads and writes thinkgate's rows
 * (who owns a batch or a file, a create written ahead), so it is bounded as
 * a management request is (lib/api/db-bound.ts): a 503 once the database is
 * known not to answer, and a change refused before it runs while it is.
 */
export function relayedEndpoint(fn: (req: ApiRequest, principal: Caller, requestId: string) => Promise<ApiResponse>) {
  return async (req: ApiRequest): Promise<ApiResponse> => {
    const requestId = requestIdFor(req);
    try {
      const principal = await requirePrincipal(req, "gateway");
      return await untilDatabaseSilent(() => fn(req, principal, requestId), boundOf(req, principal, requestId));
    } catch (err) {
      return err instanceof AppError ? errorResponse(err, requestId) : relayFailure(err, requestId);
    }
  };
}

/** A JSON answer; `request-id` is the upstream's when there was a call, thinkgate's own is `thinkgate-request-id`. */
export function relayedJson(status: number, value: unknown, requestId: string, upstreamId: string | null): ApiResponse {
  return {
    status,
    headers: { "content-type": "application/json", "request-id": upstreamId ?? requestId, "thinkgate-request-id": requestId },
    body: JSON.stringify(value),
  };
}

/** Admins see what every key relayed, and what was made upstream without thinkgate. */
export const isAdmin = (p: Caller): boolean => hasRole(p.role, "admin");

/**
 * The id in the path and thinkgate's row for it, when the caller may see that
 * object: its own (same scope), or any as an admin (row null for one made
 * upstream without thinkgate). Otherwise, or for an id not in the API's
 * form (which then never becomes part of the upstream's path), the 404 of
 * an unknown id.
 */
export async function visibleTo<R extends { scope: string }>(
  req: ApiRequest,
  principal: Caller,
  o: { idForm: RegExp; get: (id: string) => Promise<R | null>; unknown: (id: string) => AppError },
): Promise<{ id: string; row: R | null }> {
  const id = req.params.id ?? "";
  if (!o.idForm.test(id)) throw o.unknown(id);
  const row = await o.get(id);
  if (row && row.scope === callerScope(principal)) return { id, row };
  if (isAdmin(principal)) return { id, row };
  throw o.unknown(id);
}
