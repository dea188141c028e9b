/**
 * The trace explorer's filters: one zod schema for the query string (the API
 * and the page's URL use the same names), and their translation into what the
 * repository queries.
 */
import { z } from "zod";
import { isoInstant } from "../api/instant";
import { decimal } from "../api/query-number";
import type { TraceFilter } from "../db/traces.repo";
import { searchProblem, searchTokens, SEARCH_NO_WORDS } from "./search";

export { searchTokens };

export const STAGES = ["override", "pinned", "context", "rule", "classifier", "escalation", "background", "client", "default", "none"] as const;
export const TIERS = ["reasoning", "standard"] as const;
export const STATUSES = ["ok", "error", "partial"] as const;

const bool = z.enum(["true", "false"]).transform((v) => v === "true");
const usd = decimal(z.number().finite().min(0).max(1_000_000));
const text = z.string().trim().min(1).max(200);

export const traceQuerySchema = z
  .object({
    /** Milliseconds, read by the one ISO validator every instant a client names goes through. */
    from: isoInstant.optional(),
    to: isoInstant.optional(),
    /** A route id; "-" for requests that had no route. */
    route: text.optional(),
    tier: z.enum(TIERS).optional(),
    stage: z.enum(STAGES).optional(),
    model: text.optional(),
    /** An app name; "-" for requests that named no app. */
    app: text.optional(),
    task: text.optional(),
    status: z.enum(STATUSES).optional(),
    costMin: usd.optional(),
    costMax: usd.optional(),
    escalated: bool.optional(),
    hedging: bool.optional(),
    /** Only records whose thinking text was read (true), or only those without (false): the patterns page counts the first. */
    thinking: bool.optional(),
    /** Only records whose failure score (probability the answer is wrong) is at least this. */
    failureMin: decimal(z.number().finite().min(0).max(1)).optional(),
    /** "failure": most likely wrong first. */
    sort: z.enum(["newest", "failure"]).optional(),
    q: z
      .string()
      .trim()
      .max(200)
      .refine((v) => searchProblem(v) === null, { message: SEARCH_NO_WORDS })
      .optional(),
    cursor: z.string().regex(/^req_[0-9a-z]+$/, "cursor: not a request id").max(64).optional(),
    limit: decimal(z.number().int().min(1).max(200)).default(50),
  })
  .refine((v) => v.from === undefined || v.to === undefined || v.from < v.to, { message: "from must be before to", path: ["from"] })
  .refine((v) => v.costMin === undefined || v.costMax === undefined || v.costMin <= v.costMax, {
    message: "costMin must not be above costMax",
    path: ["costMin"],
  });

export type TraceQuery = z.infer<typeof traceQuerySchema>;

/**
 * The smallest request id created at `ms` or later. Mirrors newRequestId()
 * (lib/api/ids.ts): "req_", the time in base 36 padded to 9 characters, then
 * randomness; so ids from `ms` on compare >= this string.
 */
export function idBoundAt(ms: number): string {
  return `req_${Math.max(0, Math.floor(ms)).toString(36).padStart(9, "0")}`;
}

export function toTraceFilter(q: TraceQuery): TraceFilter {
  const search = searchTokens(q.q);
  return {
    ...(q.from !== undefined ? { fromId: idBoundAt(q.from) } : {}),
    ...(q.to !== undefined ? { toId: idBoundAt(q.to) } : {}),
    ...(q.route ? { routeId: q.route === "-" ? "" : q.route } : {}),
    ...(q.tier ? { tier: q.tier } : {}),
    ...(q.stage ? { stage: q.stage } : {}),
    ...(q.model ? { model: q.model } : {}),
    ...(q.app ? { app: q.app === "-" ? "" : q.app } : {}),
    ...(q.task ? { task: q.task } : {}),
    ...(q.status ? { status: q.status } : {}),
    ...(q.costMin !== undefined ? { costMin: q.costMin } : {}),
    ...(q.costMax !== undefined ? { costMax: q.costMax } : {}),
    ...(q.escalated !== undefined ? { escalated: q.escalated } : {}),
    ...(q.hedging !== undefined ? { hedging: q.hedging } : {}),
    ...(q.thinking !== undefined ? { thinking: q.thinking } : {}),
    ...(q.failureMin !== undefined ? { failureMin: q.failureMin } : {}),
    ...(q.sort === "failure" ? { order: "failure" as const } : {}),
    ...(search.length ? { search } : {}),
  };
}
