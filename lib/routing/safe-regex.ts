/**
 * Regular expressions that users configure (answer validators, redaction
 * patterns) run on the request path, so a pattern must not be able to hang the
 * process. JavaScript's engine backtracks; the patterns that make it explode
 * need backreferences, lookaround, or a quantified group that itself contains a
 * quantifier or an alternation ("(a+)+", "(a|aa)*"). Those are refused, and the
 * text a pattern runs on is capped.
 */

export const MAX_PATTERN_LENGTH = 500;
export const MAX_SUBJECT_LENGTH = 200_000;

export function unsafeReason(pattern: string): string | null {
  if (pattern.length > MAX_PATTERN_LENGTH) return `pattern is longer than ${MAX_PATTERN_LENGTH} characters`;
  if (/\\[1-9]|\\k</.test(pattern)) return "backreferences are not allowed";
  if (/\(\?(?:[=!]|<[=!])/.test(pattern)) return "lookahead and lookbehind are not allowed";
  // Walk the groups: a group that contains a quantifier or an alternation must not be quantified itself.
  const stack: { risky: boolean }[] = [];
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === "\\") {
      i++;
      continue;
    }
    if (inClass) {
      if (c === "]") inClass = false;
      continue;
    }
    if (c === "[") inClass = true;
    else if (c === "(") stack.push({ risky: false });
    else if (c === ")") {
      const group = stack.pop();
      if (!group) return "unbalanced parenthesis";
      const next = pattern[i + 1];
      const quantified = next === "*" || next === "+" || next === "?" || next === "{";
      if (quantified && group.risky && next !== "?") return "a repeated group may not contain another repetition or an alternation (catastrophic backtracking)";
      if (stack.length && (group.risky || quantified)) stack[stack.length - 1]!.risky = true;
    } else if ((c === "*" || c === "+" || c === "{" || c === "|") && stack.length) stack[stack.length - 1]!.risky = true;
  }
  if (stack.length) return "unbalanced parenthesis";
  try {
    new RegExp(pattern, "u");
  } catch (err) {
    return `not a valid regular expression: ${(err as Error).message}`;
  }
  return null;
}

/** Compiles a vetted pattern; throws with the reason when it is not safe. */
export function compileSafe(pattern: string, flags = "u"): (subject: string) => boolean {
  const why = unsafeReason(pattern);
  if (why) throw new Error(why);
  const re = new RegExp(pattern, flags.includes("u") ? flags : flags + "u");
  return (subject) => re.test(subject.length > MAX_SUBJECT_LENGTH ? subject.slice(0, MAX_SUBJECT_LENGTH) : subject);
}
