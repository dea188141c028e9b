/**
 * The rule editor's client-side vocabulary: the wire shapes of /api/rules*,
 * /api/routes and the pure helpers the editor's components share (new rule,
 * move, condition summaries, server issues by rule and field). No React.
 */
import type { Rule } from "@/lib/routing/rules";
import type { ReplayResult } from "@/lib/rules/replay";
import type { RuleIssue } from "@/lib/rules/validate";
import { isApiError } from "./api-client";

export type { Rule, RuleIssue };

/** GET /api/rules, GET /api/rules/versions/:v, POST /api/rules (dates as ISO strings). */
export interface RuleSetView {
  version: number;
  createdBy: string;
  createdAt: string;
  note: string;
  rules: Rule[];
}

export interface HistoryEntry {
  version: number;
  createdBy: string;
  createdAt: string;
  note: string;
  ruleCount: number;
}

export interface RouteView {
  id: string;
  name: string;
  description: string;
  tier: "standard" | "reasoning";
  model: string;
  thinking: "on" | "off";
  budgetTier: "simple" | "complex" | "maximum" | null;
  budgetTokens: number | null;
  effort: "low" | "medium" | "high" | "xhigh" | "max" | null;
  display: "summarized" | "omitted";
  minMaxTokens: number | null;
  /** Routes tried next, in order, when this one's upstream fails or its model's circuit is open. */
  fallbackRouteIds: string[];
  usedByRules: string[];
}

export interface RoutesResponse {
  data: RouteView[];
  tierRoutes: { standard: string; reasoning: string };
  defaultRouteId: string;
}

/** POST /api/rules/test. */
export interface RuleTestResult {
  matched: { index: number; id: string; name: string } | null;
  evaluations: { index: number; id: string; name: string; enabled: boolean; matches: boolean }[];
  decision: {
    tier: "standard" | "reasoning";
    stage: string;
    reason: string;
    ruleId: string | null;
    score: number | null;
    threshold: number | null;
    route: { id: string; name: string; model: string; thinking: string; budgetTier: string | null; effort: string | null } | null;
  };
}

/** POST /api/rules/replay. */
export type ReplayView = ReplayResult & { activeVersion: number };

/** The field-level problems a 400 from the rules API carries (error.issues), or none. */
export function issuesOf(error: unknown): RuleIssue[] {
  if (!isApiError(error) || error.status !== 400) return [];
  const issues = (error.body.error as { issues?: unknown }).issues;
  return Array.isArray(issues) ? (issues as RuleIssue[]) : [];
}

/** One rule's issues as field → message (several messages for a field are joined). */
export function issuesForRule(issues: RuleIssue[], index: number): Record<string, string> {
  const out: Record<string, string> = {};
  for (const i of issues) {
    if (i.rule !== index) continue;
    out[i.field] = out[i.field] ? `${out[i.field]}; ${i.message}` : i.message;
  }
  return out;
}

/** A rule id from a name: "Code review (strict)" → "code-review-strict". */
export function slugify(name: string): string {
  return (
    name
      .toLowerCase()
      .normalize("NFKD")
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-+|-+$/g, "")
      .slice(0, 48) || "rule"
  );
}

export function uniqueId(base: string, taken: Iterable<string>): string {
  const used = new Set(taken);
  if (!used.has(base)) return base;
  for (let n = 2; ; n++) if (!used.has(`${base}-${n}`)) return `${base}-${n}`;
}

/** A new, enabled rule with no conditions yet, sending traffic to `routeId`. */
export function newRule(routeId: string, existing: Rule[]): Rule {
  const id = uniqueId("new-rule", existing.map((r) => r.id));
  return { id, name: "New rule", enabled: true, description: "", when: {}, then: { routeId } };
}

/** The rules with the one at `index` moved by `delta` places (clamped). */
export function moveRule<T>(rules: T[], index: number, delta: number): T[] {
  const to = Math.max(0, Math.min(rules.length - 1, index + delta));
  if (to === index || index < 0 || index >= rules.length) return rules;
  const next = [...rules];
  const [r] = next.splice(index, 1);
  next.splice(to, 0, r!);
  return next;
}

/** An empty list means "any": store it as absent, as the schema does. */
export function listOrUndefined(values: string[]): string[] | undefined {
  return values.length ? values : undefined;
}

/** Short human phrases for a rule's conditions, for its card. Empty: the rule matches every request. */
export function conditionPhrases(rule: Rule): string[] {
  const w = rule.when;
  const out: string[] = [];
  if (w.tasks?.length) out.push(`task is ${w.tasks.join(" or ")}`);
  if (w.apps?.length) out.push(`app is ${w.apps.join(" or ")}`);
  if (w.models?.length) out.push(`model is ${w.models.join(" or ")}`);
  if (w.promptContains?.length) out.push(`prompt mentions ${w.promptContains.map((p) => `“${p}”`).join(" or ")}`);
  if (w.minPromptChars !== undefined && w.maxPromptChars !== undefined) out.push(`prompt is ${w.minPromptChars}–${w.maxPromptChars} chars`);
  else if (w.minPromptChars !== undefined) out.push(`prompt ≥ ${w.minPromptChars} chars`);
  else if (w.maxPromptChars !== undefined) out.push(`prompt ≤ ${w.maxPromptChars} chars`);
  if (w.hasTools !== undefined) out.push(w.hasTools ? "tools present" : "no tools");
  return out;
}

/** Rules compared as the server will store them (defaults filled, absent lists equal to missing). */
export function sameRules(a: Rule[], b: Rule[]): boolean {
  return JSON.stringify(a.map(normalize)) === JSON.stringify(b.map(normalize));
}

function normalize(r: Rule) {
  const w = r.when;
  const list = (v: string[] | undefined) => (v && v.length ? v : undefined);
  return {
    id: r.id,
    name: r.name,
    enabled: r.enabled,
    description: r.description ?? "",
    when: {
      tasks: list(w.tasks),
      apps: list(w.apps),
      models: list(w.models),
      promptContains: list(w.promptContains),
      minPromptChars: w.minPromptChars,
      maxPromptChars: w.maxPromptChars,
      hasTools: w.hasTools,
    },
    routeId: r.then.routeId,
    escalate: r.escalate ?? null,
  };
}

/** A signed USD delta per day: "+$4.21/day", "−$0.0350/day". */
export function signed(value: number, format: (v: number) => string): string {
  if (value === 0) return format(0);
  return `${value > 0 ? "+" : "−"}${format(Math.abs(value))}`;
}
