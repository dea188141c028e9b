import { describe, expect, it } from "vitest";
import { hash53, hash53InTurns } from "./random";

describe("hash53InTurns", () => {
  it("gives hash53's value for texts shorter and longer than a slice, with a turn after each slice", async () => {
    for (const [text, seed] of [["", 0], ["abc", 7], ["é😀x".repeat(100_001), 3], ["y".repeat((1 << 18) * 3), 0]] as const) {
      let turns = 0;
      expect(await hash53InTurns(text, seed, async () => void turns++)).toBe(hash53(text, seed));
      expect(turns).toBe(Math.ceil(text.length / (1 << 18)));
    }
    // The seeds and answers of the simulator stay what they were: hash53 itself is unchanged.
    expect(hash53("thinkgate")).toBe(hash53("thinkgate", 0));
    expect(hash53("a")).not.toBe(hash53("b"));
  });
});
