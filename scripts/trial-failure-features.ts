/**
 * Trials of candidate failure-score features, each round registered
 * beforehand (round 2: the commit "Failure score: feature trial registered
 * before any of it is evaluated"; round 3: "Failure score: a third round,
 * features of the question, registered"; round 4: "Failure score: a fourth
 * round registered"): each idea added alone to the
 * shipped features, evaluated once on the eval:signals folds, then the
 * passing ideas together. Keep rule: the fold-by-fold AUROC gain over the
 * shipped score positive and above twice its standard error with whole
 * models AND whole sources held out, calibration (ECE, models held out) no
 * worse by more than 0.02.
 *
 *   npx tsx scripts/trial-failure-features.ts              round 3
 *   npx tsx scripts/trial-failure-features.ts --round=2    round 2
 *   npx tsx scripts/trial-failure-features.ts --round=4    round 4 (README: "A fourth round")
 */
import fs from "node:fs";
import path from "node:path";
import { crossValidate, loadLabelledTraces, tracesPath, type CvResult, type LabelledTrace } from "../lib/traces/failure-eval";
import { scoreOnly } from "../lib/routing/classifier";
import { auroc, failureFeatures } from "../lib/traces/failure-score";

const root = path.resolve(__dirname, "..");
const traces = loadLabelledTraces(root)!;
interface Raw { id: string; model: string; question: string; thinking: string; answer: string | null }
const raw = fs.readFileSync(tracesPath(root), "utf8").split("\n").filter((l) => l.trim() !== "").map((l) => JSON.parse(l) as Raw);
const byId = new Map(raw.map((r) => [r.id, r]));

// 1. lengthInModel: z of log length against the same model's other traces (all records, no labels).
const logLen = (r: Raw) => Math.log(Math.max(50, r.thinking.length));
function lengthInModel(r: Raw): number {
  const others = raw.filter((o) => o.model === r.model && o.id !== r.id).map(logLen);
  const m = others.reduce((a, b) => a + b, 0) / others.length;
  const sd = Math.sqrt(others.reduce((a, b) => a + (b - m) ** 2, 0) / others.length) || 1;
  return (logLen(r) - m) / Math.max(sd, 0.1);
}

// 2. answerSwitches: distinct answer candidates stated in the thinking.
const CANDIDATE = /(?:the answer is|answer is|answer:|final answer(?: is)?:?|\\boxed\{)\s*([^\n.,;]{1,40})/gi;
const STOP = new Set(["the", "a", "an", "to", "that", "is", "be", "it", "boxed", "so", "maybe", "please", "put", "your", "final", "answer", "wait"]);
function answerSwitches(text: string): number {
  const seen = new Set<string>();
  for (const m of text.matchAll(CANDIDATE)) {
    // A number names the candidate when there is one ("17 minutes", "day 20" -> 17, 20); else its first two content words.
    const text = m[1]!.toLowerCase();
    const num = /-?\d+(?:[./]\d+)?/.exec(text);
    const words = text.replace(/[^a-z]+/g, " ").trim().split(" ").filter((w) => w !== "" && !STOP.has(w));
    const c = num ? num[0] : words.slice(0, 2).join(" ");
    if (c !== "") seen.add(c);
  }
  return Math.log1p(seen.size);
}

// 3. repeatedSentences: share of sentences (5+ words) seen before in the same thinking.
function repeatedSentences(text: string): number {
  const seen = new Set<string>();
  let n = 0;
  let rep = 0;
  for (const s of text.split(/[.!?\n]+/)) {
    const norm = s.toLowerCase().replace(/[^a-z0-9]+/g, " ").trim();
    if (norm.split(" ").length < 5) continue;
    n++;
    if (seen.has(norm)) rep++;
    else seen.add(norm);
  }
  return n === 0 ? 0 : rep / n;
}

// 5. templateRecall: mentions of a known version of the problem.
const TEMPLATE = /\b(?:classic|well[- ]known|famous|(?:standard|original|usual|traditional) (?:version|puzzle|problem|riddle|setup))\b/gi;
const templateRecall = (text: string) => Math.log1p([...text.matchAll(TEMPLATE)].length);

const base = traces.map((t) => failureFeatures(t.input));
const r0 = (t: LabelledTrace) => byId.get(t.id)!;
// Round 2 (README: "A second round"): features of the thinking and the answer.
const round2: Record<string, (t: LabelledTrace) => number> = {
  lengthInModel: (t) => lengthInModel(r0(t)),
  answerSwitches: (t) => answerSwitches(r0(t).thinking),
  repeatedSentences: (t) => repeatedSentences(r0(t).thinking),
  answerLength: (t) => Math.log1p(t.input.answer?.words ?? 0),
  templateRecall: (t) => templateRecall(r0(t).thinking),
};
// Round 3 (README: "A third round"): the question itself, the one input the
// trace's signals do not see. A hard question is answered wrongly more often
// whoever answers it; the record stores the prompt, so the gateway has both.
//  - questionScore: the router's calibrated P(reasoning-worthy) of the question
//    (the shipped classifier, as the gateway scores a prompt);
//  - questionLength: log(1 + words of the question), the plainest difficulty proxy.
const words = (s: string) => s.split(/\s+/).filter(Boolean).length;
const round3: Record<string, (t: LabelledTrace) => number> = {
  questionScore: (t) => scoreOnly(r0(t).question),
  questionLength: (t) => Math.log1p(words(r0(t).question)),
};
// Round 4 (README: "A fourth round"): how much of the question's details the
// thinking and the answer use. A modified version of a familiar puzzle answered
// as the familiar one leaves its changed details out.
const FUNCTION_WORDS = new Set(
  "the and for are but not you all any can her was one our out his has had how its let may who did get him she too use way why yes this that with have from they will would there their what when which them then than were been into more some such only also each just like over very your about could these those other after where while should because whether does being".split(" "),
);
const detailWords = (s: string) => new Set((s.toLowerCase().match(/[a-z]{3,}|\d+(?:\.\d+)?/g) ?? []).filter((w) => !FUNCTION_WORDS.has(w)));
function coverage(question: string, text: string | null): number {
  const q = detailWords(question);
  if (q.size === 0 || !text) return 0;
  const t = detailWords(text);
  let n = 0;
  for (const w of q) if (t.has(w)) n++;
  return n / q.size;
}
const round4: Record<string, (t: LabelledTrace) => number> = {
  questionCoverage: (t) => coverage(r0(t).question, r0(t).thinking),
  answerCoverage: (t) => coverage(r0(t).question, r0(t).answer),
};
const ideas = process.argv.includes("--round=2") ? round2 : process.argv.includes("--round=4") ? round4 : round3;

const schemes: [string, (t: LabelledTrace) => string, number][] = [
  ["models", (t) => t.model, 5],
  ["sources", (t) => t.source, 3],
];
const baseCv = schemes.map(([name, g, k]) => crossValidate(traces, g, k, name, base));
const f3 = (x: number) => x.toFixed(3);
function line(name: string, cvs: CvResult[]): { pass: boolean; text: string } {
  let pass = cvs[0]!.ece <= baseCv[0]!.ece + 0.02;
  const parts = cvs.map((cv, s) => {
    const d = cv.folds.map((f, i) => f.auroc - baseCv[s]!.folds[i]!.auroc);
    const m = d.reduce((a, b) => a + b, 0) / d.length;
    const sd = Math.sqrt(d.reduce((a, b) => a + (b - m) ** 2, 0) / (d.length - 1));
    const se = sd / Math.sqrt(d.length);
    if (!(m > 0 && m > 2 * se)) pass = false;
    return `${cv.scheme}: ${f3(cv.mean)} ± ${f3(cv.sd)} (pooled ${f3(cv.pooled)}), paired gain ${m >= 0 ? "+" : ""}${f3(m)} (se ${f3(se)}; folds ${d.map((x) => (x >= 0 ? "+" : "") + x.toFixed(2)).join(" ")})`;
  });
  return { pass, text: `${name.padEnd(18)} ${parts.join(" | ")} | ECE(models) ${f3(cvs[0]!.ece)} -> ${pass ? "KEEP" : "drop"}` };
}
const out: string[] = [];
out.push(`${traces.length} traces, ${traces.filter((t) => t.wrong).length} wrong`);
for (const cv of baseCv) {
  out.push(`baseline ${cv.scheme}: ${f3(cv.mean)} ± ${f3(cv.sd)} over folds [${cv.folds.map((f) => f3(f.auroc)).join(" ")}], pooled ${f3(cv.pooled)}; length-only ${f3(cv.lengthMean)} ± ${f3(cv.lengthSd)} [${cv.folds.map((f) => f3(f.lengthAuroc)).join(" ")}]; ECE ${f3(cv.ece)} Brier ${f3(cv.brier)}`);
}
const passed: string[] = [];
for (const [name, fn] of Object.entries(ideas)) {
  const col = traces.map(fn);
  const X = base.map((x, i) => [...x, col[i]!]);
  const r = line(name, schemes.map(([s, g, k]) => crossValidate(traces, g, k, s, X)));
  out.push(r.text);
  if (r.pass) passed.push(name);
}
if (passed.length > 1) {
  const cols = passed.map((n) => traces.map(ideas[n]!));
  const X = base.map((x, i) => [...x, ...cols.map((c) => c[i]!)]);
  out.push(line(`together(${passed.join(",")})`, schemes.map(([s, g, k]) => crossValidate(traces, g, k, s, X))).text);
} else out.push(`passed: ${passed.length ? passed.join(", ") : "none"}`);
process.stdout.write(`${out.join("\n")}\n`);

// Afterwards, descriptive only (decided nothing): each idea's raw value as a score on its own, per held-out
// group (no training involved), and its rank correlation with the log length.
if (process.argv.includes("--describe")) {
  const rank = (xs: number[]) => {
    const idx = xs.map((_, i) => i).sort((a, b) => xs[a]! - xs[b]!);
    const r = new Array<number>(xs.length);
    for (let i = 0; i < idx.length; ) {
      let j = i;
      while (j + 1 < idx.length && xs[idx[j + 1]!] === xs[idx[i]!]) j++;
      for (let k = i; k <= j; k++) r[idx[k]!] = (i + j) / 2;
      i = j + 1;
    }
    return r;
  };
  const spearman = (a: number[], b: number[]) => {
    const ra = rank(a), rb = rank(b);
    const ma = ra.reduce((s, x) => s + x, 0) / ra.length, mb = rb.reduce((s, x) => s + x, 0) / rb.length;
    let num = 0, da = 0, db = 0;
    ra.forEach((x, i) => { num += (x - ma) * (rb[i]! - mb); da += (x - ma) ** 2; db += (rb[i]! - mb) ** 2; });
    return num / Math.sqrt(da * db);
  };
  const y = traces.map((t) => t.wrong);
  const len = base.map((x) => x[0]!);
  for (const [name, fn] of [["length", (t: LabelledTrace) => failureFeatures(t.input)[0]!] as const, ...Object.entries(ideas)]) {
    const col = traces.map(fn);
    const per = (g: (t: LabelledTrace) => string) => {
      const groups = [...new Set(traces.map(g))].sort();
      return groups.map((G) => {
        const ix = traces.map((_, i) => i).filter((i) => g(traces[i]!) === G);
        return auroc(ix.map((i) => col[i]!), ix.map((i) => y[i]!));
      });
    };
    const ms = (v: number[]) => { const w = v.filter((x) => !Number.isNaN(x)); const m = w.reduce((a, b) => a + b, 0) / w.length; return `${f3(m)} ± ${f3(Math.sqrt(w.reduce((a, b) => a + (b - m) ** 2, 0) / w.length))} (${w.length} groups)`; };
    process.stdout.write(`${name.padEnd(18)} alone: pooled ${f3(auroc(col, y))}, within model ${ms(per((t) => t.model))}, within source ${ms(per((t) => t.source))}; rank corr. with log length ${f3(spearman(col, len))}\n`);
  }
}
