import { describe, expect, expectTypeOf, it } from "vitest";
import type { PriceModel } from "@/lib/db/generated/sqlite/models/Price";
import { PRICE_SEED, type PriceRow } from "./seed";

/** Every literal of SDK 1.14's `Model` (resources/messages/messages.d.ts:3945). */
const SDK_MODELS = [
  "claude-fable-5-2", "claude-mythos-5-2", "claude-haiku-5-5", "claude-sonnet-5-5", "claude-fable-5-1",
  "claude-opus-5-5", "claude-mythos-5-1", "claude-sonnet-5", "claude-fable-5", "claude-mythos-5",
  "claude-opus-5", "claude-opus-4-8", "claude-opus-4-7", "claude-mythos-preview", "claude-opus-4-6",
  "claude-sonnet-4-6", "claude-haiku-4-5", "claude-haiku-4-5-20251001", "claude-opus-4-5",
  "claude-opus-4-5-20251101", "claude-sonnet-4-5", "claude-sonnet-4-5-20250929",
] as const;

const rowsOf = (model: string) => PRICE_SEED.filter((r) => r.model === model);
const rateCard = (r: PriceRow) => [r.input, r.cacheWrite5m, r.cacheWrite1h, r.cacheRead, r.output];

describe("PRICE_SEED", () => {
  it("matches the Prisma Price model minus id and createdAt", () => {
    expectTypeOf<PriceRow>().toEqualTypeOf<Omit<PriceModel, "id" | "createdAt">>();
  });

  it("prices every SDK model except claude-mythos-preview, plus the retired Opus 4.1 and 4", () => {
    for (const m of SDK_MODELS) {
      if (m === "claude-mythos-preview") expect(rowsOf(m)).toHaveLength(0);
      else expect(rowsOf(m).length, m).toBeGreaterThan(0);
    }
    expect(rowsOf("claude-opus-4-1")).toHaveLength(1);
    expect(rowsOf("claude-opus-4")).toHaveLength(1);
  });

  it("has one row per (model, effectiveFrom), as the database's unique key demands", () => {
    const keys = PRICE_SEED.map((r) => `${r.model}@${r.effectiveFrom.toISOString()}`);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it("cites a source for every row and has sane rates", () => {
    for (const r of PRICE_SEED) {
      expect(r.source.length, r.model).toBeGreaterThan(10);
      for (const v of rateCard(r)) expect(v).toBeGreaterThan(0);
      expect(Number.isNaN(r.effectiveFrom.getTime())).toBe(false);
    }
  });

  it("gives dated ids their own row with the alias's prices", () => {
    for (const [dated, alias] of [
      ["claude-sonnet-4-5-20250929", "claude-sonnet-4-5"],
      ["claude-opus-4-5-20251101", "claude-opus-4-5"],
      ["claude-haiku-4-5-20251001", "claude-haiku-4-5"],
    ] as const) {
      expect(rateCard(rowsOf(dated)[0]!)).toEqual(rateCard(rowsOf(alias)[0]!));
    }
  });

  it("uses the §4.1 launch dates where known and 2025-01-01 otherwise", () => {
    expect(rowsOf("claude-opus-4-6")[0]!.effectiveFrom.toISOString()).toBe("2026-02-05T00:00:00.000Z");
    expect(rowsOf("claude-haiku-5-5")[0]!.effectiveFrom.toISOString()).toBe("2026-10-07T00:00:00.000Z");
    expect(rowsOf("claude-fable-5-2")[0]!.effectiveFrom.toISOString()).toBe("2026-11-09T00:00:00.000Z");
    expect(rowsOf("claude-sonnet-4-5")[0]!.effectiveFrom.toISOString()).toBe("2025-01-01T00:00:00.000Z");
  });

  it("seeds Sonnet 5.5's cache-read cut as two rows", () => {
    const rows = rowsOf("claude-sonnet-5-5").map((r) => [r.effectiveFrom.toISOString(), r.cacheRead]);
    expect(rows).toEqual([
      ["2026-09-28T00:00:00.000Z", 0.2],
      ["2026-10-07T00:00:00.000Z", 0.1],
    ]);
  });

  it("seeds Haiku 5.5's long-context tier and no other", () => {
    const h = rowsOf("claude-haiku-5-5")[0]!;
    expect([h.longContextThreshold, h.longInput, h.longCacheWrite5m, h.longCacheWrite1h, h.longCacheRead, h.longOutput]).toEqual([
      100_000, 0.5, 0.625, 1, 0.05, 2.5,
    ]);
    expect(PRICE_SEED.filter((r) => r.longContextThreshold !== null).map((r) => r.model)).toEqual(["claude-haiku-5-5"]);
  });

  it("sets fast multipliers only where the reference gives a figure, marked unverified", () => {
    const fast = Object.fromEntries(PRICE_SEED.filter((r) => r.fastMultiplier !== null).map((r) => [r.model, r.fastMultiplier]));
    expect(fast).toEqual({ "claude-opus-5-5": 2, "claude-opus-5": 2, "claude-opus-4-8": 2, "claude-opus-4-7": 6, "claude-opus-4-6": 6 });
    for (const m of Object.keys(fast)) expect(rowsOf(m)[0]!.source).toMatch(/UNVERIFIED/);
  });
});
