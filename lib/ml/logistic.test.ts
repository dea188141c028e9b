import { describe, expect, it } from "vitest";
import { fitLogistic, type CsrRows } from "./logistic";

/** CSR rows from a list of (active columns, label, weight); every value 1. */
function rows(list: readonly [cols: number[], y: 0 | 1, w: number][]): CsrRows {
  const start = new Int32Array(list.length + 1);
  const cols: number[] = [];
  list.forEach(([c], r) => {
    start[r] = cols.length;
    cols.push(...c);
  });
  start[list.length] = cols.length;
  return {
    start,
    cols: Int32Array.from(cols),
    vals: new Float64Array(cols.length).fill(1),
    labels: Float64Array.from(list, ([, y]) => y),
    weights: Float64Array.from(list, ([, , w]) => w),
  };
}

// Column 0 marks positives, column 1 negatives, column 2 is in every row (carries no signal).
const separable = rows([
  [[0, 2], 1, 1],
  [[0, 2], 1, 1],
  [[0], 1, 1],
  [[1, 2], 0, 1],
  [[1, 2], 0, 1],
  [[1], 0, 1],
]);
const opts = { l2: 1e-3, iterations: 200, learningRate: 0.1 };

describe("fitLogistic", () => {
  it("learns the sign of each feature on separable data, and the loss falls from log 2", () => {
    const fit = fitLogistic(separable, 4, opts);
    expect(fit.weights[0]).toBeGreaterThan(1);
    expect(fit.weights[1]).toBeLessThan(-1);
    expect(Math.abs(fit.weights[2]!)).toBeLessThan(0.2 * fit.weights[0]!);
    // The loss is taken before each update: from all-zero weights it is exactly log 2.
    expect(fitLogistic(separable, 4, { ...opts, iterations: 1 }).finalLoss).toBe(Math.log(2));
    const losses = [5, 20, 200].map((iterations) => fitLogistic(separable, 4, { ...opts, iterations }).finalLoss);
    expect(losses[0]).toBeLessThan(Math.log(2));
    expect(losses[1]).toBeLessThan(losses[0]!);
    expect(losses[2]).toBeLessThan(losses[1]!);
  });

  it("reaches the known optimum without L2", () => {
    // With the feature: 3 positives to 1 negative; without: 1 to 3. The
    // maximum likelihood answer is bias = logit(1/4) = -ln 3 and
    // bias + weight = logit(3/4) = ln 3, so weight = 2 ln 3.
    const data = rows([
      [[0], 1, 3],
      [[0], 0, 1],
      [[], 1, 1],
      [[], 0, 3],
    ]);
    const fit = fitLogistic(data, 1, { l2: 0, iterations: 2000, learningRate: 0.05 });
    expect(fit.bias).toBeCloseTo(-Math.log(3), 3);
    expect(fit.weights[0]).toBeCloseTo(2 * Math.log(3), 3);
  });

  it("shrinks the weights as L2 grows", () => {
    const size = (l2: number) => {
      const w = fitLogistic(separable, 4, { ...opts, l2 }).weights;
      return Math.hypot(...w);
    };
    const sizes = [0, 0.01, 0.1, 1].map(size);
    for (let i = 1; i < sizes.length; i++) expect(sizes[i]).toBeLessThan(sizes[i - 1]!);
  });

  it("ignores a row of weight zero, and leaves columns absent from the data at zero", () => {
    const base = fitLogistic(separable, 4, opts);
    // A contradicting row with a column of its own, at weight 0.
    const withZero = rows([
      [[0, 2], 1, 1],
      [[0, 2], 1, 1],
      [[0], 1, 1],
      [[0, 1, 3], 0, 0],
      [[1, 2], 0, 1],
      [[1, 2], 0, 1],
      [[1], 0, 1],
    ]);
    const fit = fitLogistic(withZero, 4, opts);
    expect(fit.bias).toBe(base.bias);
    expect(fit.finalLoss).toBe(base.finalLoss);
    expect([...fit.weights]).toEqual([...base.weights]);
    expect(base.weights[3]).toBe(0);
  });

  it("is deterministic: the same rows give bit-identical weights", () => {
    const a = fitLogistic(separable, 4, opts);
    const b = fitLogistic(separable, 4, opts);
    expect(Buffer.from(a.weights.buffer).equals(Buffer.from(b.weights.buffer))).toBe(true);
    expect(a.bias).toBe(b.bias);
  });
});
