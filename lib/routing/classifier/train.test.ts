import { describe, expect, it } from "vitest";
import { loadShipped, splitOf } from "./dataset";
import { balancedWeights, familyPenaltyScale, toExamples, train, foldOf, type Example } from "./train";
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

describe("familyPenaltyScale (README row L)", () => {
  // Family "a" is the reasoning family, as most families carry one label.
  const ex = (group: string, idx: number[]): Example => ({ x: { idx: Int32Array.from(idx), val: Float32Array.from(idx.map(() => 1)) } as Example["x"], y: group === "a" ? 1 : 0, w: 1, group });
  // Four families. Column 0 fires in two rows of every family, column 1 in two rows of one,
  // column 2 in two rows of two families, column 3 in one row only, column 4 nowhere.
  const examples = ["a", "b", "c", "d"].flatMap((g) => [ex(g, g === "a" ? [0, 1, 2, 3] : g === "b" ? [0, 2] : [0]), ex(g, g === "a" ? [0, 1, 2] : g === "b" ? [0, 2] : [0])]);

  it("multiplies a feature's L2 by the families in training over those it is seen in (twice at least)", () => {
    const s = familyPenaltyScale(examples, 5, "linear");
    expect(Array.from(s)).toEqual([1, 4, 2, 4, 1]);
    expect(Array.from(familyPenaltyScale(examples, 5, "square"))).toEqual([1, 16, 4, 16, 1]);
  });

  it("shrinks the marker of one family harder; training without it is unchanged", () => {
    const opts = { l2: 0.1, iterations: 200, learningRate: 0.1 };
    const plain = train(examples, opts);
    const penalised = train(examples, { ...opts, familyPenalty: "linear" });
    // Column 1 marks one family and is shrunk harder than column 0, which every family has.
    expect(plain.weights[1]!).toBeGreaterThan(0);
    expect(penalised.weights[1]!).toBeLessThan(plain.weights[1]! * 0.9);
    expect(Buffer.from(train(examples, opts).weights.buffer).equals(Buffer.from(plain.weights.buffer))).toBe(true);
  });
});

