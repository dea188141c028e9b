import { describe, expect, it } from "vitest";
import { compileSafe, unsafeReason } from "./safe-regex";

describe("safe regular expressions", () => {
  it("accepts ordinary patterns", () => {
    for (const p of ["^\\{.*\\}$", "answer: \\d+", "(yes|no)", "[a-z]+@[a-z]+\\.com", "(ab)+c", "colou?r"]) expect(unsafeReason(p)).toBeNull();
  });

  it("refuses the shapes that backtrack catastrophically, with a reason", () => {
    expect(unsafeReason("(a+)+$")).toMatch(/repeated group/);
    expect(unsafeReason("(a|aa)*b")).toMatch(/repeated group/);
    expect(unsafeReason("((ab)*)+")).toMatch(/repeated group/);
    expect(unsafeReason("(\\w+\\s?)*$")).toMatch(/repeated group/);
    expect(unsafeReason("(a)\\1")).toMatch(/backreferences/);
    expect(unsafeReason("(?=a)b")).toMatch(/lookahead/);
    expect(unsafeReason("(a")).toMatch(/unbalanced|valid/);
  });

  it("runs a vetted pattern quickly on a hostile subject", () => {
    const test = compileSafe("^(ab)+c$");
    const t = performance.now();
    expect(test("ab".repeat(100_000))).toBe(false);
    expect(performance.now() - t).toBeLessThan(500);
  });
});
