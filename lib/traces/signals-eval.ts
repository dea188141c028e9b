/**
 * Evaluation of the signal extractor against a labelled set
 * (tests/fixtures/signals-labelled.jsonl). Used by scripts/eval-signals.ts and
 * by the threshold test in signals.test.ts.
 *
 * Span match rule: a predicted span matches a gold span when both have the
 * same kind and their character overlap is at least 50% of the length of the
 * shorter of the two. Matching is one-to-one (each gold span and each
 * predicted span is used at most once, first match in text order). So "might"
 * matches a gold "might be", and "Presumably" matches a gold "Presumably the
 * user wants"; a span of the wrong kind counts as both a false positive (its
 * kind) and a false negative (the gold kind).
 */
import fs from "node:fs";
import { extractSignals, SIGNAL_KINDS, type SignalKind, type Span } from "./signals";

export interface GoldSpan {
  start: number;
  end: number;
  kind: SignalKind;
}

export interface LabelledEntry {
  text: string;
  spans: GoldSpan[];
  /**
   * Optional batch name. In the project fixture: "dev" (written together with
   * the lexicon), "holdout1" / "holdout2" (written later against a frozen
   * lexicon, scored, and then used for development too).
   */
  set?: string;
}

export interface KindScore {
  tp: number;
  fp: number;
  fn: number;
  /** gold spans of this kind */
  support: number;
  precision: number;
  recall: number;
  f1: number;
}

export interface EvalError {
  type: "fp" | "fn";
  kind: SignalKind;
  span: string;
  text: string;
}

export interface EvalResult {
  entries: number;
  entriesWithoutSpans: number;
  perKind: Record<SignalKind, KindScore>;
  overall: KindScore;
  /** Micro-averaged score per `set` (entries without one count as "all"). */
  perSet: Record<string, KindScore>;
  errors: EvalError[];
}

export function loadLabelled(file: string): LabelledEntry[] {
  const out: LabelledEntry[] = [];
  const lines = fs.readFileSync(file, "utf8").split("\n");
  lines.forEach((line, i) => {
    if (line.trim() === "") return;
    const e = JSON.parse(line) as LabelledEntry;
    if (typeof e.text !== "string" || !Array.isArray(e.spans)) throw new Error(`${file}:${i + 1}: expected {text, spans}`);
    for (const s of e.spans) {
      if (!SIGNAL_KINDS.includes(s.kind)) throw new Error(`${file}:${i + 1}: unknown kind ${String(s.kind)}`);
      if (!(Number.isInteger(s.start) && Number.isInteger(s.end) && s.start >= 0 && s.start < s.end && s.end <= e.text.length)) {
        throw new Error(`${file}:${i + 1}: bad span ${JSON.stringify(s)}`);
      }
    }
    if (e.set !== undefined && typeof e.set !== "string") throw new Error(`${file}:${i + 1}: "set" must be a string`);
    out.push(e);
  });
  return out;
}

/** Same kind and overlap ≥ 50% of the shorter span. */
export function spansMatch(a: GoldSpan, b: GoldSpan): boolean {
  if (a.kind !== b.kind) return false;
  const overlap = Math.min(a.end, b.end) - Math.max(a.start, b.start);
  if (overlap <= 0) return false;
  const shorter = Math.min(a.end - a.start, b.end - b.start);
  return overlap * 2 >= shorter;
}

function score(tp: number, fp: number, fn: number): KindScore {
  const precision = tp + fp === 0 ? NaN : tp / (tp + fp);
  const recall = tp + fn === 0 ? NaN : tp / (tp + fn);
  const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : NaN;
  return { tp, fp, fn, support: tp + fn, precision, recall, f1 };
}

export function evaluateSignals(entries: LabelledEntry[], extract: (text: string) => Span[] = (t) => extractSignals(t).spans): EvalResult {
  const counts = Object.fromEntries(SIGNAL_KINDS.map((k) => [k, { tp: 0, fp: 0, fn: 0 }])) as Record<SignalKind, { tp: number; fp: number; fn: number }>;
  const errors: EvalError[] = [];
  const sets: Record<string, { tp: number; fp: number; fn: number }> = {};
  for (const entry of entries) {
    const setCounts = (sets[entry.set ?? "all"] ??= { tp: 0, fp: 0, fn: 0 });
    const pred = extract(entry.text);
    const usedPred = new Array<boolean>(pred.length).fill(false);
    for (const g of entry.spans) {
      let hit = -1;
      for (let i = 0; i < pred.length; i++) {
        if (!usedPred[i] && spansMatch(g, pred[i]!)) {
          hit = i;
          break;
        }
      }
      if (hit >= 0) {
        usedPred[hit] = true;
        counts[g.kind].tp++;
        setCounts.tp++;
      } else {
        counts[g.kind].fn++;
        setCounts.fn++;
        errors.push({ type: "fn", kind: g.kind, span: entry.text.slice(g.start, g.end), text: entry.text });
      }
    }
    pred.forEach((p, i) => {
      if (usedPred[i]) return;
      counts[p.kind].fp++;
      setCounts.fp++;
      errors.push({ type: "fp", kind: p.kind, span: p.text, text: entry.text });
    });
  }
  const perKind = Object.fromEntries(SIGNAL_KINDS.map((k) => [k, score(counts[k].tp, counts[k].fp, counts[k].fn)])) as Record<SignalKind, KindScore>;
  const sum = (f: "tp" | "fp" | "fn") => SIGNAL_KINDS.reduce((a, k) => a + counts[k][f], 0);
  return {
    entries: entries.length,
    entriesWithoutSpans: entries.filter((e) => e.spans.length === 0).length,
    perKind,
    overall: score(sum("tp"), sum("fp"), sum("fn")),
    perSet: Object.fromEntries(Object.entries(sets).map(([k, c]) => [k, score(c.tp, c.fp, c.fn)])),
    errors,
  };
}

const fmt = (x: number): string => (Number.isNaN(x) ? "  n/a" : x.toFixed(3));

export function formatTable(r: EvalResult): string {
  const rows: string[] = [];
  rows.push(`entries: ${r.entries} (${r.entriesWithoutSpans} with no span)`);
  rows.push("match rule: same kind and overlap >= 50% of the shorter span, one-to-one");
  rows.push("");
  rows.push("kind             support   tp   fp   fn  precision  recall     f1");
  const line = (name: string, s: KindScore) =>
    `${name.padEnd(16)} ${String(s.support).padStart(7)} ${String(s.tp).padStart(4)} ${String(s.fp).padStart(4)} ${String(s.fn).padStart(4)}      ${fmt(s.precision)}   ${fmt(s.recall)}  ${fmt(s.f1)}`;
  for (const k of SIGNAL_KINDS) rows.push(line(k, r.perKind[k]));
  rows.push(line("overall (micro)", r.overall));
  const setNames = Object.keys(r.perSet);
  if (setNames.length > 1) {
    rows.push("");
    rows.push("by set (all kinds, micro)");
    for (const name of setNames) rows.push(line(`  ${name}`, r.perSet[name]!));
  }
  return rows.join("\n");
}
