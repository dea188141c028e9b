/**
 * Confidence-based escalation: a request in the ambiguous band (or under a
 * rule that asks for it) is answered on the standard route first, and sent to
 * the reasoning route when that answer turns out weak. This file decides
 * "weak"; the gateway runs the hops.
 */
import { z } from "zod";
import { scoreFailure } from "../traces/failure-score";
import { extractSignals } from "../traces/signals";
import { ANSWER_TOO_DEEP, parseAnswerJson, schemaErrors, schemaProblem, schemaValidator } from "./answer-json";
import { compileSafe, unsafeReason } from "./safe-regex";

export const escalationPolicySchema = z
  .object({
    /** The answer must be JSON that matches this JSON Schema (its patterns run in linear time: answer-json.ts). */
    jsonSchema: z
      .record(z.string(), z.unknown())
      .superRefine((schema, ctx) => {
        const why = schemaProblem(schema);
        if (why) ctx.addIssue({ code: "custom", message: `jsonSchema: ${why}` });
      })
      .optional(),
    /** The answer must match this pattern (RE2 syntax, run in linear time: lib/routing/safe-regex.ts). */
    answerPattern: z
      .string()
      .max(500)
      .superRefine((p, ctx) => {
        const why = unsafeReason(p);
        if (why) ctx.addIssue({ code: "custom", message: `answerPattern: ${why}` });
      })
      .optional(),
    /** Escalate when the answer stopped on max_tokens. */
    onMaxTokens: z.boolean().default(true),
    /** Escalate when the model refused. */
    onRefusal: z.boolean().default(true),
    /** Escalate when the answer hedges more than this many times per 1,000 words. */
    maxHedgeDensity: z.number().min(0).max(1000).default(25),
    /**
     * Escalate when the standard answer's thinking gives a failure score
     * (lib/traces/failure-score.ts, probability that the answer is wrong)
     * above this. Needs thinking text on the standard route.
     */
    maxFailureScore: z.number().min(0).max(1).optional(),
    /** Escalate when the answer says it is not confident. */
    onLowConfidence: z.boolean().default(false),
    /** Where to escalate; the reasoning tier's route when omitted. */
    toRouteId: z.string().min(1).optional(),
  })
  .strict();

export type EscalationPolicy = z.infer<typeof escalationPolicySchema>;

export const DEFAULT_POLICY: EscalationPolicy = escalationPolicySchema.parse({});

export interface AnswerFacts {
  text: string;
  stopReason: string | null;
  /** The standard answer's thinking text, when it came back (the failure-score trigger reads it). */
  thinking?: string;
}

export interface Verdict {
  escalate: boolean;
  reasons: string[];
}

// Hedging on a handful of words is noise: a short answer needs at least this many hedges to count.
const MIN_HEDGES = 2;
const LOW_CONFIDENCE = [
  "confidence: low",
  "my confidence is low",
  "i'm not confident",
  "i am not confident",
  "low confidence in this answer",
  "i'm not certain this is correct",
];

const patternCache = new Map<string, (s: string) => boolean>();

/**
 * Why an answer fails the policy's validators (JSON schema, pattern); empty
 * when it passes or there are none. Also asked of an answer served after an
 * escalation: the other triggers (hedging, max_tokens, ...) decide whether to
 * escalate, they do not make a served answer invalid.
 */
export function validatorFailures(text: string, policy: Pick<EscalationPolicy, "jsonSchema" | "answerPattern">): string[] {
  const reasons: string[] = [];
  if (policy.jsonSchema) {
    const parsed = parseAnswerJson(text);
    if (!parsed.ok) reasons.push(parsed.tooDeep ? `the answer cannot be checked against the JSON schema: ${ANSWER_TOO_DEEP}` : "the answer is not valid JSON");
    else {
      const validate = schemaValidator(policy.jsonSchema);
      if (!validate(parsed.value)) reasons.push(`the answer does not match the JSON schema (${schemaErrors(validate)})`);
    }
  }
  if (policy.answerPattern) {
    let test = patternCache.get(policy.answerPattern);
    if (!test) patternCache.set(policy.answerPattern, (test = compileSafe(policy.answerPattern)));
    if (!test(text)) reasons.push("the answer does not match the expected pattern");
  }
  return reasons;
}

export function judgeAnswer(answer: AnswerFacts, policy: EscalationPolicy): Verdict {
  const reasons: string[] = [];
  if (policy.onMaxTokens && answer.stopReason === "max_tokens") reasons.push("the answer stopped at max_tokens");
  if (policy.onRefusal && answer.stopReason === "refusal") reasons.push("the model refused");
  reasons.push(...validatorFailures(answer.text, policy));
  if (answer.text) {
    const { stats } = extractSignals(answer.text);
    if (stats.counts.hedge >= MIN_HEDGES && stats.density.hedge > policy.maxHedgeDensity) {
      reasons.push(`the answer hedges ${stats.counts.hedge} times (${stats.density.hedge.toFixed(1)} per 1,000 words, above ${policy.maxHedgeDensity})`);
    }
  }
  if (policy.maxFailureScore !== undefined && answer.thinking) {
    const answerStats = answer.text ? extractSignals(answer.text).stats : null;
    const failure = scoreFailure({ thinking: extractSignals(answer.thinking).stats, answer: answerStats });
    if (failure.p > policy.maxFailureScore) {
      const why = failure.reasons.map((r) => r.text).join(", ");
      reasons.push(`the thinking suggests a wrong answer (failure score ${failure.p.toFixed(2)}, above ${policy.maxFailureScore}${why ? `: ${why}` : ""})`);
    }
  }
  if (policy.onLowConfidence) {
    const lower = answer.text.toLowerCase();
    if (LOW_CONFIDENCE.some((p) => lower.includes(p))) reasons.push("the answer reports low confidence");
  }
  return { escalate: reasons.length > 0, reasons };
}
