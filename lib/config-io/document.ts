/**
 * The routing configuration as one document: everything that decides where a
 * request goes and what it costs (routes, rules, app policies, routing
 * settings, prices), for export, review in Git, and import.
 *
 * Validation reuses the validators the API already applies to each part
 * (routeBody, appBody, checkRuleSet, priceBody and the cross-reference checks
 * of lib/settings), so a file is accepted exactly when the same changes made
 * one by one through the API would be. Every problem comes back with its path
 * in the document ("rules[3].escalate.answerPattern: ..."), all of them in
 * one pass.
 *
 * canonical*() fix the key order and the defaults, so exporting the same
 * configuration always gives the same bytes and a change shows in a diff as
 * the lines it changed.
 */
import { z } from "zod";
import { AppError } from "../api/errors";
import { NO_LIMITS, type LimitPolicy } from "../limits/policy";
import type { ThinkingPolicy } from "../models/client-thinking";
import { priceBody } from "../pricing/api";
import { longContextHalf } from "../pricing/long-context";
import { classifierSettings, escalationSettings } from "../routing/config";
import { llmClassifierConfigSchema } from "../routing/llm-classifier";
import type { Rule } from "../routing/rules";
import { checkRuleSet } from "../rules/validate";
import {
  appBody,
  checkAppRoute,
  checkFallbacks,
  checkRouteSettings,
  parseAppName,
  parseRouteId,
  routeBody,
  settingsBody,
  type RouteInput,
} from "../settings/service";

/** The document's format; a future change of shape bumps it, and import says which it reads. */
export const CONFIG_VERSION = 1;

export type ConfigRoute = { id: string } & RouteInput;

export interface ConfigApp {
  name: string;
  tier: "reasoning" | "standard" | "auto";
  routeId: string | null;
  description: string;
  limits: LimitPolicy;
  /** The app's client-thinking policy; absent: the key's. */
  thinking?: ThinkingPolicy | null;
}

export interface ConfigSettings {
  tierRoutes: { standard: string; reasoning: string };
  defaultRouteId: string;
  /** null: the classifier's shipped (calibrated) threshold applies. */
  classifierThreshold: number | null;
  classifier: z.infer<typeof classifierSettings>;
  llmClassifier: z.infer<typeof llmClassifierConfigSchema>;
  escalation: z.infer<typeof escalationSettings>;
}

/** A price row with its date as an ISO string (how it is written in the file). */
export type ConfigPrice = Omit<z.infer<typeof priceBody>, "effectiveFrom"> & { effectiveFrom: string };

export interface ConfigDocument {
  version: typeof CONFIG_VERSION;
  settings: ConfigSettings;
  routes: ConfigRoute[];
  rules: Rule[];
  apps: ConfigApp[];
  prices: ConfigPrice[];
}

export interface ConfigIssue {
  /** Where in the document, e.g. "routes[2].fallbackRouteIds", "settings.tierRoutes.reasoning"; "" for the whole document. */
  path: string;
  message: string;
}

const SECTIONS = ["version", "settings", "routes", "rules", "apps", "prices"] as const;

const ROUTE_KEYS = Object.keys(routeBody.shape) as (keyof RouteInput)[];
const PRICE_KEYS = Object.keys(priceBody.shape) as (keyof ConfigPrice)[];

function pick<T extends object, K extends keyof T>(obj: T, keys: readonly K[]): Pick<T, K> {
  const out = {} as Pick<T, K>;
  for (const k of keys) out[k] = obj[k];
  return out;
}

export function canonicalRoute(r: ConfigRoute): ConfigRoute {
  return { id: r.id, ...pick(r, ROUTE_KEYS) } as ConfigRoute;
}

export function canonicalApp(a: ConfigApp): ConfigApp {
  return {
    name: a.name,
    tier: a.tier,
    routeId: a.routeId,
    description: a.description,
    limits: { rpm: a.limits.rpm, usdPerDay: a.limits.usdPerDay, action: a.limits.action },
    // Written only when set, so a file without policies reads as before.
    ...(a.thinking ? { thinking: { policy: a.thinking.policy, cap: a.thinking.cap } } : {}),
  };
}

/** A price as the file or the database holds it (the date as text or as a Date). */
type PriceInput = Omit<ConfigPrice, "effectiveFrom"> & { effectiveFrom: string | Date };

export function canonicalPrice(p: PriceInput): ConfigPrice {
  return { ...pick(p as ConfigPrice, PRICE_KEYS), effectiveFrom: new Date(p.effectiveFrom).toISOString() };
}

/**
 * The half of a long-context pair a price holds without the other: rates
 * without longContextThreshold, or a threshold without any rate; null for a
 * whole pair or none. The prices API once took either, and neither ever
 * priced anything (rates without a threshold never apply; past a threshold
 * without rates, prompts bill at the standard rates), so the export leaves
 * the half out rather than write a file its own import refuses.
 */
export function halfLongContext(p: ConfigPrice): { fields: string[]; note: string } | null {
  const half = longContextHalf(p);
  if (!half) return null;
  if ("ratesWithoutThreshold" in half) {
    const rates = half.ratesWithoutThreshold;
    return { fields: rates, note: `${rates.join(", ")} left out: the database holds no longContextThreshold with them, so they never applied` };
  }
  return {
    fields: ["longContextThreshold"],
    note: `longContextThreshold ${p.longContextThreshold} left out: the database holds no long-context rate with it, so prompts past it billed at the standard rates`,
  };
}

/** A note on one price of an export: what was left out of it, and why. */
export interface PriceNote {
  /** The price's place in the document's prices. */
  index: number;
  note: string;
}

/** The document as an export writes it: no price with half a long-context pair (halfLongContext), and a note for each price that had one. */
export function exportable(d: ConfigDocument): { document: ConfigDocument; notes: PriceNote[] } {
  const notes: PriceNote[] = [];
  const prices = d.prices.map((p, index) => {
    const half = halfLongContext(p);
    if (!half) return p;
    notes.push({ index, note: half.note });
    return { ...p, ...Object.fromEntries(half.fields.map((f) => [f, null])) };
  });
  return { document: { ...d, prices }, notes };
}

export function canonicalSettings(s: ConfigSettings): ConfigSettings {
  return {
    tierRoutes: { standard: s.tierRoutes.standard, reasoning: s.tierRoutes.reasoning },
    defaultRouteId: s.defaultRouteId,
    classifierThreshold: s.classifierThreshold,
    classifier: s.classifier,
    llmClassifier: s.llmClassifier,
    escalation: s.escalation,
  };
}

const byKey = <T>(key: (t: T) => string) => (a: T, b: T) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0);
export const priceKey = (p: { model: string; effectiveFrom: string }) => `${p.model}@${p.effectiveFrom}`;

/** The document in its one written form: sections in a fixed order, routes by id, apps by name, prices by model and date; rules keep their order (it is the evaluation order). */
export function canonicalDocument(d: Omit<ConfigDocument, "version" | "prices"> & { prices: PriceInput[] }): ConfigDocument {
  return {
    version: CONFIG_VERSION,
    settings: canonicalSettings(d.settings),
    routes: d.routes.map(canonicalRoute).sort(byKey((r) => r.id)),
    rules: d.rules,
    apps: d.apps.map(canonicalApp).sort(byKey((a) => a.name)),
    prices: d.prices.map(canonicalPrice).sort(byKey(priceKey)),
  };
}

/** The settings section: each field validated as PUT /api/settings validates it; all present once parsed. */
const settingsSchema = z
  .object({
    tierRoutes: settingsBody.shape.tierRoutes.unwrap(),
    defaultRouteId: settingsBody.shape.defaultRouteId.unwrap(),
    classifierThreshold: settingsBody.shape.classifierThreshold.unwrap().default(null),
    classifier: classifierSettings,
    llmClassifier: llmClassifierConfigSchema.default(llmClassifierConfigSchema.parse({})),
    escalation: escalationSettings,
  })
  .strict();

function joinPath(base: string, path: readonly PropertyKey[]): string {
  let out = base;
  for (const p of path) out += typeof p === "number" ? `[${p}]` : `${out ? "." : ""}${String(p)}`;
  return out;
}

function zodIssues(base: string, err: z.ZodError): ConfigIssue[] {
  return err.issues.map((i) => {
    if (i.code === "unrecognized_keys") return { path: base, message: `unknown field${i.keys.length > 1 ? "s" : ""}: ${i.keys.join(", ")}` };
    const path = joinPath(base, i.path);
    const last = i.path[i.path.length - 1];
    // Some validators name their field in the message already ("answerPattern: ..."): say it once.
    const message = typeof last === "string" && i.message.startsWith(`${last}: `) ? i.message.slice(last.length + 2) : i.message;
    return { path, message };
  });
}

/**
 * An AppError from a validator that names its field first ("tierRoutes.reasoning: route ... does not exist")
 * becomes an issue under `base`; other messages are placed at `fallbackField`.
 */
function thrownIssue(base: string, err: unknown, fallbackField = ""): ConfigIssue {
  if (!(err instanceof AppError)) throw err;
  const m = /^([A-Za-z][\w.]*): (.*)$/s.exec(err.message);
  if (m) return { path: `${base}.${m[1]}`, message: m[2]! };
  return { path: fallbackField ? `${base}.${fallbackField}` : base, message: err.message };
}

function issuesOf(base: string, fn: () => void, fallbackField?: string): ConfigIssue[] {
  try {
    fn();
    return [];
  } catch (err) {
    return [thrownIssue(base, err, fallbackField)];
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

function list(raw: Record<string, unknown>, key: string, issues: ConfigIssue[]): unknown[] | null {
  const v = raw[key];
  if (v === undefined) {
    issues.push({ path: key, message: `missing; write "${key}: []" for none` });
    return null;
  }
  if (!Array.isArray(v)) {
    issues.push({ path: key, message: "must be a list" });
    return null;
  }
  return v;
}

function parseRoutes(raw: unknown[], issues: ConfigIssue[]): ConfigRoute[] {
  const out: ConfigRoute[] = [];
  /** Lower-cased id -> the id as first written. */
  const seen = new Map<string, string>();
  raw.forEach((entry, i) => {
    if (issues.length >= MAX_ISSUES) return;
    const at = `routes[${i}]`;
    if (!isObject(entry)) return void issues.push({ path: at, message: "must be a route (an object with id, name, tier, model, thinking, ...)" });
    const { id, ...rest } = entry;
    let routeId: string | null = null;
    try {
      routeId = parseRouteId(typeof id === "string" ? id : "");
    } catch (err) {
      issues.push({ path: `${at}.id`, message: (err as Error).message.replace(/^route id: /, "") });
    }
    if (routeId !== null) {
      // As the routes API (putRoute): ids are matched exactly everywhere, and two that differ only in case look like one route in every list.
      const twin = seen.get(routeId.toLowerCase());
      if (twin === routeId) issues.push({ path: `${at}.id`, message: `duplicate route id "${routeId}"` });
      else if (twin !== undefined) issues.push({ path: `${at}.id`, message: `route "${routeId}" differs from route "${twin}" only in case; use one id` });
      else seen.set(routeId.toLowerCase(), routeId);
    }
    const parsed = routeBody.safeParse(rest);
    if (!parsed.success) return void issues.push(...zodIssues(at, parsed.error));
    if (routeId !== null) out.push({ id: routeId, ...parsed.data });
  });
  return out;
}

function parseApps(raw: unknown[], issues: ConfigIssue[]): ConfigApp[] {
  const out: ConfigApp[] = [];
  const seen = new Set<string>();
  raw.forEach((entry, i) => {
    if (issues.length >= MAX_ISSUES) return;
    const at = `apps[${i}]`;
    if (!isObject(entry)) return void issues.push({ path: at, message: "must be an app policy (an object with name, tier, ...)" });
    const { name, ...rest } = entry;
    let appName: string | null = null;
    try {
      appName = parseAppName(typeof name === "string" ? name : "");
    } catch (err) {
      issues.push({ path: `${at}.name`, message: (err as Error).message.replace(/^app name: /, "") });
    }
    if (appName !== null) {
      // The gateway looks apps up case-insensitively: two spellings would be one app.
      if (seen.has(appName.toLowerCase())) issues.push({ path: `${at}.name`, message: `duplicate app "${appName}"` });
      seen.add(appName.toLowerCase());
    }
    const parsed = appBody.safeParse(rest);
    if (!parsed.success) return void issues.push(...zodIssues(at, parsed.error));
    const limits = parsed.data.limits ?? NO_LIMITS;
    if (parsed.data.tier === "auto" && parsed.data.routeId !== null) {
      issues.push({ path: `${at}.routeId`, message: "an auto app has no route of its own (rules and the classifier decide): remove routeId or choose a tier" });
    }
    if (appName !== null) out.push({ name: appName, tier: parsed.data.tier, routeId: parsed.data.routeId, description: parsed.data.description, limits, thinking: parsed.data.thinking ?? null });
  });
  return out;
}

function parsePrices(raw: unknown[], issues: ConfigIssue[]): ConfigPrice[] {
  const out: ConfigPrice[] = [];
  const seen = new Set<string>();
  raw.forEach((entry, i) => {
    if (issues.length >= MAX_ISSUES) return;
    const at = `prices[${i}]`;
    const parsed = priceBody.safeParse(entry);
    if (!parsed.success) {
      // A price is known by its model and date more readily than by its place in the list.
      const named = isObject(entry) && typeof entry.model === "string" && typeof entry.effectiveFrom === "string" ? `the price of ${entry.model} from ${entry.effectiveFrom}: ` : "";
      return void issues.push(...zodIssues(at, parsed.error).map((x) => ({ ...x, message: `${named}${x.message}` })));
    }
    const price = canonicalPrice(parsed.data);
    const key = priceKey(price);
    if (seen.has(key)) issues.push({ path: `${at}.effectiveFrom`, message: `a price for ${price.model} from ${price.effectiveFrom} is listed twice` });
    seen.add(key);
    out.push(price);
  });
  return out;
}

/**
 * Problems reported at most. Entries past them are not checked: a file of
 * 240,000 empty route entries (720 KB, any viewer may validate one) made a
 * million issues, and the answer listing them ran the server out of heap.
 */
export const MAX_ISSUES = 100;

export interface Checked {
  document: ConfigDocument | null;
  issues: ConfigIssue[];
}

/**
 * Validates a parsed file (any JSON value). Shape problems and broken
 * references are reported together; `document` is set only when there are none.
 */
export function checkDocument(raw: unknown): Checked {
  const issues: ConfigIssue[] = [];
  if (!isObject(raw)) return { document: null, issues: [{ path: "", message: "the file must hold a mapping with version, settings, routes, rules, apps and prices" }] };
  const unknown = Object.keys(raw).filter((k) => !(SECTIONS as readonly string[]).includes(k));
  if (unknown.length) issues.push({ path: "", message: `unknown section${unknown.length > 1 ? "s" : ""}: ${unknown.join(", ")} (expected ${SECTIONS.join(", ")})` });
  if (raw.version !== CONFIG_VERSION) {
    issues.push({ path: "version", message: raw.version === undefined ? `missing; this format is version: ${CONFIG_VERSION}` : `${JSON.stringify(raw.version)} is not a version this thinkgate reads (it reads version: ${CONFIG_VERSION})` });
  }

  const routesRaw = list(raw, "routes", issues);
  const appsRaw = list(raw, "apps", issues);
  const pricesRaw = list(raw, "prices", issues);
  const routes = routesRaw ? parseRoutes(routesRaw, issues) : [];
  const apps = appsRaw ? parseApps(appsRaw, issues) : [];
  const prices = pricesRaw ? parsePrices(pricesRaw, issues) : [];

  let settings: ConfigSettings | null = null;
  if (raw.settings === undefined) issues.push({ path: "settings", message: "missing; at least settings.tierRoutes and settings.defaultRouteId are required" });
  else {
    const parsed = settingsSchema.safeParse(raw.settings);
    if (parsed.success) settings = parsed.data;
    else issues.push(...zodIssues("settings", parsed.error));
  }

  // References are checked against the routes the file itself defines (the file replaces them all).
  const routeIds = new Set(routes.map((r) => r.id));
  const routesComplete = routesRaw !== null && routes.length === routesRaw.length;
  let rules: Rule[] | null = null;
  if (raw.rules === undefined) issues.push({ path: "rules", message: 'missing; write "rules: []" for none' });
  else {
    const checked = checkRuleSet(raw.rules, routesComplete ? routeIds : new Set([...routeIds, ...routeIdsNamed(routesRaw)]));
    rules = checked.rules;
    for (const i of checked.issues) {
      issues.push({ path: i.rule === null ? joinPath("rules", i.field ? i.field.split(".") : []) : joinPath(`rules[${i.rule}]`, i.field ? i.field.split(".") : []), message: i.message });
    }
    // The rule checks leave the escalation target to the pipeline, which fails on a missing one at request time.
    if (Array.isArray(raw.rules)) {
      raw.rules.forEach((r: unknown, i) => {
        const to = isObject(r) && isObject(r.escalate) ? r.escalate.toRouteId : undefined;
        if (typeof to === "string" && routesComplete && !routeIds.has(to)) issues.push({ path: `rules[${i}].escalate.toRouteId`, message: `route "${to}" does not exist` });
      });
    }
  }

  if (routesComplete) {
    routes.forEach((r, i) => issues.push(...issuesOf(`routes[${i}]`, () => checkFallbacks(r.id, r.fallbackRouteIds, routes))));
    apps.forEach((a, i) => {
      if (a.routeId && a.tier !== "auto") issues.push(...issuesOf(`apps[${i}]`, () => checkAppRoute(a.tier, a.routeId!, routes), "routeId"));
    });
    if (settings) {
      issues.push(...issuesOf("settings", () => checkRouteSettings(settings!, routes)));
      const to = settings.escalation.policy.toRouteId;
      if (to && !routeIds.has(to)) issues.push({ path: "settings.escalation.policy.toRouteId", message: `route "${to}" does not exist` });
    }
  }

  // Reaching the bound, entries may have been left unchecked.
  if (issues.length >= MAX_ISSUES) {
    issues.length = MAX_ISSUES;
    issues.push({ path: "", message: `only the first ${MAX_ISSUES} problems are listed` });
  }
  if (issues.length || !settings || !rules) return { document: null, issues };
  return { document: canonicalDocument({ settings, routes, rules, apps, prices }), issues: [] };
}

/** Ids of route entries that failed validation for another reason, so rules naming them are not reported twice. */
function routeIdsNamed(raw: unknown[] | null): string[] {
  return (raw ?? []).flatMap((r) => (isObject(r) && typeof r.id === "string" ? [r.id.trim()] : []));
}

export function describeIssues(issues: ConfigIssue[], max = 5): string {
  const shown = issues.slice(0, max).map((i) => (i.path ? `${i.path}: ${i.message}` : i.message));
  return `${shown.join("; ")}${issues.length > max ? `; and ${issues.length - max} more` : ""}`;
}

/** The document, or a 400 whose message lists the first problems with their paths and whose `issues` lists them all. */
export function validateDocument(raw: unknown): ConfigDocument {
  const { document, issues } = checkDocument(raw);
  if (document) return document;
  throw new AppError("invalid_request_error", `the configuration is not valid: ${describeIssues(issues)}`, { details: { issues } });
}
