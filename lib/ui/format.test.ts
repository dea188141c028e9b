import { describe, expect, it } from "vitest";
import { formatDuration, formatRelativeTime, formatTimestamp, formatTokens, formatUsd, UNPRICED } from "./format";

describe("formatUsd", () => {
  it("shows an unknown cost as unpriced, never as $0", () => {
    expect(formatUsd(null)).toBe(UNPRICED);
    expect(formatUsd(undefined)).toBe("unpriced");
  });

  it("keeps four significant digits below one cent", () => {
    expect(formatUsd(0.000452)).toBe("$0.0004520");
    expect(formatUsd(0.0012345)).toBe("$0.001235");
    expect(formatUsd(0.000001)).toBe("$0.000001000");
    expect(formatUsd(0.009)).toBe("$0.009000");
  });

  it("never rounds a non-zero sub-cent cost to $0.00", () => {
    for (const v of [0.004, 0.0000031, 0.00000123]) expect(formatUsd(v)).not.toMatch(/^\$0\.0+$/);
    expect(formatUsd(1e-9)).toBe("<$0.000001");
  });

  it("uses up to four decimals below a dollar and cents above", () => {
    expect(formatUsd(0.0123)).toBe("$0.0123");
    expect(formatUsd(0.5)).toBe("$0.50");
    expect(formatUsd(12.345)).toBe("$12.35");
    expect(formatUsd(1234.5)).toBe("$1,234.50");
  });

  it("shows a known zero as $0.00 and handles negatives (savings)", () => {
    expect(formatUsd(0)).toBe("$0.00");
    expect(formatUsd(-0.0025)).toBe("-$0.002500");
    expect(formatUsd(-3.5)).toBe("-$3.50");
  });

  it("does not print NaN", () => {
    expect(formatUsd(Number.NaN)).toBe("—");
  });
});

describe("formatTokens", () => {
  it("groups thousands", () => {
    expect(formatTokens(0)).toBe("0");
    expect(formatTokens(8192)).toBe("8,192");
    expect(formatTokens(1234567)).toBe("1,234,567");
  });

  it("shortens only large counts when compact", () => {
    expect(formatTokens(8192, { compact: true })).toBe("8,192");
    expect(formatTokens(12_345, { compact: true })).toBe("12.3K");
    expect(formatTokens(4_500_000, { compact: true })).toBe("4.5M");
  });

  it("shows a dash for a missing count", () => {
    expect(formatTokens(null)).toBe("—");
  });
});

describe("formatDuration", () => {
  it("picks the unit from the value", () => {
    expect(formatDuration(0)).toBe("0 ms");
    expect(formatDuration(842.4)).toBe("842 ms");
    expect(formatDuration(1240)).toBe("1.24 s");
    expect(formatDuration(12_540)).toBe("12.5 s");
    expect(formatDuration(125_000)).toBe("2m 05s");
    expect(formatDuration(3_720_000)).toBe("1h 02m");
  });

  it("shows a dash for nonsense", () => {
    expect(formatDuration(-1)).toBe("—");
    expect(formatDuration(null)).toBe("—");
  });
});

describe("formatRelativeTime", () => {
  const now = new Date("2026-11-25T12:00:00Z").getTime();
  const ago = (ms: number) => new Date(now - ms).toISOString();

  it("counts back from now", () => {
    expect(formatRelativeTime(ago(2_000), now)).toBe("just now");
    expect(formatRelativeTime(ago(42_000), now)).toBe("42s ago");
    expect(formatRelativeTime(ago(5 * 60_000), now)).toBe("5m ago");
    expect(formatRelativeTime(ago(3 * 3_600_000), now)).toBe("3h ago");
    expect(formatRelativeTime(ago(2 * 86_400_000), now)).toBe("2d ago");
  });

  it("shows a date past a week", () => {
    expect(formatRelativeTime(ago(30 * 86_400_000), now)).toMatch(/^Oct 2[56]$/);
    expect(formatRelativeTime("2025-03-01T12:00:00Z", now)).toBe("Mar 1, 2025");
  });

  it("reads a little clock skew as just now", () => {
    expect(formatRelativeTime(ago(-3_000), now)).toBe("just now");
  });

  it("shows a dash for an invalid date", () => {
    expect(formatRelativeTime("not a date", now)).toBe("—");
    expect(formatTimestamp("not a date")).toBe("—");
  });
});

describe("formatTimestamp", () => {
  it("is ISO-like in local time", () => {
    const d = new Date(2026, 10, 5, 9, 4, 3);
    expect(formatTimestamp(d)).toBe("2026-11-05 09:04:03");
  });
});
