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
  const existingRoutes = new Set((await configRepo.routes()).map((r) => r.id));
  for (const r of SEED_ROUTES) if (!existingRoutes.has(r.id)) await configRepo.upsertRoute(r);
  const existingApps = new Set((await configRepo.apps()).map((a) => a.name));
  for (const a of SEED_APPS) if (!existingApps.has(a.name)) await configRepo.upsertApp(a);
  if (!(await configRepo.latestRuleSet())) await configRepo.saveRuleSet(JSON.stringify(SEED_RULES), "seed", "initial rules");
  await configRepo.setSettingIfAbsent(SETTING_TIER_ROUTES, { standard: "standard", reasoning: "reasoning" });
  await configRepo.setSettingIfAbsent(SETTING_DEFAULT_ROUTE, "standard");
  await pricesRepo.seed(PRICE_SEED);
}
