/**
 * Checking an answer against a user's JSON Schema, for escalation policies
 * and the calibration lab's graders. Both the schema (written by an editor)
 * and the answer (written by a model a client can steer) are hostile input
 * here, and both run on the request path's thread.
 *
 * Ajv compiles a schema's `pattern` and `patternProperties` with JavaScript's
 * backtracking RegExp, where "^(a+)+$" on 26 a's and a "!" takes seconds. Ajv
 * lets the regular expression engine be replaced (`code.regExp`), so every
 * pattern runs on the same linear-time RE2 engine as the answer patterns
 * (safe-regex.ts), and a pattern that engine cannot run (a backreference, a
 * lookahead) is refused with its reason when the schema is saved.
 */
import Ajv, { type ValidateFunction } from "ajv";
import { jsonDepthExceeds } from "../api/json-body";
import { compileSafe } from "./safe-regex";

/** Ajv's RegExpEngine: a factory of objects with `test`, whose `toString` Ajv uses as the cache key of each pattern. */
function re2Engine(pattern: string, flags: string): { test(s: string): boolean; toString(): string } {
  const test = compileSafe(pattern, flags);
  return { test, toString: () => `/${pattern}/${flags}` };
}
// Only read by Ajv's standalone code generation, which thinkgate does not use.
re2Engine.code = "re2";

const ajv = new Ajv({ allErrors: false, strict: false, code: { regExp: re2Engine } });
const compiled = new WeakMap<object, ValidateFunction>();

/** The schema's validator, compiled once per schema object; throws with Ajv's or the regex engine's reason. */
export function schemaValidator(schema: Record<string, unknown>): ValidateFunction {
  let v = compiled.get(schema);
  if (!v) {
    v = ajv.compile(schema);
    compiled.set(schema, v);
  }
  return v;
}

/** Why a schema cannot be used, or null when it can (checked when a rule or a grader is saved). */
export function schemaProblem(schema: Record<string, unknown>): string | null {
  try {
    schemaValidator(schema);
    return null;
  } catch (err) {
    return (err as Error).message;
  }
}

/** Ajv's errors of the last failed validation, as one line. */
export function schemaErrors(validate: ValidateFunction): string {
  return ajv.errorsText(validate.errors, { separator: "; " });
}

/**
 * The content of the first ``` or ```json fence in `text`, or null without one.
 * Found with indexOf in one pass: the regular expressions this replaces
 * ("```(?:json)?\s*\n([\s\S]*?)\n```") backtracked quadratically, or worse, on
 * an answer of blank lines after an opening fence.
 */
export function fencedContent(text: string): string | null {
  let from = 0;
  for (;;) {
    const open = text.indexOf("```", from);
    if (open < 0) return null;
    const eol = text.indexOf("\n", open + 3);
    if (eol < 0) return null;
    // No closing fence after this line means none after any later line either.
    const close = text.indexOf("\n```", eol);
    if (close < 0) return null;
    const info = text.slice(open + 3, eol).trim().toLowerCase();
    if (info === "" || info === "json") return text.slice(eol + 1, close);
    from = close + 4; // another language's block: look on after its closing fence
  }
}

/**
 * Deeper than any answer a schema is meant for, shallow enough for Ajv, whose
 * validator recurses a level at a time: a model steered into answering
 * "[[[[...]]]]" 50,000 levels deep overflowed the stack under a recursive
 * schema ({"items": {"$ref": "#"}}), and the request that had been answered
 * became a 500.
 */
export const MAX_ANSWER_DEPTH = 1_000;

/**
 * The JSON an answer carries: the whole answer, or the content of its first
 * ```json fence; `tooDeep` when what it carries nests past MAX_ANSWER_DEPTH.
 */
export function parseAnswerJson(text: string): { ok: true; value: unknown } | { ok: false; tooDeep?: true } {
  const candidates = [text, fencedContent(text)];
  let tooDeep = false;
  for (const c of candidates) {
    if (c === null) continue;
    if (jsonDepthExceeds(c, MAX_ANSWER_DEPTH)) {
      tooDeep = true;
      continue;
    }
    try {
      return { ok: true, value: JSON.parse(c.trim()) };
    } catch {
      // not JSON as it stands; try the fence
    }
  }
  return tooDeep ? { ok: false, tooDeep } : { ok: false };
}

/** Why an answer's JSON that nests too deeply is not checked. */
export const ANSWER_TOO_DEEP = `its JSON nests more than ${MAX_ANSWER_DEPTH.toLocaleString("en-US")} levels deep`;
