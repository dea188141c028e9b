/**
 * What-if replay: re-decide stored requests with a draft rule set and with
 * the active one, and report what would change and what it would cost.
 *
 * Both sides are decided now, by the same pipeline (`decide`) with the same
 * routes, apps and classifier; only the rules differ. So a difference is the
 * draft's doing, not drift since the request was served (a rule edited
 * yesterday, a retrained classifier).
 *
 * Requests left out (counted in `skipped`, never "changed"):
 * - stage "override": the caller forced a tier with thinkgate-tier; that
 *   header still wins over any rule.
 * - stage "pinned": the conversation carried thinking blocks or a pending
 *   tool result and stays on the configuration it started with; rules never
 *   apply to it.
 * - no decision (stage "none"): rejected before routing (bad key, bad body).
 * The stored records do not keep the headers or history that these stages
 * read, so re-deciding them would also be a guess.
 *
 * Cost, per changed request, on each side's route (all estimates share the
 * assumptions of lib/pricing/counterfactual.ts: same prompt buckets, same
 * visible output, thinking from the route's budget tier):
 * - the route it was actually served on: its actual cost;
 * - standard → the tier's reasoning route: the stored counterfactualCost
 *   (what the dashboards show as "always reason");
 * - any other reasoning route: estimateReasoningCost with the route's tier
 *   (a reasoning request's own thinking is dropped first: it belongs to the
 *   other configuration);
 * - a standard route: estimateStandardCost (thinking removed).
 * Missing prices make that request's delta unknown: it is counted in
 * `unpricedChanges` and left out of the sums, never treated as $0.
 * The per-day rate scales the summed delta by the time the replayed requests
 * span, at least one hour, so a burst of requests seconds apart does not
 * extrapolate to absurd daily figures.
 */
import { estimateReasoningCost, estimateStandardCost, type ThinkingTier } from "../pricing/counterfactual";
import type { CostBreakdown } from "../pricing/cost";
import type { PriceRow } from "../pricing/seed";
import { STANDARD_MODIFIERS, type TokenBuckets } from "../pricing/usage";
import { decide, type PinLookup, type RoutingSnapshot } from "../routing/pipeline";
import type { Decision, RouteConfig, RoutableRequest, Stage, Tier } from "../routing/types";
import { turnBudget } from "../runtime/turns";

export interface ReplayRecord {
  id: string;
  createdAt: Date;
  prompt: string | null;
  system: string | null;
  task: string | null;
  app: string | null;
  requestedModel: string;
  hasTools: boolean;
  /** The stored decision, to tell which records can be replayed. */
  stage: string;
  /** The retention (or an admin) cleared its text: there is no prompt left to decide on. */
  textCleared: boolean;
  tier: string;
  routeId: string | null;
  buckets: TokenBuckets;
  costTotal: number | null;
  counterfactualCost: number | null;
}

export interface ReplaySide {
  tier: Tier;
  stage: Stage;
  routeId: string | null;
  routeName: string | null;
  ruleId: string | null;
  /** Estimated (or actual) cost on this side's route; null when unpriced. */
  cost: number | null;
}

export interface ChangedRequest {
  id: string;
  createdAt: string;
  promptPreview: string;
  task: string | null;
  app: string | null;
  kind: "to_reasoning" | "to_standard" | "route";
  before: ReplaySide;
  after: ReplaySide;
  /** after.cost − before.cost; null when either is unpriced. */
  costDelta: number | null;
}

export interface ReplayResult {
  /** Records read. */
  considered: number;
  /** Records re-decided (considered minus skipped). */
  replayed: number;
  skipped: { override: number; pinned: number; undecided: number; cleared: number };
  changed: { total: number; toReasoning: number; toStandard: number; routeOnly: number };
  /** The changed requests in the order given (the repository reads newest first), at most `maxListed`. */
  changes: ChangedRequest[];
  /** True when more requests changed than are listed. */
  truncated: boolean;
  cost: {
    /** Sum of priced deltas over the window, USD. */
    deltaTotal: number;
    /** deltaTotal scaled to a day over the window the replayed requests span. */
    deltaPerDay: number;
    pricedChanges: number;
    unpricedChanges: number;
  };
  window: { from: string | null; to: string | null; days: number };
}

export interface ReplayInput {
  records: ReplayRecord[];
  active: RoutingSnapshot;
  draft: RoutingSnapshot;
  /** The price of a model at a time (lib/pricing/service priceFor). */
  priceFor: (model: string, at: Date) => PriceRow | null;
  maxListed?: number;
  previewChars?: number;
}

const NO_PINS: PinLookup = { get: () => undefined };
const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** The request as the router sees it, rebuilt from what the record keeps. */
export function toReplayRequest(r: ReplayRecord): RoutableRequest {
  return {
    model: r.requestedModel,
    prompt: r.prompt ?? "",
    system: r.system ?? "",
    hasTools: r.hasTools,
    hasThinkingBlocks: false,
    pendingToolResult: false,
    conversationKey: r.id,
    threadKey: r.id,
    turnKey: r.id,
    background: false,
    app: r.app ?? undefined,
    task: r.task ?? undefined,
  };
}

/** Which budget tier a reasoning route's thinking is estimated at. */
export function thinkingTierOf(route: RouteConfig): ThinkingTier {
  if (route.budgetTier) return route.budgetTier;
  if (route.budgetTokens !== null) return route.budgetTokens <= 4_096 ? "simple" : route.budgetTokens <= 16_384 ? "complex" : "maximum";
  if (route.effort) return route.effort === "low" || route.effort === "medium" ? "simple" : route.effort === "high" ? "complex" : "maximum";
  return "complex";
}

// estimate*Cost return the served request's actual cost when asked about its
// own tier; replay only calls them for another route, so that input is unused.
const UNUSED_ACTUAL = null as unknown as CostBreakdown;

export function costOnRoute(
  rec: ReplayRecord,
  route: RouteConfig | null,
  snapshot: RoutingSnapshot,
  priceFor: ReplayInput["priceFor"],
): number | null {
  if (!route) return null;
  if (rec.routeId === route.id) return rec.costTotal;
  if (route.tier === "reasoning" && rec.tier === "standard" && route.id === snapshot.tierRoutes.reasoning && rec.counterfactualCost !== null) {
    return rec.counterfactualCost;
  }
  const model = route.model === "*" ? rec.requestedModel : route.model;
  const price = priceFor(model, rec.createdAt);
  if (route.thinking === "on") {
    const actual = rec.tier === "reasoning" ? { ...rec.buckets, thinking: 0 } : rec.buckets;
    return estimateReasoningCost({
      actual,
      modifiers: STANDARD_MODIFIERS,
      servedTier: "standard",
      actualCost: UNUSED_ACTUAL,
      reasoningPrice: price,
      thinkingTier: thinkingTierOf(route),
    }).cost.total;
  }
  return estimateStandardCost({ actual: rec.buckets, modifiers: STANDARD_MODIFIERS, servedTier: "reasoning", actualCost: UNUSED_ACTUAL, standardPrice: price }).cost.total;
}

function side(d: Decision, cost: number | null): ReplaySide {
  return { tier: d.tier, stage: d.stage, routeId: d.route?.id ?? null, routeName: d.route?.name ?? null, ruleId: d.ruleId ?? null, cost };
}

export async function replay(input: ReplayInput): Promise<ReplayResult> {
  const { records, active, draft, priceFor } = input;
  const maxListed = input.maxListed ?? 200;
  const previewChars = input.previewChars ?? 160;
  const skipped = { override: 0, pinned: 0, undecided: 0, cleared: 0 };
  const changed = { total: 0, toReasoning: 0, toStandard: 0, routeOnly: 0 };
  const changes: ChangedRequest[] = [];
  let deltaNano = 0;
  let pricedChanges = 0;
  let unpricedChanges = 0;
  let from = Infinity;
  let to = -Infinity;

  // Two decisions a record, each up to a few milliseconds on a long prompt: other requests are served in between.
  const turn = turnBudget();
  for (const rec of records) {
    await turn();
    if (rec.stage === "override") skipped.override++;
    else if (rec.stage === "pinned") skipped.pinned++;
    else if (rec.stage === "none" || !rec.stage) skipped.undecided++;
    // Decided again on an empty prompt it would look like a change that never was.
    else if (rec.textCleared) skipped.cleared++;
    else {
      const t = rec.createdAt.getTime();
      from = Math.min(from, t);
      to = Math.max(to, t);
      const req = toReplayRequest(rec);
      const [before, after] = await Promise.all([decide(req, active, NO_PINS), decide(req, draft, NO_PINS)]);
      const beforeRoute = before.route?.id ?? null;
      const afterRoute = after.route?.id ?? null;
      if (before.tier === after.tier && beforeRoute === afterRoute) continue;
      const kind: ChangedRequest["kind"] =
        before.tier === after.tier ? "route" : after.tier === "reasoning" ? "to_reasoning" : "to_standard";
      changed.total++;
      if (kind === "to_reasoning") changed.toReasoning++;
      else if (kind === "to_standard") changed.toStandard++;
      else changed.routeOnly++;
      const costBefore = costOnRoute(rec, before.route, active, priceFor);
      const costAfter = costOnRoute(rec, after.route, draft, priceFor);
      const delta = costBefore !== null && costAfter !== null ? costAfter - costBefore : null;
      if (delta === null) unpricedChanges++;
      else {
        pricedChanges++;
        // Summed in nano-USD integers so hundreds of small deltas add up exactly.
        deltaNano += Math.round(delta * 1e9);
      }
      if (changes.length < maxListed) {
        changes.push({
          id: rec.id,
          createdAt: rec.createdAt.toISOString(),
          promptPreview: (rec.prompt ?? "").slice(0, previewChars),
          task: rec.task,
          app: rec.app,
          kind,
          before: side(before, costBefore),
          after: side(after, costAfter),
          costDelta: delta,
        });
      }
    }
  }

  const replayed = records.length - skipped.override - skipped.pinned - skipped.undecided - skipped.cleared;
  const spanMs = replayed > 0 ? Math.max(to - from, HOUR_MS) : 0;
  const deltaTotal = deltaNano / 1e9;
  return {
    considered: records.length,
    replayed,
    skipped,
    changed,
    changes,
    truncated: changed.total > changes.length,
    cost: { deltaTotal, deltaPerDay: spanMs ? (deltaTotal * DAY_MS) / spanMs : 0, pricedChanges, unpricedChanges },
    window: {
      from: replayed > 0 ? new Date(from).toISOString() : null,
      to: replayed > 0 ? new Date(to).toISOString() : null,
      days: spanMs / DAY_MS,
    },
  };
}
