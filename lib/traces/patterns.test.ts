import { describe, expect, it } from "vitest";
import {
  assumptionClause,
  assumptionKeys,
  clusterAssumptions,
  jaccard,
  MAX_KEYS_PER_TRACE,
  normaliseAssumption,
  parseProfile,
  peakBin,
  rateSeries,
  recurringAssumptions,
  suggestionFor,
  type TraceRow,
} from "./patterns";
import { analyseRecordText } from "./record-signals";
import { extractSignals } from "./signals";

const keysOf = (text: string) => assumptionKeys(text, extractSignals(text).spans);

describe("normaliseAssumption", () => {
  it.each([
    ["assuming the input is sorted", "input is sorted"],
    ["the input is sorted", "input is sorted"],
    [" that the list is sorted, so binary search works", "list is sorted"],
    ["the user wants a practical answer rather than a theoretical one", "user wants practical answer rather than theoretical one"],
    ["there are no unusual constraints on the list", "no unusual constraints on list"],
    ["the inputs are well-formed for now and come back to edge cases later", "inputs are well-formed"],
  ])("%j → %j", (clause, key) => {
    expect(normaliseAssumption(clause)).toBe(key);
  });

  it("replaces numbers, identifiers, quoted strings and redacted values by placeholders", () => {
    expect(normaliseAssumption("the batch has 250 items")).toBe("batch has <num> items");
    expect(normaliseAssumption("the batch has 1,250.5 items")).toBe("batch has <num> items");
    expect(normaliseAssumption("userId is never null")).toBe("<id> is never null");
    expect(normaliseAssumption("config.timeout_ms stays at its default")).toBe("<id> stays at its default");
    expect(normaliseAssumption("`retries` is zero")).toBe("<str> is zero");
    expect(normaliseAssumption('the flag "--fast" is set')).toBe("flag <str> is set");
    expect(normaliseAssumption("[redacted:email] owns the account")).toBe("<redacted> owns account");
  });

  it("drops what carries no meaning", () => {
    expect(normaliseAssumption("that")).toBeNull();
    expect(normaliseAssumption("it is")).toBeNull();
    expect(normaliseAssumption("x is 3")).toBe("x is <num>");
    expect(normaliseAssumption("<num> is <num>")).toBeNull();
    expect(normaliseAssumption("")).toBeNull();
  });

  it("keeps at most eight words", () => {
    expect(normaliseAssumption("the service handles one request per connection with keepalive enabled everywhere")!.split(" ").length).toBeLessThanOrEqual(8);
  });
});

describe("assumptionClause and assumptionKeys", () => {
  it("takes the clause after the marker, or before it when the marker ends the clause", () => {
    const text = "Assuming the input is sorted, we can binary search. The list is short, presumably.";
    const spans = extractSignals(text).spans.filter((s) => s.kind === "assumption");
    expect(spans.map((s) => s.text)).toEqual(["Assuming", "presumably"]);
    expect(assumptionClause(text, spans[0]!)).toBe(" the input is sorted");
    expect(assumptionClause(text, spans[1]!)).toBe(" The list is short, ");
  });

  it("gives one key per distinct premise of a trace", () => {
    const text =
      "Assuming the input is sorted, we can binary search. Let's assume the input is sorted again. We assume that `n` is positive. " +
      "Hmm, I think it works. Presumably the caller retries on failure.";
    expect(keysOf(text)).toEqual(["input is sorted", "<str> is positive", "caller retries on failure"]);
  });

  it("keeps at most MAX_KEYS_PER_TRACE", () => {
    const text = Array.from({ length: 20 }, (_, i) => `Assume step ${"abcdefghijklmnopqrstuvwxyz"[i]} holds firmly.`).join(" ");
    expect(keysOf(text).length).toBe(MAX_KEYS_PER_TRACE);
  });
});

describe("clusterAssumptions", () => {
  it("counts distinct traces per key, newest examples first", () => {
    const clusters = clusterAssumptions([
      { id: "r5", keys: ["input is sorted", "input is sorted"] },
      { id: "r4", keys: ["input is sorted", "cache is warm"] },
      { id: "r3", keys: ["cache is warm"] },
      { id: "r2", keys: ["input is sorted"] },
      { id: "r1", keys: ["input is sorted"] },
    ]);
    expect(clusters).toEqual([
      { key: "input is sorted", variants: [], traces: 4, examples: ["r5", "r4", "r2"], meanFailureScore: null },
      { key: "cache is warm", variants: [], traces: 2, examples: ["r4", "r3"], meanFailureScore: null },
    ]);
  });

  it("merges near-duplicates (token-set similarity ≥ 0.8) into the more frequent phrasing", () => {
    expect(jaccard(["input", "sorted", "ascending"], ["input", "sorted", "ascending", "order"])).toBe(0.75);
    const clusters = clusterAssumptions([
      { id: "a", keys: ["input is sorted in ascending order"] },
      { id: "b", keys: ["input is sorted in ascending order"] },
      { id: "c", keys: ["input sorted in ascending order"] },
      { id: "d", keys: ["input list is sorted"] },
    ]);
    expect(clusters[0]).toEqual({ key: "input is sorted in ascending order", variants: ["input sorted in ascending order"], traces: 3, examples: ["a", "b", "c"], meanFailureScore: null });
    // {input, list, sorted} vs {input, sorted, ascending, order}: 2/5, kept apart.
    expect(clusters[1]!.key).toBe("input list is sorted");
  });

  it("stays fast on many distinct keys (bounded candidates)", () => {
    const words = Array.from({ length: 400 }, (_, i) => `w${i.toString(36)}x`);
    const traces = Array.from({ length: 5_000 }, (_, i) => ({
      id: `r${i}`,
      keys: Array.from({ length: 4 }, (_, k) => `${words[(i * 7 + k) % 400]} ${words[(i * 13 + k * 3) % 400]} is ${words[(i + k * 11) % 400]}`),
    }));
    const t = performance.now();
    const clusters = clusterAssumptions(traces);
    expect(performance.now() - t).toBeLessThan(3_000);
    expect(clusters.reduce((n, c) => n + c.traces, 0)).toBeGreaterThanOrEqual(5_000);
  });
});

const day = (d: string, h = 12) => new Date(`${d}T${String(h).padStart(2, "0")}:00:00Z`);
const row = (id: string, over: Partial<TraceRow>): TraceRow => ({
  id,
  createdAt: day("2026-11-20"),
  routeId: "code-review",
  routeName: "Code review",
  app: null,
  hedgeDensity: 0,
  assumptionDensity: 0,
  assumptionKeys: "[]",
  ...over,
});

describe("rateSeries", () => {
  it("gives per day, route and app the share of traces with hedges and assumptions and their mean densities", () => {
    const rows = [
      row("1", { hedgeDensity: 10, assumptionDensity: 4 }),
      row("2", { hedgeDensity: 0, assumptionDensity: 2 }),
      row("3", { hedgeDensity: 20, assumptionDensity: 0, createdAt: day("2026-11-20", 23) }),
      row("4", { hedgeDensity: 30, createdAt: day("2026-11-21", 1) }),
      row("5", { hedgeDensity: 5, app: "ide" }),
      row("6", { hedgeDensity: null }),
    ];
    expect(rateSeries(rows)).toEqual([
      { day: "2026-11-20", routeId: "code-review", routeName: "Code review", app: null, traces: 3, hedgeRate: 0.6667, assumptionRate: 0.6667, meanHedgeDensity: 10, meanAssumptionDensity: 2, meanFailureScore: null },
      { day: "2026-11-20", routeId: "code-review", routeName: "Code review", app: "ide", traces: 1, hedgeRate: 1, assumptionRate: 0, meanHedgeDensity: 5, meanAssumptionDensity: 0, meanFailureScore: null },
      { day: "2026-11-21", routeId: "code-review", routeName: "Code review", app: null, traces: 1, hedgeRate: 1, assumptionRate: 0, meanHedgeDensity: 30, meanAssumptionDensity: 0, meanFailureScore: null },
    ]);
  });

  it("averages the failure score over the scored traces of a group and of an assumption cluster", () => {
    const rows = [row("1", { failureScore: 0.2 }), row("2", { failureScore: 0.6 }), row("3", { failureScore: null })];
    expect(rateSeries(rows)[0]!.meanFailureScore).toBe(0.4);
    const clusters = clusterAssumptions([
      { id: "a", keys: ["input is sorted"], failureScore: 0.7 },
      { id: "b", keys: ["input is sorted"], failureScore: 0.5 },
      { id: "c", keys: ["input is sorted"] },
      { id: "d", keys: ["cache is warm"], failureScore: 0.1 },
    ]);
    expect(clusters.map((c) => [c.key, c.meanFailureScore])).toEqual([["input is sorted", 0.6], ["cache is warm", 0.1]]);
  });
});

describe("recurringAssumptions", () => {
  it("reports per route the share of traces making an assumption, as a suggestion", () => {
    const rows: TraceRow[] = [];
    for (let i = 0; i < 100; i++) {
      const keys = i < 37 ? ["input is sorted"] : i < 39 ? ["tests are deterministic"] : i === 40 ? ["a one-off premise"] : [];
      rows.push(row(`cr${String(99 - i).padStart(3, "0")}`, { assumptionKeys: JSON.stringify(keys) }));
    }
    rows.push(row("p1", { routeId: "planning", routeName: "planning", assumptionKeys: '["budget is fixed"]' }));
    rows.push(row("p2", { routeId: "planning", routeName: "planning", assumptionKeys: '["budget is fixed","team is small"]' }));
    rows.push(row("x1", { hedgeDensity: null, assumptionKeys: '["input is sorted"]' }));
    const out = recurringAssumptions(rows);
    expect(out.map((p) => [p.routeId, p.key, p.traces, p.share])).toEqual([
      ["planning", "budget is fixed", 2, 1],
      ["code-review", "input is sorted", 37, 0.37],
      ["code-review", "tests are deterministic", 2, 0.02],
    ]);
    const sorted = out[1]!;
    expect(sorted.scopeTraces).toBe(100);
    expect(sorted.examples).toEqual(["cr099", "cr098", "cr097"]);
    expect(sorted.suggestion).toBe("37% of traces on route code-review (Code review) assume 'input is sorted' — state it in the prompt");
  });

  it("names the app when the query was for one, and never says 0%", () => {
    expect(suggestionFor(0.37, "input is sorted", "code-review", "code-review", "ide")).toBe(
      "37% of traces on route code-review in app ide assume 'input is sorted' — state it in the prompt",
    );
    expect(suggestionFor(0.001, "x is set", null, null)).toBe("1% of traces on route (no route) assume 'x is set' — state it in the prompt");
  });

  it("ignores malformed stored keys", () => {
    expect(recurringAssumptions([row("1", { assumptionKeys: "not json" }), row("2", { assumptionKeys: '{"a":1}' })])).toEqual([]);
  });
});

describe("profiles", () => {
  it("finds the tenth where hedging peaked", () => {
    expect(peakBin([0, 1, 5, 5, 2, 0, 0, 0, 0, 0])).toBe(2);
    expect(peakBin(new Array(10).fill(0))).toBeNull();
    expect(parseProfile('{"total":[1,2],"hedge":[0,1]}')).toEqual({ total: [1, 2], hedge: [0, 1] });
    expect(parseProfile("nope")).toBeNull();
    expect(parseProfile(null)).toBeNull();
  });
});

describe("analyseRecordText", () => {
  const thinking =
    "Assuming the input is sorted, I think binary search works. Maybe the list is empty though. Wait, no, the caller checks that. " +
    "Alternatively, a linear scan is fine. I'm stuck on the edge case. Probably fine.";
  const answer = "It probably works.";

  it("counts each kind over thinking and answer, densities over each alone", () => {
    const { columns, thinkingHedges } = analyseRecordText(thinking, answer);
    const th = extractSignals(thinking).stats;
    const an = extractSignals(answer).stats;
    expect(thinkingHedges).toBe(th.counts.hedge);
    expect(columns.hedgeCount).toBe(th.counts.hedge + an.counts.hedge);
    expect(columns.assumptionCount).toBe(th.counts.assumption);
    expect(columns.selfCorrectionCount).toBe(th.counts.self_correction);
    expect(columns.alternativeCount).toBe(th.counts.alternative);
    expect(columns.stuckCount).toBe(th.counts.stuck);
    expect(columns.hedgeDensity).toBeCloseTo(th.density.hedge, 2);
    expect(columns.assumptionDensity).toBeCloseTo(th.density.assumption, 2);
    expect(columns.answerHedgeDensity).toBeCloseTo(an.density.hedge, 2);
    const profile = parseProfile(columns.signalProfile)!;
    expect(profile.total).toHaveLength(10);
    expect(profile.hedge).toHaveLength(10);
    expect(JSON.parse(columns.assumptionKeys!)).toEqual(["input is sorted"]);
  });

  it("leaves thinking columns null without thinking, and everything null without text", () => {
    const answerOnly = analyseRecordText(null, answer).columns;
    expect(answerOnly.hedgeCount).toBe(1);
    expect(answerOnly.hedgeDensity).toBeNull();
    expect(answerOnly.signalProfile).toBeNull();
    expect(answerOnly.assumptionKeys).toBeNull();
    expect(Object.values(analyseRecordText(null, null).columns).every((v) => v === null)).toBe(true);
  });
});
