/**
 * The difference between two rule sets, field by field, for the history view
 * ("what did version 7 change?"). Pure and browser-safe: the UI computes it
 * from two versions it already fetched.
 *
 * Rules are matched by id. Order matters (the first matching rule wins), so
 * moves are reported too, as the fewest rules that moved: the rules outside
 * the longest run that kept its relative order.
 */
import type { Rule } from "../routing/rules";

export interface FieldChange {
  /** Dotted path, e.g. "when.tasks". */
  field: string;
  /** What the editor calls the field. */
  label: string;
  before: string;
  after: string;
}

export interface RuleDiff {
  added: { index: number; rule: Rule }[];
  removed: { index: number; rule: Rule }[];
  changed: { id: string; name: string; fields: FieldChange[] }[];
  moved: { id: string; name: string; from: number; to: number }[];
  unchanged: number;
}

const ANY = "any";

function list(v: string[] | undefined): string {
  return v && v.length ? v.join(", ") : ANY;
}

function num(v: number | undefined): string {
  return v === undefined ? ANY : String(v);
}

/**
 * Each field: its value (what decides whether it changed) and its words
 * (what the history shows). Deciding on the words missed changes they do
 * not spell out: a JSON schema edited, a failure-score bound, ["a", "b"]
 * against ["a, b"]; a version with only such a change showed "no rule
 * changed", and an import of it was taken for "no changes" and not applied.
 */
const FIELDS: { field: string; label: string; value: (r: Rule) => unknown; read: (r: Rule) => string }[] = [
  { field: "name", label: "Name", value: (r) => r.name, read: (r) => r.name },
  { field: "description", label: "Description", value: (r) => r.description || "", read: (r) => r.description || "" },
  { field: "enabled", label: "Enabled", value: (r) => r.enabled, read: (r) => (r.enabled ? "on" : "off") },
  { field: "when.tasks", label: "Tasks", value: (r) => r.when.tasks ?? [], read: (r) => list(r.when.tasks) },
  { field: "when.apps", label: "Apps", value: (r) => r.when.apps ?? [], read: (r) => list(r.when.apps) },
  { field: "when.models", label: "Models", value: (r) => r.when.models ?? [], read: (r) => list(r.when.models) },
  { field: "when.promptContains", label: "Prompt keywords", value: (r) => r.when.promptContains ?? [], read: (r) => list(r.when.promptContains) },
  { field: "when.minPromptChars", label: "Min prompt chars", value: (r) => r.when.minPromptChars ?? null, read: (r) => num(r.when.minPromptChars) },
  { field: "when.maxPromptChars", label: "Max prompt chars", value: (r) => r.when.maxPromptChars ?? null, read: (r) => num(r.when.maxPromptChars) },
  { field: "when.hasTools", label: "Has tools", value: (r) => r.when.hasTools ?? null, read: (r) => (r.when.hasTools === undefined ? ANY : r.when.hasTools ? "yes" : "no") },
  { field: "then.routeId", label: "Route", value: (r) => r.then.routeId, read: (r) => r.then.routeId },
  { field: "escalate", label: "Escalation", value: (r) => r.escalate ?? null, read: (r) => escalation(r.escalate) },
];

/** JSON with object keys in a fixed order: equal values, equal text. */
function stable(v: unknown): string {
  return JSON.stringify(v, (_k, x: unknown) =>
    x && typeof x === "object" && !Array.isArray(x) ? Object.fromEntries(Object.entries(x as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : x,
  );
}

/** A rule's escalation policy in words ("off", or what it checks and where it goes). */
export function escalation(p: Rule["escalate"]): string {
  if (!p) return "off";
  const checks = [
    p.onMaxTokens ? "max_tokens" : null,
    p.onRefusal ? "refusal" : null,
    p.onLowConfidence ? "low confidence" : null,
    `hedging > ${p.maxHedgeDensity}/1k words`,
    p.maxFailureScore !== undefined ? `failure score > ${p.maxFailureScore}` : null,
    p.answerPattern ? `pattern ${p.answerPattern}` : null,
    p.jsonSchema ? "JSON schema" : null,
  ].filter(Boolean);
  return `on ${checks.join(", ")} → ${p.toRouteId ?? "reasoning tier route"}`;
}

export function diffRule(before: Rule, after: Rule): FieldChange[] {
  const out: FieldChange[] = [];
  for (const f of FIELDS) {
    const bv = stable(f.value(before));
    const av = stable(f.value(after));
    if (av === bv) continue;
    const b = f.read(before);
    const a = f.read(after);
    // Where the words are the same, the values show what changed.
    out.push(a === b ? { field: f.field, label: f.label, before: bv, after: av } : { field: f.field, label: f.label, before: b, after: a });
  }
  return out;
}

/** Indexes (into `seq`) of one longest strictly increasing subsequence, O(n log n). */
function longestIncreasing(seq: number[]): Set<number> {
  const tails: number[] = [];
  const prev = new Array<number>(seq.length).fill(-1);
  for (let i = 0; i < seq.length; i++) {
    let lo = 0;
    let hi = tails.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (seq[tails[mid]!]! < seq[i]!) lo = mid + 1;
      else hi = mid;
    }
    if (lo > 0) prev[i] = tails[lo - 1]!;
    tails[lo] = i;
  }
  const keep = new Set<number>();
  for (let i = tails.length ? tails[tails.length - 1]! : -1; i >= 0; i = prev[i]!) keep.add(i);
  return keep;
}

export function diffRuleSets(before: Rule[], after: Rule[]): RuleDiff {
  const beforeById = new Map(before.map((r, i) => [r.id, { r, i }]));
  const afterById = new Map(after.map((r, i) => [r.id, { r, i }]));
  const added = after.flatMap((rule, index) => (beforeById.has(rule.id) ? [] : [{ index, rule }]));
  const removed = before.flatMap((rule, index) => (afterById.has(rule.id) ? [] : [{ index, rule }]));

  const changed: RuleDiff["changed"] = [];
  let unchanged = 0;
  // Kept rules in their old order, each with its new position.
  const kept = before.filter((r) => afterById.has(r.id));
  for (const b of kept) {
    const a = afterById.get(b.id)!.r;
    const fields = diffRule(b, a);
    if (fields.length) changed.push({ id: a.id, name: a.name, fields });
    else unchanged++;
  }
  const newPositions = kept.map((r) => afterById.get(r.id)!.i);
  const inOrder = longestIncreasing(newPositions);
  const moved = kept.flatMap((r, k) =>
    inOrder.has(k) ? [] : [{ id: r.id, name: afterById.get(r.id)!.r.name, from: beforeById.get(r.id)!.i + 1, to: afterById.get(r.id)!.i + 1 }],
  );
  return { added, removed, changed, moved, unchanged };
}

/** True when the two sets are the same rules in the same order. */
export function isEmptyDiff(d: RuleDiff): boolean {
  return !d.added.length && !d.removed.length && !d.changed.length && !d.moved.length;
}
