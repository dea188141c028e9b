/**
 * Validates a draft rule set for saving, testing or replay: the shape
 * (ruleSetSchema) and that every rule names an existing route. Problems come
 * back as issues with the rule's index and the field, so the editor can put
 * each message next to the input it is about, and as one readable message for
 * API callers ("rule 2 "Code review": then.routeId: route "x" does not exist").
 */
import { ZodError } from "zod";
import { AppError } from "../api/errors";
import { MAX_RULES, ruleSetSchema, type Rule } from "../routing/rules";

export interface RuleIssue {
  /** 0-based index of the rule in the submitted list; null for the list itself. */
  rule: number | null;
  /** Dotted field path inside the rule, e.g. "when.minPromptChars", "then.routeId"; "" for the whole rule. */
  field: string;
  message: string;
}

const FRIENDLY_FIELDS: Record<string, string> = {
  "when.tasks": "tasks",
  "when.apps": "apps",
  "when.models": "models",
  "when.promptContains": "prompt keywords",
  "when.minPromptChars": "min prompt chars",
  "when.maxPromptChars": "max prompt chars",
  "when.hasTools": "has tools",
  "then.routeId": "route",
};

type ZodIssue = ZodError["issues"][number];

/** zod's defaults ("Too small: expected string to have >=1 characters") rephrased for people filling in a form. */
function friendly(i: ZodIssue): string {
  const d = i as ZodIssue & { origin?: string; minimum?: number | bigint; maximum?: number | bigint; expected?: string; keys?: string[] };
  switch (i.code) {
    case "too_small":
      if (d.origin === "string") return Number(d.minimum) <= 1 ? "is required" : `needs at least ${d.minimum} characters`;
      if (d.origin === "number") return `must be at least ${d.minimum}`;
      return i.message;
    case "too_big":
      if (d.origin === "string") return `must be at most ${d.maximum} characters`;
      if (d.origin === "array") return `has too many entries (at most ${d.maximum})`;
      if (d.origin === "number") return `must be at most ${d.maximum}`;
      return i.message;
    case "invalid_type":
      if (d.expected === "number" || d.expected === "int") return "must be a whole number";
      if (d.expected === "boolean") return "must be yes or no";
      if (d.expected === "string") return "is required";
      if (d.expected === "array") return "must be a list";
      if (d.expected === "object") return "is missing";
      return i.message;
    case "unrecognized_keys":
      return `unknown field${d.keys && d.keys.length > 1 ? "s" : ""}: ${(d.keys ?? []).join(", ")}`;
    default:
      return i.message;
  }
}

function issuesFromZod(err: ZodError): RuleIssue[] {
  return err.issues.map((i) => {
    const [first, ...rest] = i.path;
    if (typeof first !== "number") return { rule: null, field: i.path.map(String).join("."), message: friendly(i) };
    // A list entry ("when.tasks.3") is reported on its list: the form edits the list as one input.
    const field = rest.filter((p) => typeof p === "string").join(".");
    return { rule: first, field, message: friendly(i) };
  });
}

/**
 * The cross-field checks (route exists, min ≤ max, unique ids) on a draft that
 * failed the shape check: zod skips refinements once a rule is malformed, and
 * the editor should show every problem in one pass, not one round at a time.
 */
function rawCrossIssues(raw: unknown, routeIds: ReadonlySet<string>): RuleIssue[] {
  if (!Array.isArray(raw)) return [];
  const known = [...routeIds].sort().join(", ");
  const seen = new Set<string>();
  return raw.flatMap((r: unknown, i): RuleIssue[] => {
    const rule = (r ?? {}) as { id?: unknown; when?: { minPromptChars?: unknown; maxPromptChars?: unknown }; then?: { routeId?: unknown } };
    const out: RuleIssue[] = [];
    const routeId = rule.then?.routeId;
    if (typeof routeId === "string" && routeId.trim() && !routeIds.has(routeId.trim())) {
      out.push({ rule: i, field: "then.routeId", message: `route "${routeId.trim()}" does not exist; choose one of: ${known}` });
    }
    const lo = rule.when?.minPromptChars;
    const hi = rule.when?.maxPromptChars;
    if (typeof lo === "number" && typeof hi === "number" && lo > hi) {
      out.push({ rule: i, field: "when.minPromptChars", message: "minPromptChars is greater than maxPromptChars" });
    }
    if (typeof rule.id === "string") {
      if (seen.has(rule.id.trim())) out.push({ rule: i, field: "id", message: `duplicate rule id "${rule.id.trim()}"` });
      seen.add(rule.id.trim());
    }
    return out;
  });
}

function dedupe(issues: RuleIssue[]): RuleIssue[] {
  const seen = new Set<string>();
  return issues.filter((i) => {
    const k = `${i.rule}|${i.field}|${i.message}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

function byPosition(a: RuleIssue, b: RuleIssue): number {
  return (a.rule ?? -1) - (b.rule ?? -1) || a.field.localeCompare(b.field);
}

/** Issues for rules whose action names a route that does not exist. */
export function routeIssues(rules: Rule[], routeIds: ReadonlySet<string>): RuleIssue[] {
  const known = [...routeIds].sort().join(", ");
  return rules.flatMap((r, i) =>
    routeIds.has(r.then.routeId) ? [] : [{ rule: i, field: "then.routeId", message: `route "${r.then.routeId}" does not exist; choose one of: ${known}` }],
  );
}

export function describeIssue(issue: RuleIssue, raw: unknown): string {
  if (issue.rule === null) return `${issue.field ? `${issue.field}: ` : ""}${issue.message}`;
  const rule = Array.isArray(raw) ? (raw[issue.rule] as { name?: unknown } | undefined) : undefined;
  const name = typeof rule?.name === "string" && rule.name.trim() ? ` "${rule.name.trim()}"` : "";
  const field = issue.field ? `${FRIENDLY_FIELDS[issue.field] ?? issue.field}: ` : "";
  return `rule ${issue.rule + 1}${name}: ${field}${issue.message}`;
}

/** The problems with a draft, empty when it can be saved. */
export function checkRuleSet(raw: unknown, routeIds: ReadonlySet<string>): { rules: Rule[] | null; issues: RuleIssue[] } {
  // Said once, before any rule is looked at: the checks of each rule (rawCrossIssues among them) made an
  // issue per rule, and a viewer's test draft of 500,000 rules with one id held the event loop for seconds.
  if (Array.isArray(raw) && raw.length > MAX_RULES) return { rules: null, issues: [{ rule: null, field: "", message: `has too many entries (at most ${MAX_RULES})` }] };
  const parsed = ruleSetSchema.safeParse(raw);
  if (!parsed.success) return { rules: null, issues: dedupe([...issuesFromZod(parsed.error), ...rawCrossIssues(raw, routeIds)]).sort(byPosition) };
  const issues = routeIssues(parsed.data, routeIds);
  return { rules: issues.length ? null : parsed.data, issues };
}

/** The draft as rules, or a 400 whose error carries `issues` (rule index, field, message). */
export function validateRuleSet(raw: unknown, routeIds: ReadonlySet<string>): Rule[] {
  const { rules, issues } = checkRuleSet(raw, routeIds);
  if (rules) return rules;
  const shown = issues.slice(0, 5).map((i) => describeIssue(i, raw));
  const more = issues.length > 5 ? `; and ${issues.length - 5} more` : "";
  throw new AppError("invalid_request_error", `the rules are not valid: ${shown.join("; ")}${more}`, { details: { issues } });
}
