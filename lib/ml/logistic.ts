/**
 * L2-regularised weighted logistic regression, trained full-batch with Adam
 * and a cosine-decayed learning rate. The router classifier
 * (lib/routing/classifier/train.ts) and the hedge cue detector
 * (lib/traces/hedge-train.ts) both train with it.
 *
 * Written out rather than taken from a library because the shipped model
 * files must be reproducible byte for byte (scripts/train-router.ts --check,
 * scripts/train-hedges.ts --check): full batch and a fixed iteration order
 * give the same weights for the same rows in the same order, with no random
 * shuffling, no threads, no native code and no dependency whose next version
 * could move the last bits. It runs offline in plain TypeScript, in a few
 * seconds for our data.
 */

/**
 * Rows in compressed sparse row form: row r's entries are cols[k], vals[k]
 * for k in start[r] .. start[r + 1] - 1 (a column may repeat; the entries add
 * up). start has one more element than there are rows.
 */
export interface CsrRows {
  start: Int32Array;
  cols: Int32Array;
  vals: Float64Array;
  /** label of each row, 0 or 1 */
  labels: Float64Array;
  /** weight of each row; the loss is the weighted mean over rows */
  weights: Float64Array;
}

export interface LogisticOptions {
  /** L2 strength on the mean weighted log-loss (bias not regularised). */
  l2: number;
  iterations: number;
  learningRate: number;
}

export interface LogisticFit {
  weights: Float64Array;
  bias: number;
  /** weighted mean log-loss (without the L2 term) at the last iteration, before its update */
  finalLoss: number;
}

export function fitLogistic(rows: CsrRows, dim: number, opts: LogisticOptions): LogisticFit {
  const { start, cols, vals, labels } = rows;
  const nRows = labels.length;
  const w = new Float64Array(dim);
  const g = new Float64Array(dim);
  const m = new Float64Array(dim);
  const v = new Float64Array(dim);
  let b = 0;
  let mb = 0;
  let vb = 0;
  const beta1 = 0.9;
  const beta2 = 0.999;
  const eps = 1e-8;
  let totalW = 0;
  for (let r = 0; r < nRows; r++) totalW += rows.weights[r]!;
  const scales = new Float64Array(nRows);
  for (let r = 0; r < nRows; r++) scales[r] = rows.weights[r]! / totalW;
  // Columns that occur in the data; other weights stay exactly 0 (their
  // gradient is l2 * 0), so the Adam loop can skip them.
  const seen = new Uint8Array(dim);
  for (let k = 0; k < start[nRows]!; k++) seen[cols[k]!] = 1;
  const active: number[] = [];
  for (let i = 0; i < dim; i++) if (seen[i]) active.push(i);
  const act = Int32Array.from(active);
  let loss = 0;
  for (let t = 1; t <= opts.iterations; t++) {
    for (let k = 0; k < act.length; k++) g[act[k]!] = opts.l2 * w[act[k]!]!;
    let gb = 0;
    loss = 0;
    for (let r = 0; r < nRows; r++) {
      const a = start[r]!;
      const z1 = start[r + 1]!;
      let z = b;
      for (let k = a; k < z1; k++) z += w[cols[k]!]! * vals[k]!;
      const p = 1 / (1 + Math.exp(-z));
      const scale = scales[r]!;
      const y = labels[r]!;
      loss += scale * (y === 1 ? -Math.log(Math.max(p, 1e-12)) : -Math.log(Math.max(1 - p, 1e-12)));
      const d = scale * (p - y);
      gb += d;
      for (let k = a; k < z1; k++) g[cols[k]!]! += d * vals[k]!;
    }
    // Cosine-decayed learning rate: converges without a tuned schedule.
    const lr = opts.learningRate * 0.5 * (1 + Math.cos((Math.PI * (t - 1)) / opts.iterations));
    const c1 = 1 - Math.pow(beta1, t);
    const c2 = 1 - Math.pow(beta2, t);
    for (let k = 0; k < act.length; k++) {
      const i = act[k]!;
      const gi = g[i]!;
      m[i] = beta1 * m[i]! + (1 - beta1) * gi;
      v[i] = beta2 * v[i]! + (1 - beta2) * gi * gi;
      w[i]! -= (lr * (m[i]! / c1)) / (Math.sqrt(v[i]! / c2) + eps);
    }
    mb = beta1 * mb + (1 - beta1) * gb;
    vb = beta2 * vb + (1 - beta2) * gb * gb;
    b -= (lr * (mb / c1)) / (Math.sqrt(vb / c2) + eps);
  }
  return { weights: w, bias: b, finalLoss: loss };
}
