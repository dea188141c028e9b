import { describe, expect, it } from "vitest";
import { bucketCount, bucketStart, bucketStarts, costQuerySchema, hourSpan, HOUR_MS, resolveGranularity } from "./range";

const H = (iso: string) => Date.parse(iso) / HOUR_MS;

describe("hourSpan", () => {
  it("widens a range to whole hours", () => {
    const span = hourSpan({ from: Date.parse("2026-11-25T10:30:00Z"), to: Date.parse("2026-11-25T12:10:00Z") });
    expect(span).toEqual({ fromHour: H("2026-11-25T10:00:00Z"), toHour: H("2026-11-25T13:00:00Z") });
  });

  it("defaults to the 30 days before the end of the current hour", () => {
    const now = Date.parse("2026-11-25T10:30:00Z");
    expect(hourSpan({}, now)).toEqual({ fromHour: H("2026-11-25T11:00:00Z") - 720, toHour: H("2026-11-25T11:00:00Z") });
  });
});

describe("buckets", () => {
  it("starts days at UTC midnight and weeks on Monday", () => {
    const h = H("2026-11-25T17:00:00Z"); // a Wednesday
    expect(bucketStart(h, "hour")).toBe(h);
    expect(bucketStart(h, "day")).toBe(H("2026-11-25T00:00:00Z"));
    expect(bucketStart(h, "week")).toBe(H("2026-11-23T00:00:00Z"));
    expect(bucketStart(H("2026-11-23T00:00:00Z"), "week")).toBe(H("2026-11-23T00:00:00Z"));
    expect(bucketStart(H("2026-11-22T23:00:00Z"), "week")).toBe(H("2026-11-16T00:00:00Z"));
  });

  it("lists every bucket that overlaps the range", () => {
    const span = { fromHour: H("2026-11-25T22:00:00Z"), toHour: H("2026-11-27T01:00:00Z") };
    expect(bucketStarts(span, "day").map((h) => new Date(h * HOUR_MS).toISOString().slice(0, 10))).toEqual(["2026-11-25", "2026-11-26", "2026-11-27"]);
    expect(bucketCount(span, "day")).toBe(3);
    expect(bucketCount(span, "hour")).toBe(27);
  });
});

describe("costQuerySchema", () => {
  it("accepts dates and datetimes and has defaults", () => {
    const q = costQuerySchema.parse({ from: "2026-11-01", to: "2026-11-25T10:00:00Z" });
    expect(q.from).toBe(Date.parse("2026-11-01T00:00:00Z"));
    expect(q.to).toBe(Date.parse("2026-11-25T10:00:00Z"));
    expect(q.granularity).toBe("day");
    expect(q.groupBy).toBe("route");
    expect(q.top).toBe(10);
  });

  it("rejects what it does not know", () => {
    expect(costQuerySchema.safeParse({ granularity: "month" }).success).toBe(false);
    expect(costQuerySchema.safeParse({ from: "yesterday" }).success).toBe(false);
  });
});

describe("resolveGranularity", () => {
  const now = Date.parse("2026-12-05T14:30:00Z");
  it("is hourly from the first record's hour while there are less than two days of records", () => {
    const first = Date.parse("2026-12-05T09:12:00Z");
    expect(resolveGranularity("auto", first, now)).toEqual({ granularity: "hour", firstHour: Math.floor(first / 3_600_000) });
    expect(resolveGranularity("auto", now - 47 * 3_600_000, now).granularity).toBe("hour");
  });

  it("is daily with two days of records or more, or none", () => {
    expect(resolveGranularity("auto", now - 48 * 3_600_000, now)).toEqual({ granularity: "day", firstHour: null });
    expect(resolveGranularity("auto", null, now)).toEqual({ granularity: "day", firstHour: null });
  });

  it("keeps a granularity the user chose", () => {
    expect(resolveGranularity("week", now - 3_600_000, now)).toEqual({ granularity: "week", firstHour: null });
  });
});
