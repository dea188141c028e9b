import { describe, expect, it } from "vitest";
import { priceBody } from "../pricing/api";
import { longContextSummary, priceBodyFromDraft, priceDraft, type PriceDraft } from "./prices";
import type { PriceView } from "./settings";

const filled = (over: Partial<PriceDraft> = {}): PriceDraft => ({
  ...priceDraft("claude-haiku-5-5", "2026-12-01"),
  input: "0.1",
  output: "0.5",
  cacheWrite5m: "0.125",
  cacheWrite1h: "0.2",
  cacheRead: "0.01",
  ...over,
});

describe("the price form's body", () => {
  it("sends every field the price API takes, long-context rates and fast multiplier included", () => {
    const r = priceBodyFromDraft(
      filled({
        longContextThreshold: "100000",
        longInput: "0.5",
        longOutput: "2.5",
        longCacheWrite5m: "0.625",
        longCacheWrite1h: "1",
        longCacheRead: "0.05",
        fastMultiplier: "2",
        webSearchFee: "0.01",
        webFetchFee: "",
        source: " vendor page ",
      }),
    );
    expect(r).toEqual({
      ok: true,
      body: {
        model: "claude-haiku-5-5",
        effectiveFrom: "2026-12-01T00:00:00.000Z",
        input: 0.1,
        output: 0.5,
        cacheWrite5m: 0.125,
        cacheWrite1h: 0.2,
        cacheRead: 0.01,
        longContextThreshold: 100_000,
        longInput: 0.5,
        longOutput: 2.5,
        longCacheWrite5m: 0.625,
        longCacheWrite1h: 1,
        longCacheRead: 0.05,
        fastMultiplier: 2,
        webSearchFee: 0.01,
        webFetchFee: null,
        source: "vendor page",
      },
    });
    // Every key the API's schema knows, and nothing it would refuse.
    if (!r.ok) throw new Error("not ok");
    expect(Object.keys(r.body).sort()).toEqual(Object.keys(priceBody.shape).sort());
    expect(priceBody.parse(r.body)).toEqual({ ...r.body, effectiveFrom: new Date(r.body.effectiveFrom) });
  });

  it("sends the optional fields as null when left empty", () => {
    const r = priceBodyFromDraft(filled());
    expect(r.ok && r.body).toMatchObject({ longContextThreshold: null, longInput: null, longOutput: null, fastMultiplier: null, webSearchFee: null, webFetchFee: null, source: "" });
  });

  it("says, field by field, what the API would refuse or never apply", () => {
    const r = priceBodyFromDraft(
      filled({ model: " ", input: "", output: "-1", longOutput: "3", fastMultiplier: "0.5", longCacheRead: "abc", webSearchFee: "101", effectiveFrom: "" }),
    );
    expect(r).toEqual({
      ok: false,
      errors: {
        model: "the model is required",
        effectiveFrom: "a date is required",
        input: "Input $/MTok is required",
        output: "Output $/MTok is between 0 and 10,000",
        longCacheRead: "Long cache read $/MTok is not a number",
        longContextThreshold: "set the prompt size (tokens) past which the long-context rates apply: without it they never do",
        fastMultiplier: "the fast multiplier is between 1 and 100",
        webSearchFee: "a fee per use is between 0 and 100",
      },
    });
    expect(priceBodyFromDraft(filled({ longContextThreshold: "1000.5", longInput: "1" }))).toEqual({ ok: false, errors: { longContextThreshold: "the threshold is a whole number of tokens" } });
    // The reverse: a threshold with no long rate would bill past it at the standard rates; the API refuses it.
    expect(priceBodyFromDraft(filled({ longContextThreshold: "200000" }))).toEqual({
      ok: false,
      errors: { longContextThreshold: "set at least one long-context rate, or clear the threshold: without a rate, prompts past it bill at the standard rates" },
    });
  });

  it("starts a new price from the row in effect, every field of it", () => {
    const row: PriceView = {
      id: "p1", model: "claude-haiku-5-5", effectiveFrom: "2026-10-07T00:00:00.000Z", input: 0.1, cacheWrite5m: 0.125, cacheWrite1h: 0.2, cacheRead: 0.01, output: 0.5,
      longContextThreshold: 100_000, longInput: 0.5, longCacheWrite5m: 0.625, longCacheWrite1h: 1, longCacheRead: 0.05, longOutput: 2.5, fastMultiplier: null, webSearchFee: null, webFetchFee: 0.002, source: "seed",
    };
    const d = priceDraft(row.model, "2026-12-01", row);
    expect(d).toMatchObject({ effectiveFrom: "2026-12-01", longContextThreshold: "100000", longOutput: "2.5", fastMultiplier: "", webFetchFee: "0.002", source: "" });
    const r = priceBodyFromDraft(d);
    expect(r.ok && r.body).toMatchObject({ longContextThreshold: 100_000, longInput: 0.5, longCacheWrite5m: 0.625, longCacheWrite1h: 1, longCacheRead: 0.05, longOutput: 2.5, webFetchFee: 0.002 });
    expect(longContextSummary(row)).toBe("> 100,000 tok: $0.5 / $2.5");
    expect(longContextSummary({ ...row, longContextThreshold: null })).toBe("none");
  });
});
