import { describe, expect, it } from "vitest";
import { grade, parseGrader } from "../calibration/graders";
import { fencedContent, MAX_ANSWER_DEPTH, parseAnswerJson, schemaProblem, schemaValidator } from "./answer-json";
import { escalationPolicySchema, judgeAnswer } from "./escalation";

// With JavaScript's backtracking RegExp, "^(a+)+$" against 40 a's and a "!" takes on the order of days:
// each of these tests would hang far past the test timeout instead of passing.
const EVIL = "^(a+)+$";
const CRAFTED = `${"a".repeat(40)}!`;

describe("JSON Schema patterns run on the linear-time engine", () => {
  it("evaluates a catastrophic pattern, with the right answer", () => {
    const validate = schemaValidator({ type: "string", pattern: EVIL });
    expect(validate(CRAFTED)).toBe(false);
    expect(validate("a".repeat(40))).toBe(true);
  });

  it("applies it to patternProperties too", () => {
    const validate = schemaValidator({ type: "object", patternProperties: { [EVIL]: { type: "number" } } });
    expect(validate({ [CRAFTED]: "not checked: the key does not match" })).toBe(true);
    expect(validate({ aaaa: "a string where a number is due" })).toBe(false);
  });

  it("keeps each pattern of one schema apart (Ajv caches patterns by their text)", () => {
    const validate = schemaValidator({
      type: "object",
      properties: { a: { type: "string", pattern: "^x+$" }, b: { type: "string", pattern: "^y+$" } },
    });
    expect(validate({ a: "xx", b: "yy" })).toBe(true);
    expect(validate({ a: "xx", b: "xx" })).toBe(false);
  });

  it("refuses what RE2 cannot run in linear time, and a schema Ajv cannot compile, with the reason", () => {
    expect(schemaProblem({ type: "string", pattern: "^(a)\\1$" })).toMatch(/backreferences are not allowed/);
    expect(schemaProblem({ type: "string", pattern: "(?=a)a" })).toMatch(/lookahead/);
    expect(schemaProblem({ type: "strnig" })).toMatch(/type/);
    expect(schemaProblem({ type: "string", pattern: "^[a-z]+$" })).toBeNull();
  });

  it("refuses such a schema where an editor saves it: escalation policy and calibration grader", () => {
    const policy = escalationPolicySchema.safeParse({ jsonSchema: { type: "string", pattern: "(a)\\1" } });
    expect(policy.success).toBe(false);
    expect(JSON.stringify(policy.error?.issues)).toMatch(/jsonSchema: .*backreferences/);
    expect(() => parseGrader({ kind: "json_schema", schema: { pattern: "(a)\\1" } })).toThrow(/grader: schema: .*backreferences/);
  });

  it("escalates a crafted answer that fails the pattern, and keeps one that matches", () => {
    const policy = escalationPolicySchema.parse({
      jsonSchema: { type: "object", properties: { answer: { type: "string", pattern: EVIL } }, required: ["answer"] },
    });
    const weak = judgeAnswer({ text: JSON.stringify({ answer: CRAFTED }), stopReason: "end_turn" }, policy);
    expect(weak.escalate).toBe(true);
    expect(weak.reasons.join()).toMatch(/does not match the JSON schema/);
    const good = judgeAnswer({ text: "```json\n" + JSON.stringify({ answer: "aaaa" }) + "\n```", stopReason: "end_turn" }, policy);
    expect(good).toEqual({ escalate: false, reasons: [] });
  });

  it("grades with the same engine in the calibration lab", () => {
    const g = parseGrader({ kind: "json_schema", schema: { type: "object", properties: { answer: { type: "string", pattern: EVIL } } } });
    if (g.kind === "judge") throw new Error("unreachable");
    expect(grade(g, JSON.stringify({ answer: CRAFTED }), "").correct).toBe(false);
    expect(grade(g, "Here it is:\n```json\n{\"answer\": \"aaa\"}\n```", "")).toEqual({ correct: true });
  });
});

describe("fenced JSON in an answer", () => {
  it("finds the first plain or json fence, skipping other languages", () => {
    expect(fencedContent("x\n```json\n{\"a\":1}\n```\ny")).toBe('{"a":1}');
    expect(fencedContent("```\n[1]\n```")).toBe("[1]");
    expect(fencedContent("```python\nprint(1)\n```\n```json\n{}\n```")).toBe("{}");
    expect(fencedContent("```json\n{}")).toBeNull();
    expect(fencedContent("no fence")).toBeNull();
  });

  it("parses the whole answer or its fence", () => {
    expect(parseAnswerJson(' {"a": 1} ')).toEqual({ ok: true, value: { a: 1 } });
    expect(parseAnswerJson("Sure:\n```json\n{\"a\": 2}\n```")).toEqual({ ok: true, value: { a: 2 } });
    expect(parseAnswerJson("Sure, no JSON today.")).toEqual({ ok: false });
  });

  it("checks an answer nested past MAX_ANSWER_DEPTH as unreadable, not by a validator that overflows the stack", () => {
    // A recursive schema: Ajv's validator recurses once a level, and 50,000 levels overflowed the stack (a 500).
    const recursive = { type: "array", items: { $ref: "#" } };
    const deep = "[".repeat(50_000) + "]".repeat(50_000);
    for (const answer of [deep, "Here:\n```json\n" + deep + "\n```"]) {
      expect(parseAnswerJson(answer)).toEqual({ ok: false, tooDeep: true });
      const verdict = judgeAnswer({ text: answer, stopReason: "end_turn" }, escalationPolicySchema.parse({ jsonSchema: recursive }));
      expect(verdict.reasons).toContain("the answer cannot be checked against the JSON schema: its JSON nests more than 1,000 levels deep");
      expect(grade(parseGrader({ kind: "json_schema", schema: recursive }) as never, answer, "")).toEqual({ correct: false, note: "the answer cannot be checked: its JSON nests more than 1,000 levels deep" });
    }
    // As deep as that is checked.
    const shallow = "[".repeat(MAX_ANSWER_DEPTH) + "]".repeat(MAX_ANSWER_DEPTH);
    expect(judgeAnswer({ text: shallow, stopReason: "end_turn" }, escalationPolicySchema.parse({ jsonSchema: recursive, maxHedgeDensity: 1000 })).escalate).toBe(false);
  });

  it("stays linear on the shapes that made the old expressions backtrack", () => {
    // Blank lines after an opening fence: quadratic for "```(?:json)?\s*\n([\s\S]*?)\n```", exponential-like for the anchored one.
    const blankLines = "```json\n" + "\n ".repeat(200_000) + "x";
    expect(parseAnswerJson(blankLines)).toEqual({ ok: false });
    const manyOpeners = "```\n".repeat(100_000).slice(0, -4) + "x";
    expect(fencedContent(manyOpeners)).not.toBeNull();
    const manyOtherFences = "```py x\n".repeat(100_000);
    expect(fencedContent(manyOtherFences)).toBeNull();
  });
});
