import { describe, expect, it } from "vitest";
import { loadShipped, splitOf } from "./dataset";
import { balancedWeights, toExamples, train, foldOf } from "./train";
import { asTrainingRows } from "./trainer";

describe("training", () => {
  const rows = loadShipped();
  // A small deterministic subset: every 30th training row.
  const subset = rows.filter((r) => splitOf(r.id) === "train").filter((_, i) => i % 30 === 0);

  it("is reproducible: training twice gives identical weights", () => {
    const opts = { l2: 1e-4, iterations: 25, learningRate: 0.05 };
    const a = train(toExamples(subset), opts);
    const b = train(toExamples(subset), opts);
    expect(a.bias).toBe(b.bias);
    expect(Buffer.from(a.weights.buffer).equals(Buffer.from(b.weights.buffer))).toBe(true);
    expect(a.finalLoss).toBeLessThan(Math.log(2)); // it learned something
  }, 60_000);

  it("balances the classes and damps large sources", () => {
    // as the trainer weighs them: by benchmark family (GSM8K from every collection is one)
    const trainRows = asTrainingRows(rows.filter((r) => splitOf(r.id) === "train"));
    const w = balancedWeights(trainRows);
    const sum = (pred: (i: number) => boolean) => w.reduce((s, x, i) => s + (pred(i) ? x : 0), 0);
    const pos = sum((i) => trainRows[i]!.label === "reasoning");
    const neg = sum((i) => trainRows[i]!.label === "standard");
    expect(pos).toBeCloseTo(neg, 6);
    const gsm = sum((i) => trainRows[i]!.source === "gsm8k");
    const gsmRows = trainRows.filter((r) => r.source === "gsm8k").length;
    // GSM8K is ~40% of the reasoning training rows but must carry far less of the reasoning weight.
    expect(gsmRows / trainRows.filter((r) => r.label === "reasoning").length).toBeGreaterThan(0.4);
    expect(gsm / pos).toBeLessThan(0.2);
  });

  it("assigns the fixed split and folds by id", () => {
    expect(splitOf("gsm8k-test-0000")).toBe(splitOf("gsm8k-test-0000"));
    const test = rows.filter((r) => splitOf(r.id) === "test").length / rows.length;
    expect(test).toBeGreaterThan(0.27);
    expect(test).toBeLessThan(0.33);
    expect(new Set(rows.map((r) => foldOf(r.id, 5)))).toEqual(new Set([0, 1, 2, 3, 4]));
  });
});
