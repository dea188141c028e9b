import { describe, expect, it } from "vitest";
import { activeFilterCount, filterSummary } from "./url";

describe("filterSummary", () => {
  it("says what narrows the list, never “0 filters”", () => {
    expect(filterSummary({})).toBeNull();
    expect(filterSummary({ sort: "failure" })).toBeNull();
    expect(filterSummary({ q: "zzzz" })).toBe("A search for “zzzz”");
    expect(filterSummary({ q: "zzzz", sort: "failure" })).toBe("A search for “zzzz”");
    expect(filterSummary({ tier: "reasoning" })).toBe("1 filter");
    expect(filterSummary({ tier: "reasoning", app: "-", q: "retry" })).toBe("2 filters and a search for “retry”");
    for (const f of [{ q: "zzzz" }, { q: "a", tier: "standard" }, { route: "r", stage: "rule", app: "x" }]) {
      expect(filterSummary(f)).not.toMatch(/\b0 filters/);
      expect(filterSummary(f)!.startsWith(String(activeFilterCount(f)) + " filter") || activeFilterCount(f) === 0).toBe(true);
    }
  });
});
