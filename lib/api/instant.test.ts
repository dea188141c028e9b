import { describe, expect, it } from "vitest";
import { isoDate, isoInstant } from "./instant";

describe("isoInstant", () => {
  it("takes a date-time with its offset and a date (midnight UTC)", () => {
    expect(isoInstant.parse("2026-03-01T10:00:00+02:00")).toBe(Date.UTC(2026, 2, 1, 8));
    expect(isoInstant.parse("2026-03-01")).toBe(Date.UTC(2026, 2, 1));
    expect(isoDate.parse("2026-03-01T00:00:00.000Z").toISOString()).toBe("2026-03-01T00:00:00.000Z");
  });

  it("refuses what a database cannot store or a person did not mean: years past 9999 or before 0, numbers, booleans, null, no offset", () => {
    for (const v of ["+010000-01-01T00:00:00Z", "-000001-01-01T00:00:00Z", 8.64e15, -8.64e15, 0, true, null, "2026-03-01T10:00:00", "tomorrow", "2026-02-30"]) {
      const r = isoDate.safeParse(v);
      expect(r.success, JSON.stringify(v)).toBe(false);
      if (!r.success) expect(r.error.issues[0]!.message).toMatch(/ISO 8601/);
    }
  });
});
