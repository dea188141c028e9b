/**
 * The routing configuration in effect, as an in-memory snapshot: the request
 * path never reads routes, rules or app policies from the database. A change
 * made through the API calls invalidate(); the next request reloads. Once a
 * configuration has been loaded, a request waits at most
 * THINKGATE_CONFIG_LOOKUP_MS for a reload and otherwise goes on with the last
 * one, as it does when the reload fails: a database that stops answering
 * right after a change must not hold every request (keys and sessions are
 * bounded the same way, lib/db/bounded-lookup.ts).
 */
import { z } from "zod";
import { within, waitSetting } from "../db/bounded-lookup";
import { configRepo, type RouteRow } from "../db/config.repo";
import { logger } from "../observability/logger";
import { activeLimits } from "../limits/policy";
import { toThinkingPolicy } from "../models/client-thinking";
import { activeThreshold, classifierStage } from "./classifier";
import { DEFAULT_POLICY, escalationPolicySchema } from "./escalation";
import { llmClassifierConfigSchema } from "./llm-classifier";
import { compileRules, ruleSetSchema, type Rule } from "./rules";
import type { AppContext, RoutingSnapshot } from "./pipeline";
import type { BudgetTier, Effort, RouteConfig, Tier } from "./types";

export const SETTING_TIER_ROUTES = "routing.tierRoutes";
export const SETTING_DEFAULT_ROUTE = "routing.defaultRouteId";
export const SETTING_CLASSIFIER = "routing.classifier";
export const SETTING_THRESHOLD = "routing.classifierThreshold";
/** The router model version applied through the app (lib/router-versions), or null/absent: the file or shipped model. */
export const SETTING_ROUTER_VERSION = "routing.routerModelVersion";
export const SETTING_LLM_CLASSIFIER = "routing.llmClassifier";
export const SETTING_ESCALATION = "routing.escalation";

export const classifierSettings = z
  .object({
    enabled: z.boolean().default(true),
    /** Scores within this distance of the threshold are ambiguous: LLM stage and escalation apply. */
    ambiguousMargin: z.number().min(0).max(0.5).default(0.1),
  })
  .default({ enabled: true, ambiguousMargin: 0.1 });

export const escalationSettings = z
  .object({ enabled: z.boolean().default(true), policy: escalationPolicySchema.default(DEFAULT_POLICY) })
  .default({ enabled: true, policy: DEFAULT_POLICY });

/**
 * The classifier's decision time is budgeted up to 100,000 characters (p99 of
 * a few milliseconds, bench/router.bench.ts) and grows with the text, on the
 * request path's thread. A longer prompt is read at its two ends, where the
 * question about a pasted document or log usually sits.
 */
const CLASSIFIER_HEAD_CHARS = 60_000;
const CLASSIFIER_TAIL_CHARS = 40_000;

export function classifierView(prompt: string): string {
  return prompt.length <= CLASSIFIER_HEAD_CHARS + CLASSIFIER_TAIL_CHARS
    ? prompt
    : `${prompt.slice(0, CLASSIFIER_HEAD_CHARS)}\n${prompt.slice(-CLASSIFIER_TAIL_CHARS)}`;
}

/** The classifier stage over the active model (classifier/model.ts), at the deployment's threshold. */
function classifierFor(threshold: number, margin: number): RoutingSnapshot["classify"] {
  return (req) => {
    const c = classifierStage(classifierView(req.prompt), threshold);
    return {
      tier: c.tier,
      score: c.score,
      threshold,
      reason: c.reason,
      difficulty: c.difficulty,
      ambiguous: Math.abs(c.score - threshold) <= margin,
    };
  };
}

export function toRouteConfig(r: RouteRow): RouteConfig {
  return {
    id: r.id,
    name: r.name,
    tier: r.tier === "reasoning" ? "reasoning" : "standard",
    model: r.model,
    thinking: r.thinking === "on" ? "on" : "off",
    budgetTier: (r.budgetTier as BudgetTier | null) ?? null,
    budgetTokens: r.budgetTokens,
    effort: (r.effort as Effort | null) ?? null,
    display: r.display === "omitted" ? "omitted" : "summarized",
    minMaxTokens: r.minMaxTokens,
    fallbackRouteIds: r.fallbackRouteIds,
  };
}

export interface LoadedConfig {
  snapshot: RoutingSnapshot;
  rules: Rule[];
  ruleSetVersion: number;
}

type Extend = (snapshot: RoutingSnapshot) => RoutingSnapshot;

const state = globalThis as unknown as {
  __thinkgateRouting?: {
    loading: Promise<LoadedConfig> | null;
    /** When the load in `loading` started. */
    loadingSince: number;
    last: RoutingSnapshot | null;
    /** The last configuration loaded whole, to go on with while a reload does not come. */
    lastLoaded: LoadedConfig | null;
    generation: number;
    extenders: Extend[];
  };
};
const s = (state.__thinkgateRouting ??= { loading: null, loadingSince: 0, last: null, lastLoaded: null, generation: 0, extenders: [] });

/** How long a request waits for a reload when it has a configuration to go on with. */
const RELOAD_WAIT_MS = waitSetting(process.env.THINKGATE_CONFIG_LOOKUP_MS, 2_000);

/** The snapshot most recently loaded, for code that must not wait (costing a finished request). */
export function lastSnapshot(): RoutingSnapshot | null {
  return s.last;
}

/** Lets other modules add to every snapshot (the classifier stage registers itself this way). */
export function extendSnapshot(fn: Extend): void {
  s.extenders.push(fn);
  invalidate();
}

async function load(): Promise<LoadedConfig> {
  const [routes, apps, ruleSet, settings] = await Promise.all([
    configRepo.routes(),
    configRepo.apps(),
    configRepo.latestRuleSet(),
    configRepo.settings(),
  ]);
  const rules = ruleSet ? ruleSetSchema.parse(JSON.parse(ruleSet.rules)) : [];
  const tierRoutes = (settings.get(SETTING_TIER_ROUTES) as Record<Tier, string> | undefined) ?? {
    standard: "standard",
    reasoning: "reasoning",
  };
  let snapshot: RoutingSnapshot = {
    routes: new Map(routes.map((r) => [r.id, toRouteConfig(r)])),
    rules: compileRules(rules),
    apps: new Map<string, AppContext>(
      apps.map((a) => [a.name.toLowerCase(), { name: a.name, tier: a.tier as AppContext["tier"], routeId: a.routeId, limits: activeLimits(a), thinking: toThinkingPolicy(a.thinkingPolicy, a.thinkingCap) }]),
    ),
    tierRoutes,
    defaultRouteId: (settings.get(SETTING_DEFAULT_ROUTE) as string | undefined) ?? tierRoutes.standard,
  };
  // A malformed setting must not take routing down: fall back to the defaults.
  const classifier = classifierSettings.catch(classifierSettings.parse(undefined)).parse(settings.get(SETTING_CLASSIFIER));
  if (classifier.enabled) {
    const t = settings.get(SETTING_THRESHOLD);
    // No stored threshold: the one calibrated with the model in use (shipped, or the deployment's retrained model).
    const threshold = typeof t === "number" && t >= 0 && t <= 1 ? t : activeThreshold().threshold;
    snapshot.classify = classifierFor(threshold, classifier.ambiguousMargin);
  }
  snapshot.llmClassifier = llmClassifierConfigSchema.catch(llmClassifierConfigSchema.parse({})).parse(settings.get(SETTING_LLM_CLASSIFIER) ?? {});
  snapshot.escalation = escalationSettings.catch(escalationSettings.parse(undefined)).parse(settings.get(SETTING_ESCALATION));
  for (const extend of s.extenders) snapshot = extend(snapshot);
  s.last = snapshot;
  const loaded = { snapshot, rules, ruleSetVersion: ruleSet?.version ?? 0 };
  s.lastLoaded = loaded;
  return loaded;
}

export function routingConfig(): Promise<LoadedConfig> {
  if (!s.loading) {
    const generation = s.generation;
    s.loadingSince = Date.now();
    s.loading = load().catch((err) => {
      if (s.generation === generation) s.loading = null;
      if (s.lastLoaded) logger.warn({ err }, "routing: reloading the configuration failed; going on with the last one loaded");
      throw err;
    });
    // Requests that go on with the last configuration do not wait for this one: its failure is handled here, not left unhandled.
    s.loading.catch(() => undefined);
  }
  const last = s.lastLoaded;
  if (!last) return s.loading;
  // A reload already waited on for the whole bound is not waited on again by each request.
  const left = RELOAD_WAIT_MS - (Date.now() - s.loadingSince);
  if (left <= 0) return Promise.resolve(last);
  return within(s.loading, left, "a routing reload").catch(() => last);
}

export function invalidate(): void {
  s.generation++;
  s.loading = null;
}
