/**
 * What admins configure on /settings besides keys and prices: routes, app
 * policies, and the routing and tracing settings. Every change reloads the
 * routing snapshot on this instance (invalidate()) and on the others
 * (announceChange, lib/cluster).
 */
import { z } from "zod";
import { AppError, badRequest, notFound } from "../api/errors";
import { configRepo, type AppRow, type RouteRow } from "../db/config.repo";
import { activeModelInfo, activeThreshold, scoreOnly } from "../routing/classifier";
import { teamCurve, type OperatingPoint } from "../routing/classifier/operating";
import { examplesRepo } from "../db/examples.repo";
import {
  classifierSettings,
  escalationSettings,
  invalidate,
  SETTING_CLASSIFIER,
  SETTING_DEFAULT_ROUTE,
  SETTING_ESCALATION,
  SETTING_LLM_CLASSIFIER,
  SETTING_THRESHOLD,
  SETTING_TIER_ROUTES,
} from "../routing/config";
import { announceChange } from "../cluster/bus";
import { fromColumns, limitsSchema, NO_LIMITS, toColumns } from "../limits/policy";
import { thinkingPolicySchema, toThinkingColumns, toThinkingPolicy } from "../models/client-thinking";
import { llmClassifierConfigSchema } from "../routing/llm-classifier";
import { ruleSetSchema } from "../routing/rules";
import { parseTracesSettings, saveSamplingRate } from "../traces/config";
import { nameSchema } from "./names";

const slug = nameSchema;

const MAX_FALLBACKS = 4;

export const routeBody = z
  .object({
    name: z.string().trim().min(1, "name is required").max(120),
    description: z.string().max(2000).default(""),
    tier: z.enum(["standard", "reasoning"]),
    model: z.string().trim().min(1, "model is required (\"*\" keeps the model the client asked for)").max(200),
    thinking: z.enum(["on", "off"]),
    budgetTier: z.enum(["simple", "complex", "maximum"]).nullable().default(null),
    budgetTokens: z.number().int().min(1024, "budget tokens must be at least 1,024 (the API's minimum)").max(128_000).nullable().default(null),
    effort: z.enum(["low", "medium", "high", "xhigh", "max"]).nullable().default(null),
    display: z.enum(["summarized", "omitted"]).default("summarized"),
    minMaxTokens: z.number().int().min(1).max(128_000).nullable().default(null),
    /** Routes tried next, in order, when this one's upstream fails after its retries or its model's circuit is open. */
    fallbackRouteIds: z.array(slug).max(MAX_FALLBACKS, `at most ${MAX_FALLBACKS} fallback routes`).default([]),
  })
  .strict()
  .superRefine((r, ctx) => {
    if (new Set(r.fallbackRouteIds).size !== r.fallbackRouteIds.length) {
      ctx.addIssue({ code: "custom", path: ["fallbackRouteIds"], message: "a fallback route is listed twice" });
    }
    if (r.thinking === "off" && (r.budgetTier !== null || r.budgetTokens !== null)) {
      ctx.addIssue({ code: "custom", path: ["thinking"], message: "thinking is off: leave the budget tier and budget tokens empty" });
    }
  });
export type RouteInput = z.infer<typeof routeBody>;

export const appBody = z
  .object({
    tier: z.enum(["reasoning", "standard", "auto"]),
    routeId: z.string().trim().min(1).nullable().default(null),
    description: z.string().max(2000).default(""),
    /** rpm and daily budget of the app across all keys; omitted: unchanged, null: none. */
    limits: limitsSchema.nullable().optional(),
    /** The app's client-thinking policy; omitted: unchanged, null: the key's. */
    thinking: thinkingPolicySchema.nullable().optional(),
  })
  .strict();
export type AppInput = z.infer<typeof appBody>;

const unit = (what: string) => z.number().min(0, `${what} is between 0 and 1`).max(1, `${what} is between 0 and 1`);

export const settingsBody = z
  .object({
    /** null: back to the classifier's shipped threshold. */
    classifierThreshold: unit("the classifier threshold").nullable().optional(),
    sampleRate: unit("the sampling rate").optional(),
    tierRoutes: z.object({ standard: z.string().min(1), reasoning: z.string().min(1) }).strict().optional(),
    defaultRouteId: z.string().min(1).optional(),
    /** The local classifier stage: on/off and the ambiguous band around the threshold. */
    classifier: classifierSettings.unwrap().optional(),
    /** The optional LLM stage for the ambiguous band. */
    llmClassifier: llmClassifierConfigSchema.optional(),
    /** Escalation of ambiguous standard answers, with its checks. */
    escalation: escalationSettings.unwrap().optional(),
  })
  .strict();
export type SettingsInput = z.infer<typeof settingsBody>;

export interface RoutingSettings {
  /** The stored threshold (routing.classifierThreshold); null when the shipped one applies. */
  classifierThreshold: number | null;
  /** The classifier's shipped threshold, what applies while none is stored. */
  classifierThresholdDefault: number;
  /** What each threshold does on prompts of sources the active model did not see (null when its file has no curve). */
  operatingCurve: OperatingPoint[] | null;
  /** The trace sampling rate in effect: the `rate` of the traces.sampling setting (lib/traces/config.ts owns it). */
  sampleRate: number;
  tierRoutes: { standard: string; reasoning: string };
  defaultRouteId: string;
  classifier: z.infer<typeof classifierSettings>;
  llmClassifier: z.infer<typeof llmClassifierConfigSchema>;
  escalation: z.infer<typeof escalationSettings>;
}

export function parseRouteId(raw: string | undefined): string {
  const id = slug.safeParse(raw ?? "");
  if (!id.success) throw badRequest(`route id: ${id.error.issues[0]?.message ?? "invalid"}`);
  return id.data;
}

export function parseAppName(raw: string | undefined): string {
  const name = slug.safeParse(raw ?? "");
  if (!name.success) throw badRequest(`app name: ${name.error.issues[0]?.message ?? "invalid"}`);
  return name.data;
}

/** How many of the team's labels (newest first) the Settings curve scores. */
export const TEAM_CURVE_LABELS = 2_000;

/**
 * The settings as Settings -> Routing reads them: with the operating curve on
 * the team's own labels (the newest TEAM_CURVE_LABELS, scored by the model in
 * use), once there are enough of both kinds.
 */
export async function getSettingsView(): Promise<RoutingSettings & { teamCurve: OperatingPoint[] | null; teamLabels: number }> {
  const [settings, labels] = await Promise.all([getSettings(), examplesRepo.all(TEAM_CURVE_LABELS)]);
  return { ...settings, teamCurve: teamCurve(labels, scoreOnly), teamLabels: labels.length };
}

export async function getSettings(): Promise<RoutingSettings> {
  const s = await configRepo.settings();
  const num = (v: unknown) => (typeof v === "number" && Number.isFinite(v) ? v : null);
  const tierRoutes = (s.get(SETTING_TIER_ROUTES) as RoutingSettings["tierRoutes"] | undefined) ?? { standard: "standard", reasoning: "reasoning" };
  return {
    classifierThreshold: num(s.get(SETTING_THRESHOLD)),
    // The active model's own calibrated threshold (a retrained deployment model carries its own).
    classifierThresholdDefault: activeThreshold().threshold,
    operatingCurve: activeModelInfo().curve,
    sampleRate: parseTracesSettings(s).sampling.rate,
    tierRoutes,
    defaultRouteId: (s.get(SETTING_DEFAULT_ROUTE) as string | undefined) ?? tierRoutes.standard,
    classifier: classifierSettings.catch(classifierSettings.parse(undefined)).parse(s.get(SETTING_CLASSIFIER)),
    llmClassifier: llmClassifierConfigSchema.catch(llmClassifierConfigSchema.parse({})).parse(s.get(SETTING_LLM_CLASSIFIER) ?? {}),
    escalation: escalationSettings.catch(escalationSettings.parse(undefined)).parse(s.get(SETTING_ESCALATION)),
  };
}

/**
 * A route's fallbacks must exist, must not be the route itself, and must not
 * lead back to it through their own fallbacks: the gateway follows the chain
 * (lib/gateway/dispatch.ts), and a loop would be a configuration mistake even
 * though the gateway never calls a route twice.
 */
export function checkFallbacks(id: string, fallbacks: string[], routes: Pick<RouteRow, "id" | "fallbackRouteIds">[]): void {
  const next = new Map(routes.map((r) => [r.id, r.fallbackRouteIds]));
  for (const f of fallbacks) {
    if (f === id) throw badRequest(`fallbackRouteIds: route "${id}" cannot fall back to itself`);
    if (!next.has(f)) throw badRequest(`fallbackRouteIds: route "${f}" does not exist`);
  }
  next.set(id, fallbacks);
  const seen = new Set<string>();
  const walk = (from: string, path: string[]): void => {
    for (const to of next.get(from) ?? []) {
      if (to === id) throw badRequest(`fallbackRouteIds: the chain ${[...path, to].join(" → ")} comes back to "${id}"`);
      if (seen.has(to)) continue;
      seen.add(to);
      walk(to, [...path, to]);
    }
  };
  walk(id, [id]);
}

/**
 * Creates or replaces a route. A route that a tier falls back to must keep
 * that tier. In-process callers that leave `fallbackRouteIds` out keep the
 * route's own (the API's body always has them).
 */
export async function putRoute(id: string, input: Omit<RouteInput, "fallbackRouteIds"> & { fallbackRouteIds?: string[] }): Promise<RouteRow> {
  const settings = await getSettings();
  for (const tier of ["standard", "reasoning"] as const) {
    if (settings.tierRoutes[tier] === id && input.tier !== tier) {
      throw badRequest(`route "${id}" is the ${tier} tier's route; it must stay ${tier} (change the tier routes under Routing first)`);
    }
  }
  const routes = await configRepo.routes();
  // Ids are matched exactly everywhere (rules, apps, fallbacks, pins); two that differ only in case would look like one route in every list.
  const twin = routes.find((r) => r.id !== id && r.id.toLowerCase() === id.toLowerCase());
  if (twin) throw badRequest(`route "${id}" differs from route "${twin.id}" only in case; use "${twin.id}" to change that route, or another id`);
  const fallbackRouteIds = input.fallbackRouteIds ?? routes.find((r) => r.id === id)?.fallbackRouteIds ?? [];
  if (fallbackRouteIds.length) checkFallbacks(id, fallbackRouteIds, routes);
  const row: RouteRow = { id, ...input, fallbackRouteIds };
  await configRepo.upsertRoute(row);
  invalidate();
  await announceChange("routing");
  return row;
}

/** Tries of editRoute when other edits of the route keep landing in between. */
const EDIT_ATTEMPTS = 5;

/**
 * Changes some of a route's fields from what it holds (a calibration
 * experiment applied to its thinking), leaving the others as they are at that
 * moment: a compare and swap on the stored route, read again when another
 * edit landed in between. Read, then written whole, such a change undid an
 * edit of the route made meanwhile. `edit` may refuse the route it is given
 * by throwing.
 */
export async function editRoute(id: string, edit: (route: RouteRow) => Partial<RouteInput>): Promise<{ before: RouteRow; after: RouteRow }> {
  for (let attempt = 1; ; attempt++) {
    const before = (await configRepo.routes()).find((r) => r.id === id);
    if (!before) throw badRequest(`route "${id}" does not exist`);
    const { id: _id, createdAt: _c, updatedAt: _u, ...fields } = before as RouteRow & { createdAt?: Date; updatedAt?: Date };
    // Validated as any route edit is.
    const after: RouteRow = { id, ...routeBody.parse({ ...fields, ...edit(before) }) };
    if (await configRepo.replaceRouteIf(before, after)) {
      invalidate();
      await announceChange("routing");
      return { before, after };
    }
    if (attempt >= EDIT_ATTEMPTS) throw new AppError("conflict_error", `route "${id}" kept changing while this change was made (${attempt} tries); send it again`);
  }
}

/** An app's own route must exist and be of the app's tier. */
export function checkAppRoute(tier: AppInput["tier"], routeId: string, routes: Pick<RouteRow, "id" | "tier">[]): void {
  const route = routes.find((r) => r.id === routeId);
  if (!route) throw badRequest(`route "${routeId}" does not exist`);
  if (route.tier !== tier) throw badRequest(`route "${routeId}" is a ${route.tier} route; the app's tier is ${tier}`);
}

export async function putApp(name: string, input: AppInput): Promise<ReturnType<typeof appView>> {
  let routeId = input.routeId;
  if (input.tier === "auto") routeId = null; // auto hands the app to rules and the classifier: no route of its own
  if (routeId) checkAppRoute(input.tier, routeId, await configRepo.routes());
  // Requests name their app in any case (the routing snapshot keys apps lower-cased): two policies that differ only in case would be one app with whichever policy loaded last.
  const twin = (await configRepo.apps()).find((a) => a.name !== name && a.name.toLowerCase() === name.toLowerCase());
  if (twin) throw badRequest(`app "${name}" differs from app "${twin.name}" only in case, and requests name apps in any case; use "${twin.name}" to change that app's policy`);
  const limits = input.limits === undefined ? undefined : toColumns(input.limits ?? NO_LIMITS);
  const thinking = input.thinking === undefined ? undefined : toThinkingColumns(input.thinking);
  const row: AppRow = { name, tier: input.tier, routeId, description: input.description, ...limits, ...thinking };
  await configRepo.upsertApp(row);
  invalidate();
  await announceChange("routing");
  return appView((await configRepo.apps()).find((a) => a.name === name) ?? row);
}

/** An app policy as the API shows it: the stored columns, limits as one object. */
export function appView(row: AppRow) {
  const { rpmLimit: _r, usdPerDay: _u, limitAction: _a, thinkingPolicy: _p, thinkingCap: _c, ...rest } = row;
  return { ...rest, limits: fromColumns(row), thinking: toThinkingPolicy(row.thinkingPolicy, row.thinkingCap) };
}

export async function deleteApp(name: string): Promise<void> {
  if (!(await configRepo.deleteApp(name))) throw notFound(`app policy "${name}" does not exist`);
  invalidate();
  await announceChange("routing");
}

/** Each tier's route must exist and be of that tier; the default route must exist. */
export function checkRouteSettings(input: Pick<SettingsInput, "tierRoutes" | "defaultRouteId">, routeList: Pick<RouteRow, "id" | "tier">[]): void {
  const routes = new Map(routeList.map((r) => [r.id, r]));
  for (const tier of ["standard", "reasoning"] as const) {
    const id = input.tierRoutes?.[tier];
    if (id === undefined) continue;
    const r = routes.get(id);
    if (!r) throw badRequest(`tierRoutes.${tier}: route "${id}" does not exist`);
    if (r.tier !== tier) throw badRequest(`tierRoutes.${tier}: route "${id}" is a ${r.tier} route`);
  }
  if (input.defaultRouteId !== undefined && !routes.has(input.defaultRouteId)) {
    throw badRequest(`defaultRouteId: route "${input.defaultRouteId}" does not exist`);
  }
}

export async function putSettings(input: SettingsInput): Promise<RoutingSettings> {
  if (input.tierRoutes || input.defaultRouteId) checkRouteSettings(input, await configRepo.routes());
  if (input.classifierThreshold !== undefined) await configRepo.setSetting(SETTING_THRESHOLD, input.classifierThreshold);
  // The rate is one field of the trace sampling settings: their other fields (per-route rates, hedge threshold) are kept.
  if (input.sampleRate !== undefined) await saveSamplingRate(input.sampleRate);
  if (input.tierRoutes) await configRepo.setSetting(SETTING_TIER_ROUTES, input.tierRoutes);
  if (input.defaultRouteId !== undefined) await configRepo.setSetting(SETTING_DEFAULT_ROUTE, input.defaultRouteId);
  if (input.classifier) await configRepo.setSetting(SETTING_CLASSIFIER, input.classifier);
  if (input.llmClassifier) await configRepo.setSetting(SETTING_LLM_CLASSIFIER, input.llmClassifier);
  if (input.escalation) await configRepo.setSetting(SETTING_ESCALATION, input.escalation);
  invalidate();
  await announceChange("routing");
  return getSettings();
}

/** The routes, each with the active rules that send traffic to it (so nobody edits a route blind). */
export async function listRoutes() {
  const [routes, ruleSet, settings] = await Promise.all([configRepo.routes(), configRepo.latestRuleSet(), getSettings()]);
  const parsed = ruleSet ? ruleSetSchema.safeParse(JSON.parse(ruleSet.rules)) : null;
  const rules = parsed?.success ? parsed.data : [];
  return {
    data: routes.map((r) => ({ ...r, usedByRules: rules.filter((x) => x.then.routeId === r.id).map((x) => x.name) })),
    tierRoutes: settings.tierRoutes,
    defaultRouteId: settings.defaultRouteId,
  };
}
