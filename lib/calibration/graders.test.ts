import { describe, expect, it } from "vitest";
import { grade as gradeWith, numbersIn, parseGrader, parseVerdict, type Grader } from "./graders";

/** The pure graders (the judge is tested through parseVerdict). */
const grade = (g: Grader, answer: string, expected: string) => gradeWith(g as Exclude<Grader, { kind: "judge" }>, answer, expected);

describe("graders", () => {
  it("exact: trims, squashes white space, case-insensitive unless asked", () => {
    expect(grade(parseGrader({ kind: "exact" }), "  Paris \n", "paris").correct).toBe(true);
    expect(grade(parseGrader({ kind: "exact", caseSensitive: true }), "Paris", "paris").correct).toBe(false);
    expect(grade(parseGrader({ kind: "exact" }), "Paris, France", "Paris").correct).toBe(false);
  });

  it("number: the last number of the answer, as people write numbers", () => {
    expect(numbersIn("The answer is 1,517.")).toEqual([1517]);
    const g = parseGrader({ kind: "number" });
    expect(grade(g, "37 * 41: the answer is 1,517.", "1517").correct).toBe(true);
    expect(grade(g, "The answer is 1520.", "1517")).toEqual({ correct: false, note: "1520 ≠ 1517" });
    expect(grade(g, "no idea", "1517").note).toBe("no number in the answer");
    expect(grade(parseGrader({ kind: "number", tolerance: 0.01 }), "3.141", "3.14").correct).toBe(true);
  });

  it("regex: the set's pattern or the item's, through the safe regex engine", () => {
    expect(grade(parseGrader({ kind: "regex", pattern: "^yes\\b" }), "Yes, it is", "").correct).toBe(true);
    expect(grade(parseGrader({ kind: "regex" }), "status: 200 OK", "\\b2\\d\\d\\b").correct).toBe(true);
    expect(() => parseGrader({ kind: "regex", pattern: "(a)\\1" })).toThrow(/backreferences/);
  });

  it("contains", () => {
    expect(grade(parseGrader({ kind: "contains" }), "It is in PARIS.", "paris").correct).toBe(true);
    expect(grade(parseGrader({ kind: "contains" }), "It is in Lyon.", "paris").correct).toBe(false);
  });

  it("json schema: parses the answer (fenced or not) and validates it", () => {
    const g = parseGrader({ kind: "json_schema", schema: { type: "object", required: ["total"], properties: { total: { type: "number" } } } });
    expect(grade(g, '```json\n{"total": 3}\n```', "").correct).toBe(true);
    expect(grade(g, '{"total": "3"}', "").correct).toBe(false);
    expect(grade(g, "total: 3", "").note).toBe("the answer is not JSON");
    expect(() => parseGrader({ kind: "json_schema", schema: { type: "nonsense" } })).toThrow(/schema/);
  });

  it("judge: the verdict as JSON or a bare word", () => {
    expect(parseVerdict('Sure. {"verdict": "correct", "reason": "same value"}')).toEqual({ correct: true, note: "same value" });
    expect(parseVerdict("INCORRECT")).toEqual({ correct: false });
    expect(parseVerdict("I cannot tell")).toBeNull();
    expect(() => parseGrader({ kind: "judge", routeId: "r" })).toThrow(/rubric/);
  });

  it("rejects unknown graders with a clear message", () => {
    expect(() => parseGrader({ kind: "vibes" })).toThrow(/grader/);
  });
});
