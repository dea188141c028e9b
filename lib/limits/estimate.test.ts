/** The reservation estimate: tokens at their dearest rates, plus the declared server tools' fees. */
import { describe, expect, it } from "vitest";
import { PRICE_SEED } from "../pricing/seed";
import { DEFAULT_SERVER_TOOL_USES, estimateAtPrice, serverToolUses } from "./estimate";

const haiku = PRICE_SEED.find((p) => p.model === "claude-haiku-4-5")!;
const SEARCH = { type: "web_search_20250305", name: "web_search" };
const FETCH = { type: "web_fetch_20250910", name: "web_fetch" };
const CUSTOM = { name: "lookup", input_schema: { type: "object" } };

describe("the reservation estimate", () => {
  // 1,000 bytes → 500 input tokens at $2 / MTok (the 1 h cache write, Haiku's dearest input) + 100 output at $5 / MTok.
  const tokens = (500 * 2 + 100 * 5) / 1e6;

  it("adds each declared server tool's fee times its max_uses, where the price row sets the fee", () => {
    const fees = { ...haiku, webSearchFee: 0.01, webFetchFee: 0.002 };
    expect(estimateAtPrice(fees, 1_000, 100, [CUSTOM])).toBeCloseTo(tokens, 12);
    expect(estimateAtPrice(fees, 1_000, 100, [{ ...SEARCH, max_uses: 3 }, CUSTOM])).toBeCloseTo(tokens + 3 * 0.01, 12);
    expect(estimateAtPrice(fees, 1_000, 100, [{ ...SEARCH, max_uses: 3 }, { ...FETCH, max_uses: 5 }])).toBeCloseTo(tokens + 3 * 0.01 + 5 * 0.002, 12);
  });

  it("reserves DEFAULT_SERVER_TOOL_USES uses of a server tool that sets no max_uses", () => {
    const fees = { ...haiku, webSearchFee: 0.01, webFetchFee: null };
    expect(DEFAULT_SERVER_TOOL_USES).toBe(10);
    expect(estimateAtPrice(fees, 1_000, 100, [SEARCH])).toBeCloseTo(tokens + 10 * 0.01, 12);
    // A tool whose fee is not set adds nothing here (its call is unpriced, and settled at no less than the reservation).
    expect(estimateAtPrice(fees, 1_000, 100, [FETCH])).toBeCloseTo(tokens, 12);
    expect(estimateAtPrice(haiku, 1_000, 100, [SEARCH, FETCH])).toBeCloseTo(tokens, 12);
  });

  it("counts the uses of the server tools declared, by kind, and nothing for client tools", () => {
    expect(serverToolUses(undefined)).toEqual({ webSearch: 0, webFetch: 0 });
    expect(serverToolUses([CUSTOM, { type: "bash_20250124", name: "bash" }])).toEqual({ webSearch: 0, webFetch: 0 });
    expect(serverToolUses([{ ...SEARCH, max_uses: 2 }, { type: "web_search_20260209", name: "web_search_2" }, { ...FETCH, max_uses: 1 }])).toEqual({ webSearch: 12, webFetch: 1 });
    // A max_uses the API would refuse does not lower the bound.
    expect(serverToolUses([{ ...SEARCH, max_uses: "3" }, { ...FETCH, max_uses: -1 }])).toEqual({ webSearch: 10, webFetch: 10 });
  });
});
