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
 * A capped request whose model has no price (the route's model, or its
 * escalation target's) is refused with a 403 \`permission_error\`: its cost
 * could not be counted, and no other model's price is a sound stand-in (a
 * model is unpriced because its price is unknown; a guess could be too low).
 * The downgrade's standard route is not offered when its model is unpriced.
 *
 * Redis unreachable: limits fail open (the request is served, a warning is
 * logged at most every 10 s, the response says `thinkgate-limit: unavailable`):
 * budgets are a cost control, and the gateway stays up when Redis does not.
 * So does a day whose spend Redis lost and the records cannot be summed
 * (the database unreachable): it is seeded by the first request that can.
 */
import { AppError } from "../api/errors";
import { sharedRedis } from "../cluster/redis";
import { applyDecision } from "../gateway/apply";
import type { Attempt } from "../gateway/messages";
import type { Principal } from "../gateway/keys";
import { logger } from "../observability/logger";
import type { CostBreakdown } from "../pricing/cost";
import { costOf, priceFor } from "../pricing/service";
import type { AnthropicUsage } from "../pricing/usage";
import type { RoutingSnapshot } from "../routing/pipeline";
import type { Decision } from "../routing/types";
import { estimateCostUsd } from "./estimate";
import { msToDayEnd, toMicro, utcDay, type AdmitResult, type Limiter, type ScopeLimit, type Ticket } from "./limiter";
import { MemoryLimiter } from "./memory";
import type { LimitPolicy } from "./policy";
import { spendOf } from "./recorded";
import { RedisLimiter } from "./redis";

export interface Admission {
  ticket: Ticket;
  reservedMicro: number;
  headers: Record<string, string>;
  /** What the request counted when it was settled (spentMicro). */
  spentMicro?: number;
}

const g = globalThis as unknown as { __thinkgateLimiter?: Limiter };

/** The process's limiter: shared through Redis when REDIS_URL is set, in memory otherwise. */
export function limiter(): Limiter {
  if (!g.__thinkgateLimiter) {
    const shared = sharedRedis();
    g.__thinkgateLimiter = shared ? new RedisLimiter(shared.client, shared.settings.prefix, undefined, spendOf) : new MemoryLimiter();
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

/** The daily USD budget the request is under, named for the caller (the key's first, then the app's), or null. */
export function usdBudget(a: Attempt, principal: Principal, snapshot: RoutingSnapshot): string | null {
  const s = scopesOf(a, principal, snapshot).find((x) => x.capMicro !== null);
  return s ? `${s.label} ($${s.policy.usdPerDay!.toFixed(2)})` : null;
}

/**
 * What a budget counts of a call's cost: its total when priced; when its
 * server tools' fees or fast multiplier are unknown, its tokens' cost (known,
 * and below the total); null when nothing of it can be priced (no price row).
 */
export function knownCostUsd(cost: CostBreakdown): number | null {
  return cost.total ?? cost.lowerBoundTotal;
}

/** The calls the request may make as decided: the route's, then its escalation target's. */
function plannedCalls(a: Attempt, decision: Decision, applied: NonNullable<Attempt["applied"]>, snapshot: RoutingSnapshot): NonNullable<Attempt["applied"]>[] {
  const target = decision.escalation ? snapshot.routes.get(decision.escalation.toRouteId) : undefined;
  return target ? [applied, applyDecision(a.body!, { ...decision, tier: target.tier, route: target, escalation: undefined })] : [applied];
}

/** The upper bound of what the request costs as planned (plannedCalls: its escalation target included), plus the hops already paid. */
function estimateMicro(a: Attempt, planned: NonNullable<Attempt["applied"]>[], bytes: number): number {
  let usd = 0;
  // The LLM classifier's call. Under a budget it is not made on a model without a price (llm-stage.ts); one whose price went between the call and now counts nothing here and its reservation at settlement (spentMicro).
  for (const h of a.hops) if (h.usage) usd += knownCostUsd(costOf(h.model, h.usage, a.createdAt).cost) ?? 0;
  // Every planned model is priced (admit refuses otherwise).
  for (const c of planned) usd += estimateCostUsd(c.model, bytes, c.body.max_tokens, a.createdAt, c.body.tools) ?? 0;
  return Math.ceil(usd * 1e6);
}

/** The same request on the standard route, when a downgrade can serve it (never a pinned conversation: its thinking blocks need its model). */
function standardFallback(a: Attempt, snapshot: RoutingSnapshot): { decision: Decision; applied: NonNullable<Attempt["applied"]> } | null {
  const d = a.decision!;
  if (d.tier !== "reasoning" || d.stage === "pinned" || d.pinned) return null;
  const route = snapshot.routes.get(snapshot.tierRoutes.standard);
  if (!route || route.tier !== "standard") return null;
  const decision: Decision = { ...d, tier: "standard", route, escalation: undefined, budgetTier: undefined };
  const applied = applyDecision(a.body!, decision);
  // A standard route on a model without a price is no way to stay within a budget.
  return priceFor(applied.model, a.createdAt) ? { decision, applied } : null;
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
 * A daily budget cannot be kept on a model without a price: its calls would
 * count nothing, and no other price is a sound stand-in. Refused before
 * anything is reserved or counted, naming the model and the budget.
 */
function refuseUnpriced(a: Attempt, scopes: Scoped[], planned: NonNullable<Attempt["applied"]>[]): void {
  const model = planned.find((c) => !priceFor(c.model, a.createdAt))?.model;
  if (!model) return;
  const s = scopes.find((x) => x.capMicro !== null)!;
  const message = `${model} has no price in the price table, so the daily budget of ${s.label} ($${s.policy.usdPerDay!.toFixed(2)}) cannot be enforced on it: add a price for ${model} (Settings → Prices, or POST /api/prices), or use a priced model`;
  a.decision = { ...a.decision!, reason: `${a.decision!.reason}; rejected: ${message}` };
  throw new AppError("permission_error", message, { headers: { "thinkgate-limit": `unpriced; scope=${s.kind}; limit=usd_per_day` } });
}

/**
 * Checks and reserves; on a downgrade replaces a.decision and a.applied; at a
 * cap throws the 429. A request without limits returns at once.
 */
export async function admit(a: Attempt, principal: Principal, snapshot: RoutingSnapshot, headers: Record<string, string | undefined>): Promise<void> {
  const scopes = scopesOf(a, principal, snapshot);
  if (!scopes.length || !a.decision || !a.applied || !a.body) return;
  const capped = scopes.some((s) => s.capMicro !== null);
  // The calls as decided, worked out once: checked for prices, then estimated.
  const planned = capped ? plannedCalls(a, a.decision, a.applied, snapshot) : [];
  if (capped) refuseUnpriced(a, scopes, planned);
  const bytes = capped ? bodyBytes(a, headers) : 0;
  const fallback = capped && scopes.some((s) => s.downgrade && s.capMicro !== null) ? standardFallback(a, snapshot) : null;
  const day = utcDay(a.createdAt);
  let result: AdmitResult;
  try {
    result = await limiter().admit({
      id: a.requestId,
      scopes,
      estimateMicro: capped ? estimateMicro(a, planned, bytes) : 0,
      fallbackMicro: fallback ? estimateMicro(a, plannedCalls(a, fallback.decision, fallback.applied, snapshot), bytes) : null,
      day,
    });
  } catch (err) {
    if (Date.now() - lastWarning > 10_000) {
      lastWarning = Date.now();
      logger.warn({ err: (err as Error).message }, "limits could not be checked (redis unavailable, or today's spend not loaded yet): requests are served without them");
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
 * What a request counts against its budgets, never less than what is known
 * of its cost:
 * - priced calls (classifier, escalated answer, the answer served): their cost;
 * - a call priced only in part (a server tool with no fee set, fast mode with
 *   no multiplier): its tokens' cost, or the request's reservation if that is
 *   more (the part left out is not nothing, and the estimate held for it is
 *   the best bound there is; the tokens alone pass it when, say, search
 *   results filled the context);
 * - a call whose cost cannot be known at all (an answer billed, then lost with
 *   its usage; a fallback onto a model without a price): the reservation, the
 *   request's estimated upper bound, for each.
 * A request that got no usage at all cost nothing.
 */
export function spentMicro(calls: { model: string; usage: AnthropicUsage | null }[], unreadAnswers: number, reservedMicro: number, at: Date): number {
  let known = 0;
  let partial = false;
  let unknown = unreadAnswers;
  for (const c of calls) {
    if (!c.usage) continue;
    const cost = costOf(c.model, c.usage, at).cost;
    const usd = knownCostUsd(cost);
    if (usd === null) unknown++;
    else known += usd * 1e6;
    if (cost.total === null && usd !== null) partial = true;
  }
  const counted = Math.round(known);
  return (partial ? Math.max(counted, reservedMicro) : counted) + unknown * reservedMicro;
}

/**
 * Replaces the reservation by what the request counts (spentMicro), off the
 * response path and fire and forget. Called once, where the request finishes
 * or fails.
 */
export function settle(a: Attempt, answerUsage: AnthropicUsage | null): void {
  const admission = a.admission;
  if (!admission || !admission.ticket.capped.length || admission.spentMicro !== undefined) return;
  const calls = a.hops.map((h) => ({ model: h.model, usage: h.usage }));
  if (answerUsage && a.applied) calls.push({ model: a.applied.model, usage: answerUsage });
  const spent = (admission.spentMicro = spentMicro(calls, a.unreadAnswers ?? 0, admission.reservedMicro, a.createdAt));
  setImmediate(() => {
    limiter()
      .settle(admission.ticket, spent)
      .catch((err: Error) => logger.warn({ err: err.message, requestId: a.requestId }, "could not settle a budget reservation; it lapses after its TTL"));
  });
}

/**
 * What the request counts against its key's and its app's daily budgets, as
 * its record keeps it (budgetUsd), for a start without Redis to reload the
 * day's spend from (reload.ts): what it was settled at; before that, its
 * reservation, which is what it counts if the process dies now (a reservation
 * never settled lapses into spend). Undefined when no budget applied.
 */
export function budgetCharge(a: Attempt): number | undefined {
  const admission = a.admission;
  if (!admission?.ticket.capped.length) return undefined;
  return admission.spentMicro ?? admission.reservedMicro;
}
