/**
 * Regular expressions that users configure (answer validators) run on the
 * request path, so a pattern must not be able to hang the process.
 *
 * JavaScript's RegExp backtracks: besides the famous exponential shapes
 * ("(a+)+$"), plain patterns like ".*.*.*x" are polynomial and take seconds on
 * a long answer, and no syntactic check catches every such case. So user
 * patterns never run on RegExp: they are compiled by RE2JS, a port of RE2
 * whose automata match in time linear in the subject (and in the pattern), for
 * every pattern. What RE2 cannot do in linear time (backreferences,
 * lookaround) it refuses to compile, which surfaces here as a clear reason.
 */
import { RE2JS } from "re2js";

export const MAX_PATTERN_LENGTH = 500;
/** The text a pattern runs on is capped too: linear time is still time. */
export const MAX_SUBJECT_LENGTH = 200_000;

const FLAGS: Record<string, number> = { i: RE2JS.CASE_INSENSITIVE, m: RE2JS.MULTILINE, s: RE2JS.DOTALL };

function re2Flags(flags: string): number {
  let out = 0;
  for (const f of flags) {
    // "u" is what RegExp needs for code points; RE2 always works on code points. "g" means nothing to a test.
    if (f === "u" || f === "g") continue;
    const bit = FLAGS[f];
    if (bit === undefined) throw new Error(`unsupported regular expression flag "${f}" (i, m and s are supported)`);
    out |= bit;
  }
  return out;
}

function compile(pattern: string, flags: string): RE2JS {
  if (pattern.length > MAX_PATTERN_LENGTH) throw new Error(`pattern is longer than ${MAX_PATTERN_LENGTH} characters`);
  if (/\\[1-9]|\\k</.test(pattern)) throw new Error("backreferences are not allowed (they cannot be matched in linear time)");
  if (/\(\?(?:[=!]|<[=!])/.test(pattern)) throw new Error("lookahead and lookbehind are not allowed (they cannot be matched in linear time)");
  try {
    return RE2JS.compile(pattern, re2Flags(flags));
  } catch (err) {
    // RE2JS messages read "error parsing regexp: missing closing ): `(a`".
    const message = err instanceof Error ? err.message.replace(/^error parsing regexp:\s*/, "") : String(err);
    throw new Error(`not a valid regular expression: ${message}`);
  }
}

/** Why `pattern` cannot be used, or null when it can (checked when a rule is saved). */
export function unsafeReason(pattern: string, flags = ""): string | null {
  try {
    compile(pattern, flags);
    return null;
  } catch (err) {
    return (err as Error).message;
  }
}

/** Compiles a pattern into an unanchored test (like RegExp.prototype.test); throws with the reason when it cannot be used. */
export function compileSafe(pattern: string, flags = ""): (subject: string) => boolean {
  const re = compile(pattern, flags);
  return (subject) => re.test(subject.length > MAX_SUBJECT_LENGTH ? subject.slice(0, MAX_SUBJECT_LENGTH) : subject);
}
