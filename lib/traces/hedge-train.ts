/**
 * Training and evaluation of the learned hedge detector (hedge-cues.ts).
 *
 * Data: annotated sentences, each with its speculation-cue spans. Two sources:
 *  - BioScope full papers (Vincze et al. 2008, CC BY 2.0), read from
 *    ../shared/data/hedging at training / evaluation time; the repository
 *    ships only the trained weights.
 *  - the project's labelled reasoning sentences (tests/fixtures/
 *    signals-labelled.jsonl): hedge spans are cues; tokens inside spans of
 *    the other kinds (assumption, self-correction, ...) are left out, since
 *    the lexicon owns those.
 * Evaluation holds out whole documents (papers) or whole labelled batches,
 * never single sentences: sentences of one paper share its phrasing.
 */
import fs from "node:fs";
import { candidateAt, cueFeatures, EPISTEMIC_FAMILIES, FAMILY_FORMS, loadHedgeModel, type CueFamily, type HedgeModel, type HedgeModelFile } from "./hedge-cues";
import type { LabelledEntry } from "./signals-eval";
import { tokenize } from "./tokenize";
import { fitLogistic, type LogisticOptions } from "../ml/logistic";

export interface CueSpan {
  start: number;
  end: number;
}

export interface AnnotatedSentence {
  id: string;
  /** document (paper) or labelled batch the sentence belongs to: the unit held out */
  doc: string;
  source: string;
  text: string;
  cues: CueSpan[];
  /** spans whose tokens are neither cue nor non-cue examples (another signal kind) */
  skip?: CueSpan[];
}

/** BioScope JSONL as shipped in shared/data/hedging (one sentence per line). */
export function loadBioScope(file: string): AnnotatedSentence[] {
  return fs
    .readFileSync(file, "utf8")
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map((l) => {
      const r = JSON.parse(l) as { id: string; source: string; text: string; cues: { start: number; end: number }[] };
      return { id: r.id, doc: r.id.slice(0, r.id.lastIndexOf("-S")), source: "bioscope", text: r.text, cues: r.cues.map((c) => ({ start: c.start, end: c.end })) };
    });
}

export function fromLabelled(entries: readonly LabelledEntry[]): AnnotatedSentence[] {
  return entries.map((e, i) => ({
    id: `team-${i}`,
    doc: `team-${e.set ?? "all"}`,
    source: "team",
    text: e.text,
    cues: e.spans.filter((s) => s.kind === "hedge").map((s) => ({ start: s.start, end: s.end })),
    skip: e.spans.filter((s) => s.kind !== "hedge").map((s) => ({ start: s.start, end: s.end })),
  }));
}

const overlaps = (a: CueSpan, s: number, e: number) => Math.min(a.end, e) > Math.max(a.start, s);

export interface CueExample {
  feats: string[];
  y: 0 | 1;
  w: number;
}

/**
 * One example per candidate word. Each source weighs the same in total, so
 * the 2,600 biomedical sentences do not drown the reasoning-style ones.
 */
export function buildExamples(sentences: readonly AnnotatedSentence[], model: HedgeModel, sourceWeight: Record<string, number> = {}): CueExample[] {
  const bySource = new Map<string, CueExample[]>();
  for (const s of sentences) {
    const t = tokenize(s.text);
    const list = bySource.get(s.source) ?? [];
    bySource.set(s.source, list);
    for (let i = 0; i < t.n; i++) {
      const cue = candidateAt(model, t, i);
      if (!cue) continue;
      const a = t.start[i]!;
      const b = t.end[i]!;
      if (s.skip?.some((k) => overlaps(k, a, b))) continue;
      list.push({ feats: cueFeatures(t, i, cue), y: s.cues.some((c) => overlaps(c, a, b)) ? 1 : 0, w: 1 });
    }
  }
  const out: CueExample[] = [];
  const nSources = bySource.size;
  let total = 0;
  for (const list of bySource.values()) total += list.length;
  for (const [source, list] of bySource) {
    const w = ((sourceWeight[source] ?? 1) * total) / nSources / Math.max(1, list.length);
    for (const e of list) out.push({ ...e, w });
  }
  return out;
}

/** Words annotated as (the head of) a cue that belong to no family: candidates learned from the data. */
export function cueWordsOutsideFamilies(sentences: readonly AnnotatedSentence[]): string[] {
  const words = new Set<string>();
  for (const s of sentences) {
    for (const c of s.cues) {
      // Single-word cues only: the words of a phrase ("I'm not sure") are not cues on their own.
      const t = tokenize(s.text.slice(c.start, c.end));
      if (t.n !== 1 || t.type[0] !== 0) continue;
      const w = s.text.slice(c.start, c.end).toLowerCase();
      if (!FAMILY_FORMS.has(w) && !STOP.has(w)) words.add(w);
    }
  }
  return [...words].sort();
}
const STOP = new Set(["that", "the", "a", "an", "to", "be", "of", "with", "as", "is", "it", "not", "no", "we", "i", "this"]);

export interface TrainOptions extends LogisticOptions {
  threshold: number;
  /** relative weight of each source's examples (1 when absent) */
  sourceWeight: Record<string, number>;
}

export const DEFAULT_OPTIONS: TrainOptions = { l2: 3e-3, iterations: 400, learningRate: 0.1, threshold: 0.47, sourceWeight: { team: 0.3 } };

/** L2-regularised weighted logistic regression over named binary features (lib/ml/logistic.ts: full-batch Adam, deterministic). */
export function trainLogistic(examples: readonly CueExample[], opts: TrainOptions): { bias: number; weights: Record<string, number> } {
  // Each feature name gets a column in order of first appearance; a row is its features' columns, each with value 1.
  const index = new Map<string, number>();
  const start = new Int32Array(examples.length + 1);
  const cols: number[] = [];
  examples.forEach((e, r) => {
    start[r] = cols.length;
    for (const f of e.feats) cols.push(index.get(f) ?? (index.set(f, index.size), index.size - 1));
  });
  start[examples.length] = cols.length;
  const rows = {
    start,
    cols: Int32Array.from(cols),
    vals: new Float64Array(cols.length).fill(1),
    labels: Float64Array.from(examples, (e) => e.y),
    weights: Float64Array.from(examples, (e) => e.w),
  };
  const { weights: w, bias: b } = fitLogistic(rows, index.size, opts);
  const weights: Record<string, number> = {};
  for (const [f, k] of index) if (Math.abs(w[k]!) >= 5e-3) weights[f] = Math.round(w[k]! * 1e4) / 1e4;
  return { bias: Math.round(b * 1e4) / 1e4, weights };
}

/** Trains a model file on the given sentences (candidate words = families + cue words seen in them). */
export function trainHedgeModel(
  sentences: readonly AnnotatedSentence[],
  trainedOn: HedgeModelFile["trainedOn"],
  opts: TrainOptions = DEFAULT_OPTIONS,
): HedgeModelFile {
  const extraWords = cueWordsOutsideFamilies(sentences);
  const skeleton: HedgeModelFile = { about: "", extraWords, bias: 0, threshold: opts.threshold, weights: {}, trainedOn };
  const { bias, weights } = trainLogistic(buildExamples(sentences, loadHedgeModel(skeleton), opts.sourceWeight), opts);
  return {
    about:
      "Weights of the learned hedge detector (lib/traces/hedge-cues.ts), trained by scripts/train-hedges.ts on " +
      "BioScope full papers (Vincze et al. 2008, CC BY 2.0, https://creativecommons.org/licenses/by/2.0/) and the " +
      "project's labelled reasoning sentences. Only weights are stored here, no text of the corpus.",
    extraWords,
    bias,
    threshold: opts.threshold,
    weights,
    trainedOn,
  };
}

// ---------------------------------------------------------------------------
// Evaluation per cue family.

export interface FamilyScore {
  family: CueFamily | "epistemic" | "all";
  gold: number;
  tp: number;
  fp: number;
  fn: number;
  precision: number;
  recall: number;
}

/** Family of a span: the family of its first candidate word ("other" when none). */
export function spanFamily(text: string, s: CueSpan): CueFamily {
  const t = tokenize(text.slice(s.start, s.end));
  let neg = false;
  for (let i = 0; i < t.n; i++) {
    const w = text.slice(s.start + t.start[i]!, s.start + t.end[i]!).toLowerCase();
    const f = FAMILY_FORMS.get(w);
    if (f && f.family !== "uncertainty") return neg && f.family === "modal_ability" ? "uncertainty" : f.family;
    if (f) return "uncertainty";
    if (w === "not" || w === "no") neg = true;
  }
  return neg ? "uncertainty" : "other";
}

const matches = (a: CueSpan, b: CueSpan): boolean => {
  const ov = Math.min(a.end, b.end) - Math.max(a.start, b.start);
  return ov > 0 && ov * 2 >= Math.min(a.end - a.start, b.end - b.start);
};

/**
 * Precision and recall of predicted hedge spans against gold cue spans, per
 * family (a gold cue's family for recall, a prediction's family for
 * precision), with the match rule of signals-eval.ts (overlap ≥ 50% of the
 * shorter span, one-to-one). "epistemic" leaves out the modal-ability,
 * alternative and conditional families ("can", "or", "either", "whether",
 * "if") for recall, as the targets do; precision there counts every
 * prediction of the epistemic families.
 */
export function evaluateCues(sentences: readonly AnnotatedSentence[], predict: (text: string) => CueSpan[]): FamilyScore[] {
  const c = new Map<string, { gold: number; tp: number; fp: number; fn: number }>();
  const bump = (k: string, f: "gold" | "tp" | "fp" | "fn") => {
    const e = c.get(k) ?? { gold: 0, tp: 0, fp: 0, fn: 0 };
    e[f]++;
    c.set(k, e);
  };
  const epi = new Set<string>(EPISTEMIC_FAMILIES);
  for (const s of sentences) {
    const pred = predict(s.text);
    const used = new Array<boolean>(pred.length).fill(false);
    for (const g of s.cues) {
      const fam = spanFamily(s.text, g);
      const keys = ["all", fam, ...(epi.has(fam) ? ["epistemic"] : [])];
      keys.forEach((k) => bump(k, "gold"));
      const hit = pred.findIndex((p, i) => !used[i] && matches(g, p));
      if (hit >= 0) {
        used[hit] = true;
        keys.forEach((k) => bump(k, "tp"));
      } else keys.forEach((k) => bump(k, "fn"));
    }
    pred.forEach((p, i) => {
      if (used[i]) return;
      const fam = spanFamily(s.text, p);
      ["all", fam, ...(epi.has(fam) ? ["epistemic"] : [])].forEach((k) => bump(k, "fp"));
    });
  }
  const order = ["all", "epistemic", "modal", "verb", "adjective", "adverb", "noun", "uncertainty", "other", "modal_ability", "alternative", "conditional"];
  return order
    .filter((k) => c.has(k))
    .map((k) => {
      const e = c.get(k)!;
      return {
        family: k as FamilyScore["family"],
        ...e,
        precision: e.tp + e.fp === 0 ? NaN : e.tp / (e.tp + e.fp),
        recall: e.tp + e.fn === 0 ? NaN : e.tp / (e.tp + e.fn),
      };
    });
}

export function formatFamilyTable(rows: readonly FamilyScore[]): string {
  const f = (x: number) => (Number.isNaN(x) ? "  n/a" : x.toFixed(3));
  const lines = ["family          gold   tp   fp   fn  precision  recall"];
  for (const r of rows) {
    lines.push(`${r.family.padEnd(14)} ${String(r.gold).padStart(5)} ${String(r.tp).padStart(4)} ${String(r.fp).padStart(4)} ${String(r.fn).padStart(4)}      ${f(r.precision)}   ${f(r.recall)}`);
  }
  return lines.join("\n");
}
