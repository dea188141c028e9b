import { describe, expect, it } from "vitest";
import { rng } from "../../tests/support/rng";
import { encodeJsonInTurns, PIECE_CHARS } from "./upstream-body";

const same = async (value: unknown) => {
  const bytes = await encodeJsonInTurns(value);
  expect(bytes.equals(Buffer.from(JSON.stringify(value)))).toBe(true);
};


const ALPHABET = ['a', "é", "中", "😀", '"', "\\", "\n", "\u0000", "\u2028", "\ud800", " ", "z", "\u001f"];

function randomString(rand: () => number, length: number): string {
  let s = "";
  while (s.length < length) s += ALPHABET[Math.floor(rand() * ALPHABET.length)];
  return s;
}

function randomValue(rand: () => number, depth: number): unknown {
  const r = rand();
  if (depth <= 0 || r < 0.35) {
    const k = Math.floor(rand() * 7);
    return [() => randomString(rand, Math.floor(rand() * 40)), () => rand() * 1e6 - 5e5, () => null, () => rand() < 0.5, () => undefined, () => -0, () => NaN][k]!();
  }
  if (r < 0.65) return Array.from({ length: Math.floor(rand() * 5) }, () => randomValue(rand, depth - 1));
  const o: Record<string, unknown> = {};
  for (let i = 0; i < Math.floor(rand() * 5); i++) o[randomString(rand, 1 + Math.floor(rand() * 6))] = randomValue(rand, depth - 1);
  return o;
}

describe("encodeJsonInTurns", () => {
  it("writes what JSON.stringify writes for a Messages body with a long prompt", async () => {
    const prompt = "The quick brown fox reviews the incident timeline. ".repeat(100_000);
    await same({ model: "claude-sonnet-4-6", max_tokens: 64, messages: [{ role: "user", content: prompt }], thinking: undefined, stream: true });
  });

  it("keeps surrogate pairs whole where a long string is cut into slices, and escapes what JSON escapes", async () => {
    // Emoji (two code units each) at every offset parity, so some land on a slice boundary.
    for (const lead of ["", "x"]) await same({ text: lead + "😀".repeat(400_000), other: '"\\\n\u0000\u2028' + "é中".repeat(300_000) });
    // A lone high surrogate at the very end of a slice is still escaped as JSON.stringify escapes it.
    await same(`${"a".repeat(256 * 1024 - 1)}\ud800${"b".repeat(10)}`);
  });

  it("follows JSON.stringify's rules for members that have no JSON, toJSON and numbers", async () => {
    await same({
      a: undefined,
      f: () => 1,
      s: Symbol("x"),
      list: [undefined, () => 1, Symbol("y"), null, 1],
      at: new Date(0),
      n: [NaN, Infinity, -0, 1e21, 5e-7],
      nested: { empty: {}, none: [] },
    });
    await same([]);
    await same("just a string");
  });

  it("matches JSON.stringify on random values, small and past a piece", async () => {
    const rand = rng(42);
    for (let i = 0; i < 300; i++) await same({ value: randomValue(rand, 5) });
    const big = Array.from({ length: 3 }, () => randomValue(rand, 4));
    await same({ big, filler: randomString(rand, PIECE_CHARS + 1234), tail: randomValue(rand, 4) });
  });

  it("matches JSON.stringify where small parts are serialised natively inside large ones", async () => {
    const rand = rng(7);
    // Many random members: some subtrees under the native bound, their parents over it.
    for (let i = 0; i < 5; i++) await same({ list: Array.from({ length: 800 }, () => randomValue(rand, 4)), more: Array.from({ length: 300 }, () => ({ v: randomValue(rand, 5) })) });
    // toJSON inside a large value, and a toJSON whose result has toJSON of its own (applied once, as JSON.stringify does).
    const twice = { toJSON: () => ({ toJSON: () => "second", kept: 1 }) };
    await same({ filler: "x".repeat(40_000), dates: [new Date(0), { at: new Date(1) }], twice, nested: [twice] });
  });

  it("matches JSON.stringify on a conversation of 100,000 small messages (each serialised natively)", async () => {
    const messages = Array.from({ length: 100_000 }, (_, i) => ({ role: i % 2 ? "assistant" : "user", content: [{ type: "text", text: `step ${i}` }] }));
    await same({ model: "claude-sonnet-4-6", max_tokens: 64, messages });
  });

  it("spreads a large body over turns of the event loop", async () => {
    // Counted in check phases (a chain of immediates), not timer ticks: a
    // 1 ms timer fires or not by how fast the machine is, and the count of
    // turns must not depend on it.
    let turns = 0;
    let running = true;
    const chain = () => {
      turns++;
      if (running) setImmediate(chain);
    };
    setImmediate(chain);
    const before = turns;
    try {
      await encodeJsonInTurns({ messages: [{ role: "user", content: "x".repeat(8 * PIECE_CHARS) }] });
    } finally {
      running = false;
    }
    // 8 pieces to write, with the event loop's turn between each two (more while making them, on a slow machine).
    expect(turns - before).toBeGreaterThanOrEqual(7);
  });
});
