/** Wire shapes of the /settings APIs as the browser sees them, and the pure helpers the tabs share. */
import type { LimitsView } from "./limits";

/** What the gateway does with thinking a client sends itself (lib/models/client-thinking.ts). */
export interface ThinkingPolicyView {
  policy: "honour" | "decide" | "cap";
  cap: "low" | "medium" | "high" | "xhigh" | "max" | null;
}

/** The user-agent of the latest request of a key or an app. */
export interface ClientSeenView {
  userAgent: string;
  /** ISO 8601. */
  at: string;
}

export interface AppPolicyView {
  name: string;
  tier: "reasoning" | "standard" | "auto";
  routeId: string | null;
  description: string;
  limits: LimitsView;
  /** null: the key's policy applies. */
  thinking: ThinkingPolicyView | null;
  client?: ClientSeenView | null;
}

export interface PriceView {
  id: string;
  model: string;
  /** ISO 8601. */
  effectiveFrom: string;
  input: number;
  cacheWrite5m: number;
  cacheWrite1h: number;
  cacheRead: number;
  output: number;
  longContextThreshold: number | null;
  longInput: number | null;
  longCacheWrite5m: number | null;
  longCacheWrite1h: number | null;
  longCacheRead: number | null;
  longOutput: number | null;
  fastMultiplier: number | null;
  webSearchFee: number | null;
  webFetchFee: number | null;
  source: string;
}

export interface KeyView {
  id: string;
  name: string;
  prefix: string;
  role: "gateway" | "viewer" | "editor" | "admin";
  createdAt: string;
  revokedAt: string | null;
  lastUsedAt: string | null;
  limits: LimitsView;
  thinking: ThinkingPolicyView;
  /** The apps (thinkgate-app) the key may be used for, the default first; null: any (lib/keys/apps.ts). */
  apps: string[] | null;
  client?: ClientSeenView | null;
}

export interface UserView {
  id: string;
  email: string;
  role: "viewer" | "editor" | "admin";
  createdAt: string;
  disabledAt: string | null;
  lastLoginAt: string | null;
  /** Browsers signed in as the user (sessions neither ended nor expired). */
  sessions: number;
}

/** One point of the classifier's operating curve (lib/routing/classifier/operating.ts). */
export interface OperatingPointView {
  threshold: number;
  share: number;
  recall: number;
  fpr: number;
  pgr: number | null;
}

export interface RoutingSettingsView {
  /** null: the classifier's shipped threshold applies. */
  classifierThreshold: number | null;
  classifierThresholdDefault: number;
  /** What each threshold does on prompts of sources the model did not see; null when the model file has none. */
  operatingCurve: OperatingPointView[] | null;
  /** The same on the team's own labelled prompts (GET only; null until there are enough labels of both kinds). */
  teamCurve?: OperatingPointView[] | null;
  /** How many of the team's labels the team curve scored. */
  teamLabels?: number;
  sampleRate: number;
  tierRoutes: { standard: string; reasoning: string };
  defaultRouteId: string;
}

export const SETTINGS_TABS = [
  { id: "routes", label: "Routes", admin: false },
  { id: "apps", label: "Apps", admin: false },
  { id: "prices", label: "Prices", admin: false },
  { id: "keys", label: "Keys", admin: true },
  { id: "users", label: "Users", admin: true },
  { id: "routing", label: "Routing", admin: false },
] as const;
export type SettingsTab = (typeof SETTINGS_TABS)[number]["id"];

export function settingsTab(raw: string | string[] | undefined): SettingsTab {
  const v = Array.isArray(raw) ? raw[0] : raw;
  return SETTINGS_TABS.find((t) => t.id === v)?.id ?? "routes";
}

/** Ids of the price rows in effect at `now`: per model, the newest row whose date has come. */
export function pricesInEffect(rows: PriceView[], now: number): Set<string> {
  const best = new Map<string, PriceView>();
  for (const r of rows) {
    const t = Date.parse(r.effectiveFrom);
    if (t > now) continue;
    const cur = best.get(r.model);
    if (!cur || Date.parse(cur.effectiveFrom) < t) best.set(r.model, r);
  }
  return new Set([...best.values()].map((r) => r.id));
}

/** Cache rates as the API's multiples of the input rate (5 m write 1.25×, 1 h write 2×, read 0.1×). */
export function cacheRatesFromInput(input: number): { cacheWrite5m: number; cacheWrite1h: number; cacheRead: number } {
  const round = (v: number) => Math.round(v * 1e6) / 1e6;
  return { cacheWrite5m: round(input * 1.25), cacheWrite1h: round(input * 2), cacheRead: round(input * 0.1) };
}

/** "0.25" → 0.25; "" → null; anything else outside 0–1 → undefined (invalid). */
export function parseUnit(raw: string): number | null | undefined {
  if (raw.trim() === "") return null;
  const v = Number(raw);
  return Number.isFinite(v) && v >= 0 && v <= 1 ? v : undefined;
}

/**
 * Field messages from a 400 whose message lists "field: problem; field: problem"
 * (the API's rendering of a validation error), so a form can show each next to
 * its input. Problems without a field come back under "".
 */
export function fieldErrors(message: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of message.split("; ")) {
    const m = /^([A-Za-z][\w.]*): (.+)$/.exec(part.trim());
    const key = m ? m[1]! : "";
    const text = m ? m[2]! : part.trim();
    if (!text) continue;
    out[key] = out[key] ? `${out[key]}; ${text}` : text;
  }
  return out;
}

export const THINKING_POLICY_HELP: Record<ThinkingPolicyView["policy"], string> = {
  honour: "thinking the client sends is kept; thinkgate decides only when the request leaves it open",
  decide: "thinkgate decides, turning the client's thinking up or down (for clients that always send thinking, like Claude Code)",
  cap: "the client's thinking is kept, never above the cap; thinkgate's own decisions are capped too",
};

/** A policy in a table cell: "honour", "decide", "cap: medium"; null (an app without one) is the key's. */
export function thinkingPolicySummary(p: ThinkingPolicyView | null): string {
  if (!p) return "key's policy";
  return p.policy === "cap" ? `cap: ${p.cap ?? "?"}` : p.policy;
}

/**
 * A user-agent as people know the client: Claude Code (the CLI, or the Agent
 * SDK that runs it), the official SDKs, the OpenAI SDKs; anything else as sent.
 */
export function clientLabel(userAgent: string): string {
  const cc = /^claude-cli\/(\S+)\s*\(([^)]*)\)/i.exec(userAgent);
  if (cc) {
    const entry = cc[2]!.split(",").map((s) => s.trim());
    return entry.some((e) => e.startsWith("sdk")) ? `Claude Agent SDK (Claude Code ${cc[1]})` : `Claude Code ${cc[1]}`;
  }
  const anthropic = /^Anthropic\/(\w+)\s+(\S+)/.exec(userAgent);
  if (anthropic) return `Anthropic ${anthropic[1]} SDK ${anthropic[2]}`;
  const openai = /^OpenAI\/(\w+)\s+(\S+)/.exec(userAgent);
  if (openai) return `OpenAI ${openai[1]} SDK ${openai[2]}`;
  return userAgent.length > 60 ? `${userAgent.slice(0, 57)}…` : userAgent;
}

/** A comma- or space-separated list of app names as typed → the key's apps (null: any app). */
export function parseAppList(text: string): string[] | null {
  const apps = text.split(/[\s,]+/).filter(Boolean);
  return apps.length ? apps : null;
}

export function appsSummary(apps: string[] | null): string {
  return apps ? apps.join(", ") : "any";
}
