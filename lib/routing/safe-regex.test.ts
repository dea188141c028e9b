import { describe, expect, it } from "vitest";
import { compileSafe, MAX_PATTERN_LENGTH, unsafeReason } from "./safe-regex";

/** Runs `fn` and returns how long it took, ms. */
function timed(fn: () => void): number {
  const t = performance.now();
  fn();
  return performance.now() - t;
}

describe("safe regular expressions", () => {
  it("accepts ordinary patterns and tests like RegExp.prototype.test", () => {
    for (const p of ["^\\{.*\\}$", "answer: \\d+", "(yes|no)", "[a-z]+@[a-z]+\\.com", "(ab)+c", "colou?r", "^(yes|no)\\b", "(?<n>a)"]) expect(unsafeReason(p)).toBeNull();
    expect(compileSafe("answer: \\d+")("the answer: 42.")).toBe(true);
    expect(compileSafe("^(yes|no)\\b")("maybe yes")).toBe(false);
    expect(compileSafe("^YES$", "i")("yes")).toBe(true);
    expect(compileSafe("^b$", "m")("a\nb\nc")).toBe(true);
    expect(compileSafe("a.b", "s")("a\nb")).toBe(true);
    expect(compileSafe("a.b")("a\nb")).toBe(false);
  });

  it("refuses what cannot run in linear time or is not a pattern, with a reason", () => {
    expect(unsafeReason("(a)\\1")).toMatch(/backreferences/);
    expect(unsafeReason("(?<n>a)\\k<n>")).toMatch(/backreferences/);
    expect(unsafeReason("(?=a)b")).toMatch(/lookahead/);
    expect(unsafeReason("(?<!a)b")).toMatch(/lookbehind/);
    expect(unsafeReason("(a")).toMatch(/not a valid regular expression: missing closing \)/);
    expect(unsafeReason("x{1001}")).toMatch(/invalid repeat count/);
    expect(unsafeReason("((a{1,1000}){1,1000}){1,1000}")).toMatch(/too large/);
    expect(unsafeReason("a".repeat(MAX_PATTERN_LENGTH + 1))).toMatch(/longer than/);
    expect(unsafeReason("a", "y")).toMatch(/unsupported regular expression flag/);
    expect(() => compileSafe("(a")).toThrow(/missing closing/);
  });

  // Each of these takes RegExp seconds to forever on these subjects (exponential or polynomial backtracking).
  it.each([
    ["(a+)+$", "a".repeat(100_000) + "!"],
    ["(a|aa)*c$", "a".repeat(100_000)],
    ["(\\w+\\s?)*$", "word ".repeat(20_000) + "!"],
    [".*.*.*.*x", "a".repeat(200_000)],
    ["^(a|a?)+$", "a".repeat(50_000) + "b"],
    ["(.*a){12}", "a".repeat(100_000)],
  ])("matches the catastrophic pattern %s in linear time", (pattern, subject) => {
    const test = compileSafe(pattern);
    let result: boolean | undefined;
    const ms = timed(() => (result = test(subject)));
    expect(typeof result).toBe("boolean");
    expect(ms).toBeLessThan(1_000);
  });

  it("caps the subject it runs on", () => {
    const test = compileSafe("needle$");
    expect(test("x".repeat(300_000) + "needle")).toBe(false);
    expect(test("x".repeat(1_000) + "needle")).toBe(true);
  });
});
