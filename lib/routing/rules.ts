/**
 * Routing rules: ordered, editable by product teams, stored as one versioned
 * document (RuleSetVersion). A rule matches when every condition it states
 * holds; the first enabled rule that matches names the route.
 *
 * Conditions are plain data (lists, bounds, keywords) rather than arbitrary
 * regular expressions, so evaluating them is linear in the prompt's length and
 * a rule cannot hang the process: the phrases of every rule are found in one
 * pass that yields to other requests on a long prompt (phrase-matcher.ts).
 */
import { z } from "zod";
import { escalationPolicySchema } from "./escalation";
import { MAX_PHRASE_CHARS, PhraseMatcher } from "./phrase-matcher";
import type { RoutableRequest } from "./types";

const name = z.string().trim().min(1).max(120);
const list = z.array(z.string().trim().min(1).max(200)).max(200);

export const ruleSchema = z
  .object({
    id: z.string().trim().min(1).max(64).regex(/^[a-zA-Z0-9_-]+$/, "id: letters, digits, - and _ only"),
    name,
    enabled: z.boolean().default(true),
    description: z.string().max(2000).default(""),
    when: z
      .object({
        /** thinkgate-task header is one of these. */
        tasks: list.optional(),
        /** thinkgate-app header is one of these. */
        apps: list.optional(),
        /** The requested model is one of these. */
        models: list.optional(),
        /** The prompt contains any of these words or phrases (case-insensitive, whole words). */
        promptContains: list.optional(),
        minPromptChars: z.number().int().min(0).optional(),
        maxPromptChars: z.number().int().min(0).optional(),
        hasTools: z.boolean().optional(),
      })
      .strict()
      .default({}),
    then: z.object({ routeId: z.string().trim().min(1) }).strict(),
    /** On a standard route: check the answer and escalate to reasoning when it is weak. */
    escalate: escalationPolicySchema.optional(),
  })
  .strict();

export type Rule = z.infer<typeof ruleSchema>;

/** Rules in one rule set at most. */
export const MAX_RULES = 500;

export const ruleSetSchema = z.array(ruleSchema).max(MAX_RULES).superRefine((rules, ctx) => {
  const phraseChars = rules.reduce((n, r) => n + (r.when.promptContains ?? []).reduce((m, p) => m + p.length, 0), 0);
  if (phraseChars > MAX_PHRASE_CHARS) {
    ctx.addIssue({ code: "custom", path: [], message: `the rules' promptContains phrases add up to ${phraseChars} characters; at most ${MAX_PHRASE_CHARS} are allowed` });
  }
  const seen = new Set<string>();
  rules.forEach((r, i) => {
    if (seen.has(r.id)) ctx.addIssue({ code: "custom", path: [i, "id"], message: `duplicate rule id "${r.id}"` });
    seen.add(r.id);
    const { minPromptChars: lo, maxPromptChars: hi } = r.when;
    if (lo !== undefined && hi !== undefined && lo > hi) {
      ctx.addIssue({ code: "custom", path: [i, "when", "minPromptChars"], message: "minPromptChars is greater than maxPromptChars" });
    }
  });
});

/** A rule prepared for matching: lower-cased lists, and its phrases' ids in the rule set's phrase matcher. */
export interface CompiledRule {
  rule: Rule;
  /** Whether every condition holds; async because a long prompt is scanned for phrases in slices. */
  matches(req: RoutableRequest): Promise<boolean>;
}

function lowerSet(values: string[] | undefined): Set<string> | undefined {
  return values && values.length ? new Set(values.map((v) => v.toLowerCase())) : undefined;
}

function compileWith(rule: Rule, phrases: PhraseMatcher): CompiledRule {
  const tasks = lowerSet(rule.when.tasks);
  const apps = lowerSet(rule.when.apps);
  const models = lowerSet(rule.when.models);
  const phraseIds = rule.when.promptContains?.map((p) => phrases.id(p)).filter((id) => id !== undefined);
  const { minPromptChars, maxPromptChars, hasTools } = rule.when;
  return {
    rule,
    async matches(req) {
      if (tasks && !(req.task && tasks.has(req.task.toLowerCase()))) return false;
      if (apps && !(req.app && apps.has(req.app.toLowerCase()))) return false;
      if (models && !models.has(req.model.toLowerCase())) return false;
      if (minPromptChars !== undefined && req.prompt.length < minPromptChars) return false;
      if (maxPromptChars !== undefined && req.prompt.length > maxPromptChars) return false;
      if (hasTools !== undefined && req.hasTools !== hasTools) return false;
      // Last: the only condition that reads the prompt, and read once per request for the whole rule set.
      if (phraseIds && phraseIds.length) {
        const found = await phrases.found(req, req.prompt);
        if (!phraseIds.some((id) => found.has(id))) return false;
      }
      return true;
    },
  };
}

/** A rule set prepared for matching: one phrase matcher for all its rules' phrases. */
export function compileRules(rules: Rule[]): CompiledRule[] {
  const phrases = new PhraseMatcher(rules.flatMap((r) => r.when.promptContains ?? []));
  return rules.map((r) => compileWith(r, phrases));
}

/** One rule on its own (tests, single-rule tools); a rule set is compiled with compileRules. */
export function compileRule(rule: Rule): CompiledRule {
  return compileWith(rule, new PhraseMatcher(rule.when.promptContains ?? []));
}

/** The first enabled rule that matches, or undefined. */
export async function firstMatch(rules: CompiledRule[], req: RoutableRequest): Promise<CompiledRule | undefined> {
  for (const r of rules) if (r.rule.enabled && (await r.matches(req))) return r;
  return undefined;
}

/** Human-readable summary of why a rule matched, for the decision's reason. */
export function describeRule(rule: Rule): string {
  const parts: string[] = [];
  const w = rule.when;
  if (w.tasks) parts.push(`task in [${w.tasks.join(", ")}]`);
  if (w.apps) parts.push(`app in [${w.apps.join(", ")}]`);
  if (w.models) parts.push(`model in [${w.models.join(", ")}]`);
  if (w.promptContains) parts.push(`prompt mentions [${w.promptContains.join(", ")}]`);
  if (w.minPromptChars !== undefined) parts.push(`prompt ≥ ${w.minPromptChars} chars`);
  if (w.maxPromptChars !== undefined) parts.push(`prompt ≤ ${w.maxPromptChars} chars`);
  if (w.hasTools !== undefined) parts.push(w.hasTools ? "tools present" : "no tools");
  return `rule "${rule.name}"${parts.length ? ` (${parts.join(", ")})` : ""}`;
}
