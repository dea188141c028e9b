/**
 * Whether the database answers, for /api/health. The recorder's view
 * (dbReachable) changes only when a batch of records fails, and a database
 * that stops answering without closing its connections fails nothing: with
 * no record to write, health said "ok" for as long as it liked. So health
 * asks the database itself (SELECT 1), at most once a second, and a question
 * left unanswered for PROBE_WAIT_MS counts as "not answering".
 *
 * Health never waits on the database but for its very first question: load
 * balancers poll it, and the event-loop tests read its latency as the serving
 * thread's. Between questions it reports the last answer.
 */
import { healthRepo } from "./health.repo";
import { within } from "./bounded-lookup";

const PROBE_EVERY_MS = 1_000;
/** As long as a request waits for its key's row (THINKGATE_KEY_LOOKUP_MS' default) before counting the database unreachable. */
export const PROBE_WAIT_MS = 2_000;

export interface DatabaseAnswer {
  answering: boolean;
  /** Why not: the database's error, or how long the question in flight has waited. */
  error?: string;
  /** When the database last answered (ISO time), if it has since the start. */
  lastAnswerAt: string | null;
}

interface State {
  last: { answering: boolean; error?: string; at: number } | null;
  lastAnswerAt: number | null;
  /** When the question in flight was asked. */
  askedAt: number | null;
}
const s: State = { last: null, lastAnswerAt: null, askedAt: null };

function ask(): Promise<void> {
  const askedAt = Date.now();
  s.askedAt = askedAt;
  return healthRepo
    .ping()
    .then(
      () => {
        s.last = { answering: true, at: Date.now() };
        s.lastAnswerAt = s.last.at;
      },
      (err: unknown) => {
        s.last = { answering: false, error: err instanceof Error ? err.message : String(err), at: Date.now() };
      },
    )
    .finally(() => {
      if (s.askedAt === askedAt) s.askedAt = null;
    });
}

/** Asks the database when no question is in flight and the last answer is PROBE_EVERY_MS old; the question asked, if one was. */
function askIfDue(): Promise<void> | undefined {
  return s.askedAt === null && (!s.last || Date.now() - s.last.at >= PROBE_EVERY_MS) ? ask() : undefined;
}

export async function databaseAnswer(): Promise<DatabaseAnswer> {
  const asking = askIfDue();
  if (asking && !s.last) await within(asking, PROBE_WAIT_MS, "a health probe").catch(() => undefined);
  const lastAnswerAt = s.lastAnswerAt === null ? null : new Date(s.lastAnswerAt).toISOString();
  const waited = s.askedAt === null ? 0 : Date.now() - s.askedAt;
  if (waited >= PROBE_WAIT_MS) return { answering: false, error: `no answer to SELECT 1 in ${waited} ms`, lastAnswerAt };
  if (!s.last) return { answering: false, error: "not asked yet", lastAnswerAt };
  return { answering: s.last.answering, ...(s.last.error ? { error: s.last.error } : {}), lastAnswerAt };
}

/**
 * Why the database is known, at this moment, not to answer: a question has
 * waited PROBE_WAIT_MS or more ("no answer to SELECT 1 in 2300 ms"); else
 * null. Never waits; with `ask`, asks when a question is due, so that a
 * request held on the database (lib/api/db-bound.ts) can tell a silent
 * database from a slow query of its own. A database that fails its queries
 * is not silent: the requests on it fail too.
 */
export function silentFor(ask: boolean): string | null {
  if (ask) askIfDue();
  const waited = s.askedAt === null ? 0 : Date.now() - s.askedAt;
  return waited >= PROBE_WAIT_MS ? `no answer to SELECT 1 in ${waited} ms` : null;
}
