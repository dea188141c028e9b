/**
 * Graders: is an answer right? One grader per evaluation set. All but the LLM
 * judge are pure functions of (answer, expected); the judge's prompt and the
 * parsing of its verdict are pure too, the call itself is the runner's.
 */
import { z } from "zod";
import { badRequest } from "../api/errors";
import { ANSWER_TOO_DEEP, parseAnswerJson, schemaErrors, schemaProblem, schemaValidator } from "../routing/answer-json";
import { compileSafe, unsafeReason } from "../routing/safe-regex";

export const graderSchema = z.discriminatedUnion("kind", [
  /** The answer, trimmed and with runs of white space made one, equals the expected text. */
  z.object({ kind: z.literal("exact"), caseSensitive: z.boolean().default(false) }).strict(),
  /** The last number in the answer equals the expected number (within `tolerance`). */
  z.object({ kind: z.literal("number"), tolerance: z.number().min(0).default(0) }).strict(),
  /** The answer matches a regular expression: `pattern` for the whole set, else each item's expected text. */
  z.object({ kind: z.literal("regex"), pattern: z.string().min(1).optional(), flags: z.string().max(4).default("i") }).strict(),
  /** The answer contains the expected text. */
  z.object({ kind: z.literal("contains"), caseSensitive: z.boolean().default(false) }).strict(),
  /** The answer is JSON valid against the schema (the expected text is not used). */
  z.object({ kind: z.literal("json_schema"), schema: z.record(z.string(), z.unknown()) }).strict(),
  /** Another model judges the answer against the expected one with a rubric, through a route of its own. */
  z.object({ kind: z.literal("judge"), routeId: z.string().trim().min(1), rubric: z.string().trim().min(1).max(4_000) }).strict(),
]);
export type Grader = z.infer<typeof graderSchema>;

export interface Grade {
  correct: boolean;
  /** Why not, in a few words (shown next to a failed trial). */
  note?: string;
}

/** Parses a grader and checks what can be checked before any run (a regex that cannot be used, a schema that does not compile). */
export function parseGrader(raw: unknown): Grader {
  const parsed = graderSchema.safeParse(raw);
  if (!parsed.success) throw badRequest(`grader: ${parsed.error.issues.map((i) => `${i.path.join(".") || "kind"}: ${i.message}`).join("; ")}`);
  const g = parsed.data;
  if (g.kind === "regex" && g.pattern) {
    const why = unsafeReason(g.pattern, g.flags);
    if (why) throw badRequest(`grader: pattern: ${why}`);
  }
  if (g.kind === "json_schema") {
    const why = schemaProblem(g.schema);
    if (why) throw badRequest(`grader: schema: ${why}`);
  }
  return g;
}

const squash = (s: string) => s.trim().replace(/\s+/g, " ");

/** Numbers as people write them: "1,517", "-3.5", "1517." → 1517, -3.5, 1517. */
export function numbersIn(text: string): number[] {
  return [...text.matchAll(/-?\d{1,3}(?:,\d{3})+(?:\.\d+)?|-?\d+(?:\.\d+)?/g)].map((m) => Number(m[0].replace(/,/g, "")));
}

/** Grades one answer. `judge` graders are not handled here (see judgePrompt / parseVerdict). */
export function grade(g: Exclude<Grader, { kind: "judge" }>, answer: string, expected: string): Grade {
  switch (g.kind) {
    case "exact": {
      const [a, e] = g.caseSensitive ? [squash(answer), squash(expected)] : [squash(answer).toLowerCase(), squash(expected).toLowerCase()];
      return a === e ? { correct: true } : { correct: false, note: "not an exact match" };
    }
    case "number": {
      const want = numbersIn(expected)[0];
      if (want === undefined) return { correct: false, note: `the expected answer "${expected}" is not a number` };
      const got = numbersIn(answer).at(-1);
      if (got === undefined) return { correct: false, note: "no number in the answer" };
      return Math.abs(got - want) <= g.tolerance + 1e-9 * Math.max(1, Math.abs(want)) ? { correct: true } : { correct: false, note: `${got} ≠ ${want}` };
    }
    case "regex": {
      const pattern = g.pattern ?? expected;
      let test: (s: string) => boolean;
      try {
        test = compileSafe(pattern, g.flags);
      } catch (err) {
        return { correct: false, note: `pattern: ${(err as Error).message}` };
      }
      return test(answer) ? { correct: true } : { correct: false, note: "does not match the pattern" };
    }
    case "contains": {
      const hit = g.caseSensitive ? answer.includes(expected.trim()) : answer.toLowerCase().includes(expected.trim().toLowerCase());
      return hit ? { correct: true } : { correct: false, note: "the expected text is not in the answer" };
    }
    case "json_schema": {
      const parsed = parseAnswerJson(answer);
      if (!parsed.ok) return { correct: false, note: parsed.tooDeep ? `the answer cannot be checked: ${ANSWER_TOO_DEEP}` : "the answer is not JSON" };
      const validate = schemaValidator(g.schema);
      return validate(parsed.value) ? { correct: true } : { correct: false, note: schemaErrors(validate) };
    }
  }
}

export const JUDGE_SYSTEM =
  "You grade answers. Compare the candidate answer with the reference answer using the rubric. " +
  'Reply with JSON only: {"verdict": "correct" | "incorrect", "reason": "<one sentence>"}.';

/** The judge's user message. */
export function judgePrompt(rubric: string, question: string, expected: string, answer: string): string {
  return `Rubric:\n${rubric}\n\nQuestion:\n${question}\n\nReference answer:\n${expected}\n\nCandidate answer:\n${answer}`;
}

/** Reads the judge's verdict: the JSON asked for, or a bare CORRECT / INCORRECT word; null when it cannot be read. */
export function parseVerdict(text: string): Grade | null {
  const json = /\{[\s\S]*\}/.exec(text)?.[0];
  if (json) {
    try {
      const v = JSON.parse(json) as { verdict?: unknown; reason?: unknown };
      if (v.verdict === "correct" || v.verdict === "incorrect") {
        return { correct: v.verdict === "correct", ...(typeof v.reason === "string" ? { note: v.reason.slice(0, 300) } : {}) };
      }
    } catch {
      /* fall through to the bare word */
    }
  }
  const word = /\b(INCORRECT|CORRECT)\b/.exec(text.toUpperCase())?.[1];
  return word ? { correct: word === "CORRECT" } : null;
}

export function describeGrader(g: Grader): string {
  switch (g.kind) {
    case "exact":
      return `exact match${g.caseSensitive ? " (case-sensitive)" : ""}`;
    case "number":
      return `same number${g.tolerance ? ` (±${g.tolerance})` : ""}`;
    case "regex":
      return g.pattern ? `matches /${g.pattern}/${g.flags}` : `matches each item's expected pattern`;
    case "contains":
      return "contains the expected text";
    case "json_schema":
      return "valid JSON against the set's schema";
    case "judge":
      return `LLM judge on route "${g.routeId}"`;
  }
}
