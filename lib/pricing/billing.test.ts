import { describe, expect, it } from "vitest";
import { billingStatus } from "./billing";

const base = { pricingStatus: "priced", status: "ok", costTotal: 0.01, inputTokens: 10, outputTokens: 5, thinkingTokens: 0 };

describe("billingStatus", () => {
  it("is priced when the record carries a cost", () => {
    expect(billingStatus(base)).toBe("priced");
  });

  it("is unpriced when upstream billed tokens the price table cannot price", () => {
    expect(billingStatus({ ...base, pricingStatus: "unpriced", costTotal: null })).toBe("unpriced");
    // A failed call that still reported usage was billed: unknown, not $0.
    expect(billingStatus({ ...base, pricingStatus: "unpriced", status: "error", costTotal: null })).toBe("unpriced");
  });

  it("is not billed when the request failed before any upstream call, on old and new records alike", () => {
    expect(billingStatus({ ...base, pricingStatus: "not_billed", status: "error", costTotal: 0, inputTokens: 0, outputTokens: 0 })).toBe("not_billed");
    expect(billingStatus({ ...base, pricingStatus: "unpriced", status: "error", costTotal: null, inputTokens: 0, outputTokens: 0 })).toBe("not_billed");
  });
});
