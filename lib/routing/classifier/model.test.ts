import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it, vi } from "vitest";
import { classifierStage, DEFAULT_THRESHOLD, SHIPPED_THRESHOLD, SHIPPED_TRAINING, score, scoreOnly } from "./index";
import { decodeWeights, encodeWeights, base64ToBytes, bytesToBase64 } from "./linear";
import { N_FEATURES } from "./features";
import { SHIPPED_DATA_DIR, SHIPPED_DATA_DIRS, expandInputs } from "./dataset";

const WEIGHTS = path.join(SHIPPED_DATA_DIR, "..", "weights.json");

// The shipped model, even in a checkout where a deployment model is installed (./data/router-model.json).
vi.stubEnv("THINKGATE_ROUTER_MODEL", "/nonexistent/thinkgate-router-model.json");
afterAll(() => vi.unstubAllEnvs());

describe("shipped model", () => {
  it("is small and trained on the shipped data as it is now", () => {
    expect(fs.statSync(WEIGHTS).size).toBeLessThan(1.5 * 1024 * 1024);
    // If a data file changes, weights.json must be retrained (npx tsx scripts/train-router.ts).
    const recorded = (SHIPPED_TRAINING.data as { file: string; sha256: string }[]).map((d) => `${d.file} ${d.sha256}`);
    const actual = expandInputs(SHIPPED_DATA_DIRS).map(
      (f) => `${path.relative(SHIPPED_DATA_DIR, f)} ${crypto.createHash("sha256").update(fs.readFileSync(f)).digest("hex")}`,
    );
    expect(actual).toEqual(recorded);
  });

  it("gives the same score for the same text, every time", () => {
    const text = "Our Kafka consumer group keeps rebalancing and lag grows. Why, and how do we fix it?";
    const a = score(text);
    const b = score(text);
    expect(b).toEqual(a);
    expect(scoreOnly(text)).toBe(a.score);
    expect(a.score).toBeGreaterThan(0);
    expect(a.score).toBeLessThan(1);
  });

  it("explains a decision with the features that moved it most", () => {
    const r = score("Translate into French: the meeting is moved to Thursday.");
    expect(r.top.length).toBeGreaterThan(0);
    expect(r.top.length).toBeLessThanOrEqual(5);
    for (let k = 1; k < r.top.length; k++) expect(Math.abs(r.top[k]!.weight)).toBeLessThanOrEqual(Math.abs(r.top[k - 1]!.weight));
    expect(r.top.every((t) => /^(word|bigram|chars|lead|tail|struct|hash):/.test(t.feature))).toBe(true);
  });

  it("separates obvious cases", () => {
    expect(score("hey! how's it going?").score).toBeLessThan(DEFAULT_THRESHOLD);
    expect(score("Summarize this paragraph in one sentence: The library will open on Sundays from March.").score).toBeLessThan(DEFAULT_THRESHOLD);
    expect(score("Prove that there are infinitely many primes, step by step.").score).toBeGreaterThan(DEFAULT_THRESHOLD);
    expect(score("Our Go service deadlocks under load when two goroutines acquire the cache lock and the DB pool in opposite order. Find the root cause.").score).toBeGreaterThan(
      DEFAULT_THRESHOLD,
    );
  });

  // A short debugging question without code sits at the default operating
  // point (which caps standard prompts sent to reasoning at 10%): the model
  // must give it better than even odds, and place it above the standard
  // questions of the same length; whether it clears the capped threshold
  // moves with each retraining (0.634 against 0.640 for the current model).
  it("a short lock-ordering question without code gets better than even odds of needing reasoning", () => {
    const lock = score("This deadlocks about once a day: service A locks accounts then ledger, service B locks ledger then accounts. How do we fix it properly?").score;
    expect(lock).toBeGreaterThan(0.5);
    expect(lock).toBeGreaterThan(score("Our office moves to the third floor next week: desks A to F go by the window, desks G to M by the kitchen. Where do I sit?").score);
  });

  it("handles empty, huge and odd input", () => {
    expect(Number.isFinite(score("").score)).toBe(true);
    expect(Number.isFinite(score("\u0000\uffff🙂 ".repeat(1000)).score)).toBe(true);
    expect(Number.isFinite(score("x".repeat(300_000)).score)).toBe(true);
  });
});

describe("classifierStage (the function the gateway calls)", () => {
  it("returns tier, score, difficulty and a reason", () => {
    const d = classifierStage("Design a job queue on PostgreSQL with at-least-once delivery, priorities and delayed jobs. Where does it break down?", DEFAULT_THRESHOLD);
    expect(d.tier).toBe("reasoning");
    expect(["simple", "complex", "maximum"]).toContain(d.difficulty);
    expect(d.reason).toMatch(/^classifier: p=0\.\d{3} >= /);
    expect(d.score).toBe(scoreOnly("Design a job queue on PostgreSQL with at-least-once delivery, priorities and delayed jobs. Where does it break down?"));
  });

  it("applies the caller's threshold", () => {
    const text = "What is the capital of Australia?";
    const s = scoreOnly(text);
    expect(classifierStage(text, s).tier).toBe("reasoning");
    expect(classifierStage(text, s + 1e-9).tier).toBe("standard");
    expect(classifierStage(text, 0).tier).toBe("reasoning");
    expect(classifierStage(text, 1.01).tier).toBe("standard");
  });

  it("ships a calibrated score: the default threshold is even odds or above (capping standard prompts sent to reasoning), and the file carries its operating curve", () => {
    expect(DEFAULT_THRESHOLD).toBe(SHIPPED_THRESHOLD.threshold);
    expect(["calibrated", "fpr"]).toContain(SHIPPED_THRESHOLD.method);
    expect(DEFAULT_THRESHOLD).toBeGreaterThanOrEqual(0.5);
    expect(DEFAULT_THRESHOLD).toBeLessThan(0.9);
    const curve = SHIPPED_TRAINING.curve as { threshold: number; share: number; recall: number; fpr: number; pgr: number | null }[];
    expect(curve.length).toBe(21);
    // a lower threshold never sends less to reasoning or catches less
    for (let k = 1; k < curve.length; k++) {
      expect(curve[k]!.threshold).toBeGreaterThan(curve[k - 1]!.threshold);
      expect(curve[k]!.share).toBeLessThanOrEqual(curve[k - 1]!.share);
      expect(curve[k]!.recall).toBeLessThanOrEqual(curve[k - 1]!.recall);
    }
    expect(curve[0]!.share).toBe(1);
    expect(curve.some((p) => p.pgr !== null)).toBe(true);
  });
});

describe("weights codec", () => {
  it("round-trips base64", () => {
    const bytes = Uint8Array.from({ length: 257 }, (_, i) => (i * 37) & 255);
    for (const n of [0, 1, 2, 3, 100, 257]) expect([...base64ToBytes(bytesToBase64(bytes.slice(0, n)))]).toEqual([...bytes.slice(0, n)]);
  });

  it("round-trips weights within quantisation error", () => {
    const w = new Float32Array(N_FEATURES);
    w[0] = 1.5;
    w[7] = -0.25;
    w[200_000] = 3;
    w[N_FEATURES - 1] = -2;
    const file = encodeWeights(w, 0.5, { threshold: 0.4, method: "manual" }, {});
    const m = decodeWeights(JSON.parse(JSON.stringify(file)));
    expect(file.nnz).toBe(4);
    expect(m.bias).toBe(0.5);
    expect(m.threshold).toBe(0.4);
    for (const i of [0, 7, 200_000, N_FEATURES - 1]) expect(m.weights[i]).toBeCloseTo(w[i]!, 3);
    expect(m.weights[1]).toBe(0);
  });
});
