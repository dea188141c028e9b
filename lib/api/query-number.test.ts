import { describe, expect, it } from "vitest";
import { z } from "zod";
import { pageLimit } from "./http";
import { decimal } from "./query-number";
import { traceQuerySchema } from "../traces/filters";
import { costQuerySchema } from "../costs/range";

describe("numbers in query strings and paths", () => {
  const limit = z.object({ limit: decimal(z.number().int().min(1).max(200)).default(50) });

  it("reads plain decimal digits, with a fraction where the bounds allow one", () => {
    expect(limit.parse({ limit: "25" }).limit).toBe(25);
    expect(limit.parse({}).limit).toBe(50);
    expect(decimal(z.number().min(0).max(1)).parse("0.75")).toBe(0.75);
    // A caller that fills the field itself with a number.
    expect(costQuerySchema.parse({ top: 0 }).top).toBe(0);
  });

  it.each(["", " ", " 5", "5 ", "0x10", "1e1", "+5", "-1", "5.", ".5", "Infinity", "NaN", "٣"])("refuses %j instead of reading it as Number() would", (raw) => {
    expect(limit.safeParse({ limit: raw }).success).toBe(false);
  });

  it("the trace and cost queries refuse what Number() would have read", () => {
    expect(traceQuerySchema.safeParse({ limit: "0x10" }).success).toBe(false);
    expect(traceQuerySchema.safeParse({ failureMin: "" }).success).toBe(false);
    expect(traceQuerySchema.safeParse({ costMin: "1e3" }).success).toBe(false);
    expect(traceQuerySchema.parse({ costMin: "0.5", failureMin: "0.9", limit: "10" })).toMatchObject({ costMin: 0.5, failureMin: 0.9, limit: 10 });
    expect(costQuerySchema.safeParse({ top: "1e1" }).success).toBe(false);
  });

  it("the list endpoints' limit (the API's own paging) takes digits only", () => {
    expect(pageLimit(new URLSearchParams("limit=30"))).toBe(30);
    expect(pageLimit(new URLSearchParams(""))).toBe(20);
    for (const raw of ["0x10", " 5", "1e1", ""]) expect(() => pageLimit(new URLSearchParams({ limit: raw }))).toThrow(/limit/);
  });
});
