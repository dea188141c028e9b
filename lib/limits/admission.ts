/**
 * Admission: after routing decided and before anything is sent upstream, the
 * request's key and app limits are checked and its estimated cost reserved
 * (one atomic step: one Redis round trip with REDIS_URL, in memory without).
 * Settlement replaces the reservation with the real cost where the request
 * finishes or fails, off the response path.
 *
 * At a cap: rpm → 429; the daily budget → 429, or with action `downgrade` the
 * reasoning request is served by the standard route. Either way the decision's
 * reason says so (it is stored in the record) and the response carries
 * `thinkgate-limit` (ok | downgraded | rejected | unavailable, with the scope
 * and the limit) and, for rpm, `x-ratelimit-limit-requests` and
 * `x-ratelimit-remaining-requests`.
 *
 * Redis unreachable: limits fail open (the request is served, a warning is
 * logged at most every 10 s, the response says `thinkgate-limit: unavailable`):
 * budgets are a cost control, and the gateway stays up when Redis does not.
 */
import { AppError } from "../api/errors";
import { sharedRedis } from "../cluster/redis";
import { applyDecision } from "../gateway/apply";
import type { Attempt } from "../gateway/messages";
import type { Principal } from "../gateway/keys";
import { logger } from "../observability/logger";
import { costOf } from "../pricing/service";
import type { AnthropicUsage } from "../pricing/usage";
import type { RoutingSnapshot } from "../routing/pipeline";
import type { Decision } from "../routing/types";
import { estimateCostUsd } from "./estimate";
import { msToDayEnd, toMicro, utcDay, type AdmitResult, type Limiter, type ScopeLimit, type Ticket } from "./limiter";
import { MemoryLimiter } from "./memory";
import type { LimitPolicy } from "./policy";
import { RedisLimiter } from "./redis";

export interface Admission {
  ticket: Ticket;
  reservedMicro: number;
  headers: Record<string, string>;
  settled?: boolean;
}

const g = globalThis as unknown as { __thinkgateLimiter?: Limiter };

/** The process's limiter: shared through Redis when REDIS_URL is set, in memory otherwise. */
export function limiter(): Limiter {
  if (!g.__thinkgateLimiter) {
    const shared = sharedRedis();
    g.__thinkgateLimiter = shared ? new RedisLimiter(shared.client, shared.settings.prefix) : new MemoryLimiter();
  }
  return g.__thinkgateLimiter;
}

interface Scoped extends ScopeLimit {
  /** How the scope is named to the caller: key "billing" / app "faq-bot". */
  label: string;
  kind: "key" | "app";
  policy: LimitPolicy;
}

function scopesOf(a: Attempt, principal: Principal, snapshot: RoutingSnapshot): Scoped[] {
  const out: Scoped[] = [];
  const add = (kind: Scoped["kind"], id: string, label: string, p: LimitPolicy) =>
    out.push({ scope: `${kind}:${id}`, kind, label, policy: p, rpm: p.rpm, capMicro: p.usdPerDay === null ? null : toMicro(p.usdPerDay), downgrade: p.action === "downgrade" });
  if (principal.limits && principal.keyId) add("key", principal.keyId, `key "${principal.name}"`, principal.limits);
  const app = a.routable?.app ? snapshot.apps.get(a.routable.app.toLowerCase()) : undefined;
  if (app?.limits) add("app", app.name.toLowerCase(), `app "${app.name}"`, app.limits);
  return out;
}

/** The upper bound of what the request costs as decided (its escalation target included), plus the hops already paid. */
function estimateMicro(a: Attempt, decision: Decision, applied: NonNullable<Attempt["applied"]>, bytes: number, snapshot: RoutingSnapshot): number {
  let usd = 0;
  for (const h of a.hops) if (h.usage) usd += costOf(h.model, h.usage, a.createdAt).cost.total ?? 0;
  usd += estimateCostUsd(applied.model, bytes, applied.body.max_tokens, a.createdAt) ?? 0;
  const target = decision.escalation ? snapshot.routes.get(decision.escalation.toRouteId) : undefined;
  if (target) {
    const then = applyDecision(a.body!, { ...decision, tier: target.tier, route: target, escalation: undefined });
    usd += estimateCostUsd(then.model, bytes, then.body.max_tokens, a.createdAt) ?? 0;
  }
  return Math.ceil(usd * 1e6);
}

/** The same request on the standard route, when a downgrade can serve it (never a pinned conversation: its thinking blocks need its model). */
function standardFallback(a: Attempt, snapshot: RoutingSnapshot): { decision: Decision; applied: NonNullable<Attempt["applied"]> } | null {
  const d = a.decision!;
  if (d.tier !== "reasoning" || d.stage === "pinned" || d.pinned) return null;
  const route = snapshot.routes.get(snapshot.tierRoutes.standard);
  if (!route || route.tier !== "standard") return null;
  const decision: Decision = { ...d, tier: "standard", route, escalation: undefined, budgetTier: undefined };
  return { decision, applied: applyDecision(a.body!, decision) };
}

let lastWarning = 0;

function bodyBytes(a: Attempt, headers: Record<string, string | undefined>): number {
  if (a.bodySize) return a.bodySize;
  const declared = Number(headers["content-length"]);
  return Number.isFinite(declared) && declared > 0 ? declared : JSON.stringify(a.body).length;
}

const describe = (s: Scoped, kind: "rpm" | "budget") =>
  kind === "rpm" ? `${s.label} reached its limit of ${s.policy.rpm} requests per minute` : `${s.label} reached its daily budget of $${s.policy.usdPerDay!.toFixed(2)} (UTC day)`;

/**
 * Checks and reserves; on a downgrade replaces a.decision and a.applied; at a
 * cap throws the 429. A request without limits returns at once.
 */
export async function admit(a: Attempt, principal: Principal, snapshot: RoutingSnapshot, headers: Record<string, string | undefined>): Promise<void> {
  const scopes = scopesOf(a, principal, snapshot);
  if (!scopes.length || !a.decision || !a.applied || !a.body) return;
  const capped = scopes.some((s) => s.capMicro !== null);
  const bytes = capped ? bodyBytes(a, headers) : 0;
  const fallback = capped && scopes.some((s) => s.downgrade && s.capMicro !== null) ? standardFallback(a, snapshot) : null;
  const day = utcDay(a.createdAt);
  let result: AdmitResult;
  try {
    result = await limiter().admit({
      id: a.requestId,
      scopes,
      estimateMicro: capped ? estimateMicro(a, a.decision, a.applied, bytes, snapshot) : 0,
      fallbackMicro: fallback ? estimateMicro(a, fallback.decision, fallback.applied, bytes, snapshot) : null,
      day,
    });
  } catch (err) {
    if (Date.now() - lastWarning > 10_000) {
      lastWarning = Date.now();
      logger.warn({ err: (err as Error).message }, "limits could not be checked (redis unavailable): requests are served without them");
    }
    a.admission = { ticket: { id: a.requestId, day, capped: [] }, reservedMicro: 0, headers: { "thinkgate-limit": "unavailable" } };
    return;
  }

  if (!result.ok) {
    const s = scopes.find((x) => x.scope === result.scope)!;
    const message = describe(s, result.kind);
    const retryMs = result.kind === "rpm" ? result.retryAfterMs : msToDayEnd(new Date());
    a.decision = { ...a.decision, reason: `${a.decision.reason}; rejected: ${message}` };
    throw new AppError("rate_limit_error", message, {
      headers: {
        "retry-after": String(Math.max(1, Math.ceil(retryMs / 1000))),
        "thinkgate-limit": `rejected; scope=${s.kind}; limit=${result.kind === "rpm" ? "rpm" : "usd_per_day"}`,
        // Retrying within the day cannot help a spent budget.
        ...(result.kind === "budget" ? { "x-should-retry": "false" } : { "x-ratelimit-limit-requests": String(s.rpm), "x-ratelimit-remaining-requests": "0" }),
      },
    });
  }

  const h: Record<string, string> = { "thinkgate-limit": "ok" };
  if (result.downgraded && fallback) {
    const over = scopes.filter((s) => s.downgrade && s.capMicro !== null).map((s) => describe(s, "budget"));
    a.decision = { ...fallback.decision, reason: `${a.decision.reason}; downgraded to standard: ${over.join(" or ")}` };
    a.applied = fallback.applied;
    h["thinkgate-limit"] = `downgraded; scope=${scopes.filter((s) => s.downgrade && s.capMicro !== null).map((s) => s.kind).join(",")}; limit=usd_per_day`;
  }
  const rpm = scopes.filter((s) => s.rpm !== null).map((s) => s.rpm!);
  if (rpm.length && result.requestsLeft !== null) {
    h["x-ratelimit-limit-requests"] = String(Math.min(...rpm));
    h["x-ratelimit-remaining-requests"] = String(result.requestsLeft);
  }
  if (result.budgetLeftMicro !== null) h["thinkgate-budget-remaining-usd"] = (Math.max(0, result.budgetLeftMicro) / 1e6).toFixed(6);
  a.admission = { ticket: { id: a.requestId, day, capped: scopes.filter((s) => s.capMicro !== null).map((s) => s.scope) }, reservedMicro: result.reservedMicro, headers: h };
}

/**
 * Replaces the reservation by the real cost of every upstream call the
 * request made (classifier, escalated answer, the answer served), off the
 * response path and fire and forget. A call without a price leaves the
 * estimate in place; a request that got no usage at all cost nothing.
 * Called once, where the request finishes or fails.
 */
export function settle(a: Attempt, answerUsage: AnthropicUsage | null): void {
  const admission = a.admission;
  if (!admission || !admission.ticket.capped.length || admission.settled) return;
  admission.settled = true;
  const calls = a.hops.map((h) => ({ model: h.model, usage: h.usage }));
  if (answerUsage && a.applied) calls.push({ model: a.applied.model, usage: answerUsage });
  setImmediate(() => {
    let micro = 0;
    let unpriced = false;
    for (const c of calls) {
      if (!c.usage) continue;
      const usd = costOf(c.model, c.usage, a.createdAt).cost.total;
      if (usd === null) unpriced = true;
      else micro += usd * 1e6;
    }
    limiter()
      .settle(admission.ticket, unpriced ? admission.reservedMicro : Math.round(micro))
      .catch((err: Error) => logger.warn({ err: err.message, requestId: a.requestId }, "could not settle a budget reservation; it lapses after its TTL"));
  });
}
