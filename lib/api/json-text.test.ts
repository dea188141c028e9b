import { describe, expect, it } from "vitest";
import { stringifyDeep } from "./json-text";

describe("stringifyDeep", () => {
  it("writes what JSON.stringify writes", () => {
    for (const v of [null, 1, -0, "a\"\u2028\ud800", true, [], {}, [1, [2, { a: null, "b\n": "c" }], "x"], { a: [{}, []], b: { c: { d: 1.5e300 } } }]) {
      expect(stringifyDeep(v)).toBe(JSON.stringify(v));
    }
  });

  it("writes a value nested deeper than JSON.stringify can, the same text it was parsed from", () => {
    const depth = 100_000;
    const text = '{"a":'.repeat(depth) + "[1,{\"x\":\"y\"}]" + "}".repeat(depth);
    const value = JSON.parse(text) as unknown;
    expect(() => JSON.stringify(value)).toThrow(RangeError);
    expect(stringifyDeep(value)).toBe(text);
    const arrays = "[".repeat(depth) + "]".repeat(depth);
    expect(stringifyDeep(JSON.parse(arrays))).toBe(arrays);
  });
});
