import { describe, expect, it } from "vitest";
import { newRequestId } from "../api/ids";
import { idBoundAt, searchTokens, toTraceFilter, traceQuerySchema } from "./filters";
import { SEARCH_NO_WORDS, searchProblem } from "./search";

describe("idBoundAt", () => {
  it("orders with request ids exactly as their times do", () => {
    const t = Date.parse("2026-11-25T12:00:00Z");
    expect(newRequestId(t) >= idBoundAt(t)).toBe(true);
    expect(newRequestId(t - 1) < idBoundAt(t)).toBe(true);
    expect(newRequestId(t + 1) >= idBoundAt(t + 1)).toBe(true);
  });
});

describe("searchTokens", () => {
  it("keeps letters and digits, lower-cased, drops search syntax, and reads a trailing * as a prefix", () => {
    const words = (q: string) => searchTokens(q).map((t) => (t.prefix ? `${t.word}*` : t.word));
    expect(words('Race "condition" OR NEAR(x) col:foo*')).toEqual(["race", "condition", "or", "near", "x", "col", "foo*"]);
    expect(words("don't  über-cache 42 retr*")).toEqual(["don", "t", "über", "cache", "42", "retr*"]);
    expect(words("a b c d e f g h i j")).toHaveLength(8);
    expect(searchTokens("   ")).toEqual([]);
    expect(searchTokens(undefined)).toEqual([]);
  });
});

describe("a search with no words", () => {
  it("is refused by the API's schema with the message the filter bar shows, where a blank q is no search and any word is a search", () => {
    for (const q of ["!!!", " ?! ", "***", "—"]) {
      expect(searchProblem(q)).toBe(SEARCH_NO_WORDS);
      const parsed = traceQuerySchema.safeParse({ q });
      expect(parsed.success).toBe(false);
      expect(parsed.error!.issues.map((i) => [i.path.join("."), i.message])).toEqual([["q", SEARCH_NO_WORDS]]);
    }
    for (const q of ["", "  ", undefined, "!!! why", "x*"]) {
      expect(searchProblem(q)).toBeNull();
      expect(traceQuerySchema.safeParse(q === undefined ? {} : { q }).success).toBe(true);
    }
  });
});

describe("traceQuerySchema → filter", () => {
  it("turns the query string into repository filters", () => {
    const q = traceQuerySchema.parse({
      from: "2026-11-25T00:00:00Z", to: "2026-11-26T00:00:00Z", route: "-", tier: "reasoning", escalated: "true", hedging: "false",
      costMin: "0.01", q: "retry loop", limit: "20",
    });
    const f = toTraceFilter(q);
    expect(f).toMatchObject({
      fromId: idBoundAt(Date.parse("2026-11-25T00:00:00Z")),
      toId: idBoundAt(Date.parse("2026-11-26T00:00:00Z")),
      routeId: "",
      tier: "reasoning",
      escalated: true,
      hedging: false,
      costMin: 0.01,
      search: [{ word: "retry", prefix: false }, { word: "loop", prefix: false }],
    });
    expect(q.limit).toBe(20);
    expect(toTraceFilter(traceQuerySchema.parse({ app: "-" }))).toMatchObject({ app: "" });
    expect(toTraceFilter(traceQuerySchema.parse({ app: "faq-bot" }))).toMatchObject({ app: "faq-bot" });
    expect(toTraceFilter(traceQuerySchema.parse({ thinking: "true" }))).toMatchObject({ thinking: true });
    expect(toTraceFilter(traceQuerySchema.parse({ thinking: "false" }))).toMatchObject({ thinking: false });
    expect(traceQuerySchema.safeParse({ thinking: "yes" }).success).toBe(false);
  });

  it("rejects bad values with a message naming the field", () => {
    const bad = traceQuerySchema.safeParse({ tier: "fast" });
    expect(bad.success).toBe(false);
    expect(bad.error!.issues[0]!.path).toEqual(["tier"]);
    expect(traceQuerySchema.safeParse({ from: "2026-11-26T00:00:00Z", to: "2026-11-25T00:00:00Z" }).success).toBe(false);
    expect(traceQuerySchema.safeParse({ costMin: "2", costMax: "1" }).success).toBe(false);
    expect(traceQuerySchema.safeParse({ cursor: "x'; drop table" }).success).toBe(false);
    expect(traceQuerySchema.safeParse({ limit: "1000" }).success).toBe(false);
    expect(traceQuerySchema.safeParse({ from: "+010000-01-01T00:00:00Z" }).success).toBe(false);
  });

  it("takes a bare date as midnight UTC, like every other instant a client names", () => {
    const q = traceQuerySchema.parse({ from: "2026-11-25", to: "2026-11-26" });
    expect(toTraceFilter(q)).toMatchObject({ fromId: idBoundAt(Date.parse("2026-11-25T00:00:00Z")), toId: idBoundAt(Date.parse("2026-11-26T00:00:00Z")) });
  });
});
