import { describe, expect, it } from "vitest";
import { rng } from "../../tests/support/rng";
import { fromParts, toParts } from "./json-parts";

/** The trip a parsed body makes: cut on the parser's thread, put together on the main thread. */
async function roundTrip(text: string, sliceMembers: number): Promise<{ value: unknown; slices: number; betweens: number }> {
  const parts = toParts(JSON.parse(text), sliceMembers);
  // Through a structured clone, as postMessage sends it.
  const sent = structuredClone(parts);
  let betweens = 0;
  const value = await fromParts(sent, async () => void betweens++);
  return { value, slices: parts.holes.reduce((n, h) => n + h.slices.length, 0), betweens };
}

function randomJson(rand: () => number, depth: number): unknown {
  const r = rand();
  if (depth <= 0 || r < 0.3) return [() => "s" + Math.floor(rand() * 1e6), () => rand() * 1e6 - 5e5, () => null, () => rand() < 0.5, () => "é😀\n\"", () => 0][Math.floor(rand() * 6)]!();
  // Lengths either side of the slice size used below (5).
  const n = Math.floor(rand() * 14);
  if (r < 0.65) return Array.from({ length: n }, () => randomJson(rand, depth - 1));
  const o: Record<string, unknown> = {};
  for (let i = 0; i < n; i++) o[rand() < 0.2 ? String(i) : `k${Math.floor(rand() * 100)}`] = randomJson(rand, depth - 1);
  return o;
}

describe("a parsed value in parts", () => {
  it("puts back exactly the value JSON.parse gives, with long arrays and big objects at any depth, the root included", async () => {
    const rand = rng(11);
    let cut = 0;
    for (let i = 0; i < 400; i++) {
      const text = JSON.stringify(randomJson(rand, 4));
      const { value, slices } = await roundTrip(text, 5);
      expect(value).toStrictEqual(JSON.parse(text));
      // Member order too, as the upstream receives the body serialised again.
      expect(JSON.stringify(value)).toBe(text);
      cut += slices;
    }
    expect(cut).toBeGreaterThan(400);
    const { value } = await roundTrip("[1,[2,3,4,5,6,7,[8,9,10,11,12,13,14]],3,4,5,6,7]", 5);
    expect(value).toStrictEqual([1, [2, 3, 4, 5, 6, 7, [8, 9, 10, 11, 12, 13, 14]], 3, 4, 5, 6, 7]);
  });

  it("sends a conversation of many messages as slices, with a turn after each", async () => {
    const body = { model: "m", max_tokens: 1, messages: Array.from({ length: 2500 }, (_, i) => ({ role: i % 2 ? "assistant" : "user", content: `step ${i}` })) };
    const { value, slices, betweens } = await roundTrip(JSON.stringify(body), 1000);
    expect(value).toStrictEqual(body);
    expect(slices).toBe(3);
    expect(betweens).toBe(3);
  });

  it("sends a value without long arrays or big objects whole", async () => {
    const parts = toParts({ model: "m", messages: [{ role: "user", content: "x".repeat(100_000) }] });
    expect(parts.holes).toEqual([]);
  });
});
