/**
 * The keyword-rules baseline: what a rules-only router (LiteLLM's complexity
 * router, Bifrost's first lexical scorer) would decide, from the same cue
 * lexicon the classifier reads (lexicon.ts). The eval reports it next to the
 * classifier so the model has to beat it.
 *
 * Rule, in the spirit of LiteLLM's "2+ reasoning markers force REASONING":
 *   markers  = cue words of the derive, debug, design, security, planning and
 *              math classes, +1 for a code block or 8+ code lines, +1 for a
 *              stack trace, +1 for an arithmetic expression ("3 * 4"), +1 for
 *              a quantitative question (3+ numbers and a question mark), +1
 *              when 4+ constraint words or list items appear together
 *   standard = cue words of the standard, creative and greeting classes
 *   reasoning iff markers >= 2 and markers > standard.
 */
import { extractInto, type Structure } from "./features";

export interface KeywordDecision {
  tier: "reasoning" | "standard";
  markers: number;
  standard: number;
  reason: string;
}

export function keywordRulesFromStructure(s: Structure): KeywordDecision {
  const c = s.cues;
  const parts: string[] = [];
  let markers = 0;
  const add = (n: number, what: string) => {
    if (n > 0) {
      markers += n;
      parts.push(`${what} ${n}`);
    }
  };
  add(c.derive, "derive");
  add(c.debug, "debug");
  add(c.design, "design");
  add(c.security, "security");
  add(c.plan, "plan");
  add(c.math, "math");
  add(s.codeFences > 0 || s.codeLines >= 8 ? 1 : 0, "code");
  add(s.stackTrace ? 1 : 0, "stack-trace");
  add(s.arithmeticOps > 0 ? 1 : 0, "arithmetic");
  add(s.numbers >= 3 && s.questions > 0 ? 1 : 0, "quantitative-question");
  add(c.constraint + s.listItems >= 4 ? 1 : 0, "constraints");
  const standard = c.standard + c.creative + c.greeting;
  const tier = markers >= 2 && markers > standard ? "reasoning" : "standard";
  return {
    tier,
    markers,
    standard,
    reason: `keywords: ${markers} reasoning markers (${parts.join(", ") || "none"}) vs ${standard} standard`,
  };
}

export function keywordRules(text: string): KeywordDecision {
  return keywordRulesFromStructure(extractInto(text).structure);
}
