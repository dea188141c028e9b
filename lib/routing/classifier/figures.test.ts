/**
 * The figures, asserted on the held-out (test) split of the shipped
 * data, so the test fails if the model regresses:
 *  - all public labelled sources together: F1 >= 0.90 for the reasoning class;
 *  - each source: recall >= 0.90 and standard prompts sent to reasoning <= 10%;
 *  - our own held-out planning / debugging / security cases: recall >= 0.90.
 */
import { afterAll, describe, expect, it, vi } from "vitest";
import { confusionAt, type ScoredItem } from "./calibrate";
import { loadShipped, splitOf } from "./dataset";
import { classifierStage, DEFAULT_THRESHOLD } from "./index";
import { keywordRules } from "./keywords";
import { sourceName } from "./report";

// The shipped model, even in a checkout where a deployment model is installed (./data/router-model.json).
vi.stubEnv("THINKGATE_ROUTER_MODEL", "/nonexistent/thinkgate-router-model.json");
afterAll(() => vi.unstubAllEnvs());

const test = loadShipped().filter((r) => splitOf(r.id) === "test");
const scored = test.map((r) => ({ row: r, score: classifierStage(r.prompt, DEFAULT_THRESHOLD).score, label: r.label! }));
const at = (items: ScoredItem[]) => confusionAt(items, DEFAULT_THRESHOLD);

describe("figures on the held-out split", () => {
  it("has a held-out split of the expected size", () => {
    expect(test.length).toBe(846);
  });

  it("F1 >= 0.90 on the public labelled sources together", () => {
    const pub = scored.filter((s) => sourceName(s.row.source) !== "own-cases");
    const c = at(pub);
    expect(c.f1).toBeGreaterThanOrEqual(0.9);
  });

  for (const source of ["gsm8k", "bbh", "arena-hard", "vicuna", "dolly", "own-cases"]) {
    it(`${source}: recall >= 0.90 and standard->reasoning <= 10%`, () => {
      const items = scored.filter((s) => sourceName(s.row.source) === source);
      expect(items.length).toBeGreaterThan(0);
      const c = at(items);
      if (c.tp + c.fn > 0) expect(c.recall).toBeGreaterThanOrEqual(0.9);
      if (c.fp + c.tn > 0) expect(c.fpr).toBeLessThanOrEqual(0.1);
    });
  }

  it("generalises to our held-out planning, debugging and security cases (recall >= 0.90)", () => {
    const cats = new Set(["planning_constraints", "code_debugging", "security_analysis"]);
    const items = scored.filter((s) => sourceName(s.row.source) === "own-cases" && cats.has(s.row.category));
    expect(items.length).toBeGreaterThanOrEqual(20);
    expect(at(items).recall).toBeGreaterThanOrEqual(0.9);
  });

  it("beats the keyword-rules baseline on F1", () => {
    const c = at(scored);
    const kw = scored.map((s) => ({ score: keywordRules(s.row.prompt).tier === "reasoning" ? 1 : 0, label: s.label }));
    expect(c.f1).toBeGreaterThan(confusionAt(kw, 0.5).f1);
  });
});
