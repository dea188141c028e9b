/**
 * The linear model: weights codec and scoring, independent of where the
 * weights come from (the shipped weights.json via model.ts, or a freshly
 * trained vector in the training script and tests).
 *
 * weights.json stores the non-zero weights sparsely: indices as base64 of
 * LEB128 varint deltas, values as base64 of little-endian int16 scaled by
 * `scale` (max |w| / 32767). Decoding is exact and deterministic, so scores
 * of the shipped model are the same on every machine.
 */
import { DIM, HASH_BITS, N_FEATURES, N_STRUCT, STRUCT_NAMES, extractInto, featureNames, type Structure } from "./features";
import { difficultyOf, type Difficulty } from "./tier";
import type { DeploymentThreshold } from "./calibrate";

export interface WeightsFile {
  format: "thinkgate-linear-v1";
  hashBits: number;
  structNames: string[];
  bias: number;
  scale: number;
  /** Number of non-zero weights. */
  nnz: number;
  indices: string;
  values: string;
  /** Default threshold, with how it was calibrated. */
  threshold: DeploymentThreshold;
  training: Record<string, unknown>;
}

export interface LinearModel {
  weights: Float32Array;
  bias: number;
  threshold: number;
}

export interface TopFeature {
  feature: string;
  /** Contribution to the logit (weight x feature value): positive pushes towards reasoning. */
  weight: number;
}

export interface ScoreResult {
  /** P(reasoning-worthy), in [0, 1]. */
  score: number;
  tier: Difficulty;
  top: TopFeature[];
}

// ----------------------------------------------------------------- codec

const B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const B64_INV = new Int16Array(128).fill(-1);
for (let i = 0; i < 64; i++) B64_INV[B64.charCodeAt(i)] = i;

export function bytesToBase64(bytes: Uint8Array): string {
  let out = "";
  for (let i = 0; i < bytes.length; i += 3) {
    const a = bytes[i]!;
    const b = i + 1 < bytes.length ? bytes[i + 1]! : 0;
    const c = i + 2 < bytes.length ? bytes[i + 2]! : 0;
    out += B64[a >> 2]! + B64[((a & 3) << 4) | (b >> 4)]!;
    out += i + 1 < bytes.length ? B64[((b & 15) << 2) | (c >> 6)]! : "=";
    out += i + 2 < bytes.length ? B64[c & 63]! : "=";
  }
  return out;
}

export function base64ToBytes(s: string): Uint8Array {
  let len = (s.length / 4) * 3;
  if (s.endsWith("==")) len -= 2;
  else if (s.endsWith("=")) len -= 1;
  const out = new Uint8Array(len);
  let o = 0;
  for (let i = 0; i < s.length; i += 4) {
    const a = B64_INV[s.charCodeAt(i)]!;
    const b = B64_INV[s.charCodeAt(i + 1)]!;
    const c = s[i + 2] === "=" ? 0 : B64_INV[s.charCodeAt(i + 2)]!;
    const d = s[i + 3] === "=" ? 0 : B64_INV[s.charCodeAt(i + 3)]!;
    const n = (a << 18) | (b << 12) | (c << 6) | d;
    if (o < len) out[o++] = (n >> 16) & 255;
    if (o < len) out[o++] = (n >> 8) & 255;
    if (o < len) out[o++] = n & 255;
  }
  return out;
}

/** Quantises and packs a weight vector (length N_FEATURES). */
export function encodeWeights(
  weights: ArrayLike<number>,
  bias: number,
  threshold: DeploymentThreshold,
  training: Record<string, unknown>,
): WeightsFile {
  if (weights.length !== N_FEATURES) throw new Error(`expected ${N_FEATURES} weights, got ${weights.length}`);
  let maxAbs = 0;
  for (let i = 0; i < weights.length; i++) maxAbs = Math.max(maxAbs, Math.abs(weights[i]!));
  const scale = maxAbs > 0 ? maxAbs / 32767 : 1;
  const idxBytes: number[] = [];
  const valBytes: number[] = [];
  let prev = -1;
  let nnz = 0;
  for (let i = 0; i < weights.length; i++) {
    const q = Math.round(weights[i]! / scale);
    if (q === 0) continue;
    let delta = i - prev;
    prev = i;
    while (delta >= 128) {
      idxBytes.push((delta & 127) | 128);
      delta >>>= 7;
    }
    idxBytes.push(delta);
    const u = q & 0xffff;
    valBytes.push(u & 255, u >> 8);
    nnz++;
  }
  return {
    format: "thinkgate-linear-v1",
    hashBits: HASH_BITS,
    structNames: [...STRUCT_NAMES],
    bias,
    scale,
    nnz,
    indices: bytesToBase64(Uint8Array.from(idxBytes)),
    values: bytesToBase64(Uint8Array.from(valBytes)),
    threshold,
    training,
  };
}

export function decodeWeights(file: WeightsFile): LinearModel {
  if (file.format !== "thinkgate-linear-v1") throw new Error(`unknown weights format ${String(file.format)}`);
  if (file.hashBits !== HASH_BITS || file.structNames.length !== N_STRUCT || file.structNames.some((n, i) => n !== STRUCT_NAMES[i])) {
    throw new Error("weights.json was trained with a different feature layout; run `npx tsx scripts/train-router.ts`");
  }
  // A file from elsewhere (a deployment's retrained model) may be truncated or
  // edited: every field is checked, so a bad file fails here rather than
  // scoring with garbage.
  const bad = (why: string) => new Error(`malformed weights file: ${why}`);
  if (!Number.isInteger(file.nnz) || file.nnz < 0 || file.nnz > N_FEATURES) throw bad("nnz");
  if (!Number.isFinite(file.bias)) throw bad("bias");
  if (!(Number.isFinite(file.scale) && file.scale > 0)) throw bad("scale");
  const t = file.threshold?.threshold;
  if (typeof t !== "number" || !(t >= 0 && t <= 1)) throw bad("threshold");
  if (typeof file.indices !== "string" || typeof file.values !== "string") throw bad("indices/values");
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(file.indices) || !/^[A-Za-z0-9+/]*={0,2}$/.test(file.values)) throw bad("base64");
  if (file.indices.length % 4 !== 0 || file.values.length % 4 !== 0) throw bad("base64 length");
  const weights = new Float32Array(N_FEATURES);
  const ib = base64ToBytes(file.indices);
  const vb = base64ToBytes(file.values);
  if (vb.length !== 2 * file.nnz) throw bad("values length");
  let p = 0;
  let idx = -1;
  for (let k = 0; k < file.nnz; k++) {
    let delta = 0;
    let shift = 0;
    for (;;) {
      if (p >= ib.length || shift > 28) throw bad("indices");
      const b = ib[p++]!;
      delta |= (b & 127) << shift;
      if (b < 128) break;
      shift += 7;
    }
    idx += delta;
    if (delta <= 0 || idx >= N_FEATURES) throw bad("index out of range");
    let q = vb[2 * k]! | (vb[2 * k + 1]! << 8);
    if (q >= 0x8000) q -= 0x10000;
    weights[idx] = q * file.scale;
  }
  if (p !== ib.length) throw bad("trailing index bytes");
  return { weights, bias: file.bias, threshold: t };
}

// --------------------------------------------------------------- scoring

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

const MAX_TOP = 16;
const topC = new Float64Array(MAX_TOP);
const topI = new Int32Array(MAX_TOP);

/** Logit and structure of `text`, reading the extractor's scratch buffers in place. */
export function logitOf(model: LinearModel, text: string): { z: number; structure: Structure } {
  const f = extractInto(text);
  const w = model.weights;
  let z = model.bias;
  for (let k = 0; k < f.n; k++) z += w[f.idx[k]!]! * f.val[k]!;
  return { z, structure: f.structure };
}

/** P(reasoning-worthy) only: the fastest path, for bulk scoring. */
export function probability(model: LinearModel, text: string): number {
  return sigmoid(logitOf(model, text).z);
}

/**
 * Score, difficulty tier and the `topK` features that moved the logit most
 * (by absolute contribution; positive = towards reasoning).
 */
export function scoreWith(model: LinearModel, text: string, topK = 5): ScoreResult & { structure: Structure; tierWhy: string[] } {
  const f = extractInto(text);
  const w = model.weights;
  let z = model.bias;
  // Keep the topK largest |contribution| entries by insertion into small
  // arrays: no allocation per entry, O(n * topK).
  const k = Math.max(0, Math.min(topK, MAX_TOP));
  let kept = 0;
  for (let e = 0; e < f.n; e++) {
    const i = f.idx[e]!;
    const c = w[i]! * f.val[e]!;
    z += c;
    if (k === 0 || c === 0) continue;
    const a = Math.abs(c);
    if (kept === k && a <= Math.abs(topC[k - 1]!)) continue;
    let pos = kept < k ? kept++ : k - 1;
    while (pos > 0 && Math.abs(topC[pos - 1]!) < a) {
      topC[pos] = topC[pos - 1]!;
      topI[pos] = topI[pos - 1]!;
      pos--;
    }
    topC[pos] = c;
    topI[pos] = i;
  }
  const structure = f.structure;
  const score = sigmoid(z);
  const ids: number[] = [];
  const cs: number[] = [];
  for (let j = 0; j < kept; j++) {
    ids.push(topI[j]!);
    cs.push(topC[j]!);
  }
  // Naming re-runs the token pass (overwrites the scratch buffers): done last.
  const names = kept > 0 ? featureNames(text, ids) : new Map<number, string>();
  const top = ids.map((i, j) => ({ feature: names.get(i) ?? (i >= DIM ? `struct:${STRUCT_NAMES[i - DIM]}` : `hash:${i}`), weight: Math.round(cs[j]! * 1000) / 1000 }));
  const t = difficultyOf(structure, score);
  return { score, tier: t.tier, top, structure, tierWhy: t.why };
}
