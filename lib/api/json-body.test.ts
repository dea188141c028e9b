import { describe, expect, it } from "vitest";
import { AppError } from "./errors";
import { jsonDepthExceeds, unstorableTextAt, unstorableTextAtInTurns, MAX_JSON_DEPTH, MAX_JSON_VALUES, MAX_OBJECT_MEMBERS, parseJsonObject, parseJsonText } from "./json-body";

function reason(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).status).toBe(400);
    return (err as AppError).message;
  }
  return "";
}

describe("unstorableTextAt", () => {
  const lone = (at: string) => ({ at, nul: false });
  it("names the path of a string or key holding an unpaired surrogate, and passes pairs", () => {
    expect(unstorableTextAt({ a: [{ b: "ok" }, { c: "x\ud800" }] })).toEqual(lone("a.1.c"));
    expect(unstorableTextAt({ ["k\udfff"]: 1 })).toEqual(lone("k\udfff"));
    expect(unstorableTextAt("\udc00 first")).toEqual(lone("(the value)"));
    expect(unstorableTextAt({ emoji: "😀 \ud83d\ude00", n: 1, z: null })).toBeNull();
    expect(unstorableTextAt({ a: { b: { ["c\ud800"]: [] } } })).toEqual(lone("a.b.c\ud800"));
  });

  it("names the path of a NUL, which PostgreSQL's text cannot hold (a key named with one was a 500 there)", () => {
    expect(unstorableTextAt({ name: "a\u0000b" })).toEqual({ at: "name", nul: true });
    expect(unstorableTextAt({ rules: [{ ["k\u0000"]: 1 }] })).toEqual({ at: "rules.0.k\u0000", nul: true });
    expect(unstorableTextAt({ ok: "\u0001 control characters are text" })).toBeNull();
  });

  it("walks a management call's body in turns: other requests are served while it walks a million values", async () => {
    // A viewer's 3 MB body of 900,000 "{}" (any JSON endpoint) held the event loop for 1.5 s in one walk.
    const body = { rules: Array.from({ length: 900_000 }, () => ({})), last: "x\udc00" };
    let served = 0;
    let longest = 0;
    let at = performance.now();
    let walking = true;
    const other = () => {
      const now = performance.now();
      longest = Math.max(longest, now - at);
      at = now;
      served++;
      if (walking) setImmediate(other);
    };
    setImmediate(other);
    const found = await unstorableTextAtInTurns(body);
    walking = false;
    expect(found).toEqual({ at: "last", nul: false });
    expect(served).toBeGreaterThan(5);
    // Turns of 8 ms. The bound is loose (a garbage collection, a busy machine): that it yields at all is what
    // `served` shows; the one walk it replaced held the loop 1.3-2.5 s on a 3 MB body.
    expect(longest).toBeLessThan(1_000);
    expect(await unstorableTextAtInTurns({ a: [{ b: "ok" }, { c: "x\ud800" }] })).toEqual({ at: "a.1.c", nul: false });
    expect(await unstorableTextAtInTurns("\udc00")).toEqual({ at: "(the value)", nul: false });
    expect(await unstorableTextAtInTurns({ ok: ["😀"] })).toBeNull();
  });
});

describe("defensive JSON bodies", () => {
  it("counts depth outside strings only", () => {
    expect(jsonDepthExceeds("[[[]]]", 3)).toBe(false);
    expect(jsonDepthExceeds("[[[[]]]]", 3)).toBe(true);
    expect(jsonDepthExceeds(`{"a": "${"[".repeat(1000)}"}`, 3)).toBe(false);
    expect(jsonDepthExceeds(`{"a": "\\"${"{".repeat(10)}"}`, 3)).toBe(false);
    // An escaped backslash before a quote: the string ends there, and what follows counts.
    expect(jsonDepthExceeds(`["a\\\\", [[[1]]]]`, 3)).toBe(true);
    expect(jsonDepthExceeds(`["a\\\\\\"[[[", 1]`, 3)).toBe(false);
    expect(jsonDepthExceeds(`["unterminated [[[[`, 3)).toBe(false);
  });

  it("parses ordinary bodies, including the word __proto__ in a value", () => {
    expect(parseJsonObject('{"a": [1, {"b": "__proto__"}]}')).toEqual({ a: [1, { b: "__proto__" }] });
    expect(parseJsonText(`${"[".repeat(MAX_JSON_DEPTH)}${"]".repeat(MAX_JSON_DEPTH)}`)).toBeInstanceOf(Array);
  });

  it("refuses millions of tiny values before parsing them: once parsed they would take more memory than the process has", () => {
    const many = `{"model": "m", "x": [${"{},".repeat(MAX_JSON_VALUES)}{}]}`;
    const t = performance.now();
    expect(reason(() => parseJsonObject(many))).toMatch(new RegExp(`more than ${MAX_JSON_VALUES.toLocaleString("en-US")} JSON values`));
    expect(performance.now() - t).toBeLessThan(1_000);
    // Commas inside strings are text, not values.
    expect(parseJsonObject(`{"a": "${",".repeat(MAX_JSON_VALUES + 10)}"}`)).toHaveProperty("a");
    expect(parseJsonObject(`{"a": [${"1,".repeat(1000)}1]}`)).toHaveProperty("a");
  });

  it("refuses an object with more members than any real request's, at any depth, before parsing it", () => {
    const fields = (n: number) => Array.from({ length: n }, (_, i) => `"k${i}": 0`).join(",");
    expect(reason(() => parseJsonObject(`{"model": "m", ${fields(MAX_OBJECT_MEMBERS)}}`))).toMatch(/an object in the request body has more than 10,000 members/);
    expect(reason(() => parseJsonObject(`{"messages": [{"role": "user", "content": [{"type": "text", "text": "x", ${fields(MAX_OBJECT_MEMBERS)}}]}]}`))).toMatch(/more than 10,000 members/);
    // Exactly the bound is fine, and so are long arrays and many objects of few members each.
    expect(Object.keys(parseJsonObject(`{${fields(MAX_OBJECT_MEMBERS)}}`))).toHaveLength(MAX_OBJECT_MEMBERS);
    expect(parseJsonObject(`{"a": [${"1,".repeat(50_000)}1], "b": [${'{"x": 1, "y": 2},'.repeat(20_000)}{}], "c": {"d": 1}}`).c).toEqual({ d: 1 });
    // Commas in strings, and in an array inside an object, are not the object's members.
    expect(parseJsonObject(`{"a": "${",".repeat(MAX_OBJECT_MEMBERS + 5)}", "b": [${"0,".repeat(MAX_OBJECT_MEMBERS + 5)}0]}`)).toHaveProperty("b");
  });

  it("refuses what is not a JSON object, too deep, or carries a __proto__ key, with a reason", () => {
    expect(reason(() => parseJsonObject(""))).toMatch(/empty/);
    expect(reason(() => parseJsonObject("{"))).toMatch(/not valid JSON/);
    expect(reason(() => parseJsonObject("[1]"))).toMatch(/must be a JSON object/);
    expect(reason(() => parseJsonObject("null"))).toMatch(/must be a JSON object/);
    const t = performance.now();
    expect(reason(() => parseJsonObject(`{"a": ${"[".repeat(1_000_000)}${"]".repeat(1_000_000)}}`))).toMatch(/nested more than 64 levels/);
    expect(performance.now() - t).toBeLessThan(500);
    expect(reason(() => parseJsonObject('{"__proto__": {"admin": true}}'))).toMatch(/__proto__/);
    expect(reason(() => parseJsonObject('{"a": [{"b": {"__proto__": 1}}]}'))).toMatch(/__proto__/);
    expect(({} as Record<string, unknown>).admin).toBeUndefined();
  });
});
