/**
 * What a fresh database starts with: the routes and rules of the approach this
 * product follows (reason on code review, architecture, security analysis,
 * planning and math; not on summarizing, extracting, classifying, translating
 * or answering from given context), two example app policies, and the price
 * table. Seeding only adds what is missing, so edits survive restarts.
 */
import { configRepo, type AppRow, type RouteRow } from "../db/config.repo";
import { pricesRepo } from "../db/prices.repo";
import { PRICE_SEED } from "../pricing/seed";
import { SETTING_DEFAULT_ROUTE, SETTING_TIER_ROUTES } from "../routing/config";
import type { Rule } from "../routing/rules";

export const SEED_ROUTES: RouteRow[] = [
  {
    id: "standard",
    name: "Standard",
    description: "The model the client asked for, thinking off.",
    tier: "standard",
    model: "*",
    thinking: "off",
    budgetTier: null,
    budgetTokens: null,
    effort: null,
    display: "summarized",
    minMaxTokens: null,
    // When the client's model fails or its circuit is open: another model rather than no answer. Two, since
    // one of them may be the client's own model (it is then skipped); both take the same context and output.
    fallbackRouteIds: ["standard-sonnet", "standard-opus"],
  },
  {
    id: "reasoning",
    name: "Reasoning",
    description: "Opus 4.7 with adaptive thinking at the complex tier (8–16k thinking tokens, effort high).",
    tier: "reasoning",
    model: "claude-opus-4-7",
    thinking: "on",
    budgetTier: "complex",
    budgetTokens: null,
    effort: null,
    display: "summarized",
    minMaxTokens: 16_000,
    // Another reasoning model first, then a standard answer rather than none.
    fallbackRouteIds: ["reasoning-sonnet"],
  },
  {
    id: "reasoning-deep",
    name: "Deep reasoning",
    description: "Opus 4.7 at the maximum tier (16–32k thinking tokens, effort max) for the hardest work.",
    tier: "reasoning",
    model: "claude-opus-4-7",
    thinking: "on",
    budgetTier: "maximum",
    budgetTokens: null,
    effort: null,
    display: "summarized",
    minMaxTokens: 40_000,
    fallbackRouteIds: ["reasoning-sonnet"],
  },
  {
    id: "reasoning-sonnet",
    name: "Reasoning (Sonnet)",
    description: "Sonnet 4.6 with adaptive thinking at the complex tier: where the reasoning routes go when Opus fails or is overloaded.",
    tier: "reasoning",
    model: "claude-sonnet-4-6",
    thinking: "on",
    budgetTier: "complex",
    budgetTokens: null,
    effort: null,
    display: "summarized",
    minMaxTokens: 16_000,
    fallbackRouteIds: ["standard"],
  },
  {
    id: "standard-sonnet",
    name: "Standard (Sonnet)",
    description: "Sonnet 4.6, thinking off: where the standard route goes when the client's model fails or is unavailable.",
    tier: "standard",
    model: "claude-sonnet-4-6",
    thinking: "off",
    budgetTier: null,
    budgetTokens: null,
    effort: null,
    display: "summarized",
    minMaxTokens: null,
    fallbackRouteIds: [],
  },
  {
    id: "standard-opus",
    name: "Standard (Opus)",
    description: "Opus 4.7, thinking off: the standard route's second fallback, for when Sonnet 4.6 is the model that is down.",
    tier: "standard",
    model: "claude-opus-4-7",
    thinking: "off",
    budgetTier: null,
    budgetTokens: null,
    effort: null,
    display: "summarized",
    minMaxTokens: null,
    fallbackRouteIds: [],
  },
];

export const SEED_APPS: AppRow[] = [
  { name: "legal-review", tier: "reasoning", routeId: null, description: "Contract review always reasons." },
  { name: "faq-bot", tier: "standard", routeId: null, description: "The FAQ bot never needs to." },
];

export const SEED_RULES: Rule[] = [
  {
    id: "reasoning-tasks",
    name: "Reasoning tasks",
    enabled: true,
    description: "Work that needs multi-step reasoning.",
    when: { tasks: ["code-review", "architecture", "security-analysis", "planning", "math"] },
    then: { routeId: "reasoning" },
  },
  {
    id: "standard-tasks",
    name: "Standard tasks",
    enabled: true,
    description: "Work a standard answer does well.",
    when: { tasks: ["summarize", "extract", "classify", "translate", "qa"] },
    then: { routeId: "standard" },
  },
];

export async function seed(): Promise<void> {
  // Routes and app policies are seeded into a fresh database only (a configured
  // one always has routes: the tiers need them). Afterwards they are the
  // deployment's own: a deleted app or an imported configuration that drops a
  // seeded route must stay that way across restarts. So a database seeded
  // before a route was added to SEED_ROUTES (the standard route's fallbacks)
  // does not get it; the README says how to add it under Settings → Routes.
  if ((await configRepo.routes()).length === 0) {
    for (const r of SEED_ROUTES) await configRepo.upsertRoute(r);
    for (const a of SEED_APPS) await configRepo.upsertApp(a);
  }
  if (!(await configRepo.latestRuleSet())) await configRepo.saveRuleSet(JSON.stringify(SEED_RULES), "seed", "initial rules");
  await configRepo.setSettingIfAbsent(SETTING_TIER_ROUTES, { standard: "standard", reasoning: "reasoning" });
  await configRepo.setSettingIfAbsent(SETTING_DEFAULT_ROUTE, "standard");
  await pricesRepo.seed(PRICE_SEED);
}
