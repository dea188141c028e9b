/**
 * A management request never waits on a database that does not answer.
 *
 * Past its authentication (whose lookups are bounded, lib/db/bounded-lookup.ts)
 * a handler runs its own queries, and a database that stops answering without
 * closing its connections fails none of them: the request waited with it for
 * good, and the requests behind it piled up. No query timeout can tell that
 * from a long query that is right to take minutes (an export, a replay, a
 * migration, a retention sweep), so the bound is the request's, and it holds
 * only while the database is known not to answer (lib/db/probe.ts): a handler
 * that has not finished after THINKGATE_MANAGEMENT_DB_MS (5 s) while the
 * probe's question goes unanswered gets a 503 `api_error` with retry-after.
 *
 * The handler is not stopped (nothing can stop a query sent): it finishes in
 * the background when the database answers, its answer discarded and its end
 * logged once. So a change cut this way may still take effect, and its 503
 * says so, with `x-should-retry: false`: the SDKs retry a 503 on their own,
 * and that retry would make the change twice once the database answers, or,
 * while it does not, be refused with "nothing was changed", the last word
 * the caller hears of a change that may yet land. A change that comes while
 * the database is already known not to answer is refused at once, before
 * anything is done (a retry of it is safe).
 */
import { notAnswering, waitSetting } from "../db/bounded-lookup";
import { silentFor } from "../db/probe";
import { logger } from "../observability/logger";
import { isStream, type ApiResponse } from "./http";

export const MANAGEMENT_DB_MS = waitSetting(process.env.THINKGATE_MANAGEMENT_DB_MS, 5_000);

/** How often a request past its wait asks whether the database answers. */
const LOOK_EVERY_MS = 200;

export interface DatabaseBound {
  /** The request changes something (POST, PUT, PATCH, DELETE). */
  change: boolean;
  /** How long the request runs before the database's silence can cut it. */
  waitMs: number;
  /** Why the database is known, now, not to answer, else null; `ask`: find out if it is time to (lib/db/probe.ts). */
  silent: (ask: boolean) => string | null;
  /** The request, for the log line of a handler that ends after its 503. */
  request: { id: string; method: string; path: string };
}

export const databaseBound = (request: DatabaseBound["request"], change: boolean): DatabaseBound => ({ change, waitMs: MANAGEMENT_DB_MS, silent: silentFor, request });

/** `handle`'s answer, or a 503 once it has run `waitMs` and the database is known not to answer. */
export async function untilDatabaseSilent(handle: () => Promise<ApiResponse>, bound: DatabaseBound): Promise<ApiResponse> {
  // Only what is known already: the database is asked nothing for a request that does not wait on it.
  const known = bound.silent(false);
  if (bound.change && known) throw notAnswering(`the database is not answering (${known}); nothing was changed`);
  const from = Date.now();
  const handling = handle();
  const first = await unlessSilent(handling, bound);
  if ("value" in first) return first.value;
  endsUnheard(handling, bound.request, from);
  const what = `the database did not answer this ${bound.change ? "change" : "request"} within ${bound.waitMs} ms (${first.why})`;
  throw bound.change
    ? notAnswering(what, "whether it took effect is not known, and it will if the database takes it later: look before you make it again", { "x-should-retry": "false" })
    : notAnswering(what);
}

/**
 * `pending`'s value, or why the database is known not to answer once it has
 * waited `waitMs` (and `pending` still has not settled). `pending` is not
 * stopped; a rejection it ends in later is handled here, never unhandled.
 */
export async function unlessSilent<T>(pending: Promise<T>, bound: Pick<DatabaseBound, "waitMs" | "silent">): Promise<{ value: T } | { why: string }> {
  let timer: NodeJS.Timeout | undefined;
  const silence = new Promise<string>((resolve) => {
    const look = () => {
      const why = bound.silent(true);
      if (why) resolve(why);
      else timer = setTimeout(look, LOOK_EVERY_MS);
    };
    timer = setTimeout(look, bound.waitMs);
  });
  try {
    return await Promise.race([pending.then((value) => ({ value })), silence.then((why) => ({ why }))]);
  } finally {
    clearTimeout(timer);
  }
}

/** A handler whose caller got the 503: its answer is dropped (a stream closed) and its end logged once, never left unhandled. */
function endsUnheard(handling: Promise<ApiResponse>, request: DatabaseBound["request"], from: number): void {
  const fields = () => ({ requestId: request.id, method: request.method, path: request.path, ms: Date.now() - from });
  handling.then(
    (res) => {
      if (isStream(res)) Promise.resolve(res.stream[Symbol.asyncIterator]().return?.()).catch(() => undefined);
      logger.warn({ ...fields(), status: res.status }, "a request answered 503 for the database's silence has ended");
    },
    (err: unknown) => logger.warn({ ...fields(), err }, "a request answered 503 for the database's silence has failed"),
  );
}
