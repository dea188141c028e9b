import { describe, expect, it } from "vitest";
import { z } from "zod";
import { listOnly } from "./list-schema";

describe("listOnly", () => {
  it("hands back the list itself, not a copy", () => {
    const items = [1, "two", { three: 3 }];
    const parsed = z.object({ items: listOnly() }).parse({ items });
    // z.array would give a copy, made by walking every item.
    expect(parsed.items).toBe(items);
  });

  it("refuses what is not an array with the given wording, and a length out of bounds with its own", () => {
    const s = listOnly({
      error: (input) => (input === undefined ? "messages: Field required" : "messages must be an array of messages"),
      min: { length: 1, message: "at least one" },
      max: { length: 3, message: "at most 3" },
    });
    expect(s.safeParse(undefined).error?.issues.map((i) => i.message)).toEqual(["messages: Field required"]);
    expect(s.safeParse("hi").error?.issues.map((i) => i.message)).toEqual(["messages must be an array of messages"]);
    expect(s.safeParse([]).error?.issues.map((i) => i.message)).toEqual(["at least one"]);
    expect(s.safeParse([1, 2, 3, 4]).error?.issues.map((i) => i.message)).toEqual(["at most 3"]);
    expect(s.safeParse([1, 2, 3]).success).toBe(true);
    expect(listOnly().safeParse(null).error?.issues[0]?.message).toBe("Invalid input: expected array, received null");
  });

  it("fails as a type does inside a union, so the union's own error is reported", () => {
    const content = z.union([z.string(), listOnly()], { error: "content must be a string or an array of content blocks" });
    expect(content.safeParse(7).error?.issues.map((i) => i.message)).toEqual(["content must be a string or an array of content blocks"]);
    expect(content.safeParse("x").success).toBe(true);
    expect(content.safeParse([]).success).toBe(true);
  });
});
