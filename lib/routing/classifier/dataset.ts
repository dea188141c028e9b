/**
 * Labelled prompt files (the JSONL format of ../shared/data and of data/ here)
 * and the fixed train/test split. Node-only (reads files): used by the
 * training and eval scripts and by tests, never on the request path.
 */
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { fnv1a } from "./features";

export interface LabelledRow {
  id: string;
  source: string;
  category: string;
  prompt: string;
  label: "reasoning" | "standard" | null;
  label_confidence: "high" | "low" | null;
  meta?: unknown;
}

export type Split = "train" | "test";

/** Shipped training/eval data (licenses in data/LICENSES.md). */
export const SHIPPED_DATA_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), "data");
/** The shipped files: data/*.jsonl, then the sample of router_v2 in data/v2 (scripts/import-router-data.ts). */
export const SHIPPED_DATA_DIRS = [SHIPPED_DATA_DIR, path.join(SHIPPED_DATA_DIR, "v2")];

/** Share of rows held out for testing. */
export const TEST_PERCENT = 30;
const SPLIT_SALT = "thinkgate-router-split-v1:";

/**
 * The fixed split: a row is a test row when FNV-1a("thinkgate-router-split-v1:" + id)
 * mod 100 < 30. It depends on the id only, so it is stable when files are
 * reordered or rows are added.
 */
export function splitOf(id: string): Split {
  return fnv1a(SPLIT_SALT + id) % 100 < TEST_PERCENT ? "test" : "train";
}

export function readJsonl(file: string): LabelledRow[] {
  const out: LabelledRow[] = [];
  const lines = fs.readFileSync(file, "utf8").split("\n");
  lines.forEach((line, i) => {
    if (!line.trim()) return;
    let r: Partial<LabelledRow>;
    try {
      r = JSON.parse(line) as Partial<LabelledRow>;
    } catch {
      throw new Error(`${file}:${i + 1}: not JSON`);
    }
    if (typeof r.prompt !== "string") throw new Error(`${file}:${i + 1}: missing "prompt"`);
    const label = r.label === "reasoning" || r.label === "standard" ? r.label : null;
    out.push({
      id: typeof r.id === "string" ? r.id : `${path.basename(file)}:${i + 1}`,
      source: typeof r.source === "string" ? r.source : path.basename(file, ".jsonl"),
      category: typeof r.category === "string" ? r.category : "(none)",
      prompt: r.prompt,
      label,
      label_confidence: r.label_confidence === "high" || r.label_confidence === "low" ? r.label_confidence : null,
      meta: r.meta,
    });
  });
  return out;
}

/** Expands files and directories (their *.jsonl, sorted) into JSONL paths. */
export function expandInputs(inputs: readonly string[]): string[] {
  const files: string[] = [];
  for (const p of inputs) {
    const st = fs.statSync(p);
    if (st.isDirectory()) {
      for (const f of fs.readdirSync(p).filter((f) => f.endsWith(".jsonl")).sort()) files.push(path.join(p, f));
    } else files.push(p);
  }
  return files;
}

/** Rows of the given files/directories whose label is not null. */
export function loadLabelled(inputs: readonly string[]): LabelledRow[] {
  return expandInputs(inputs)
    .flatMap(readJsonl)
    .filter((r) => r.label !== null);
}

/** The shipped labelled data, in a stable order (file name, then line). */
export function loadShipped(): LabelledRow[] {
  return loadLabelled(SHIPPED_DATA_DIRS);
}

/**
 * The benchmark family a row comes from: the unit that leave-one-source-out
 * evaluation holds out. The same benchmark reached through two collections
 * (GSM8K in the shipped file and in LLMRouter's mix, MMLU in RouteLLM's and
 * LLMRouter's, MATH in LLMRouter's and ZeroEval's) is one family, so a
 * left-out benchmark is never seen through another door. LLMRouter's mix is
 * split into its benchmarks (its task_name).
 */
export function familyOf(row: Pick<LabelledRow, "source" | "category">): string {
  const s = row.source;
  const c = row.category;
  if (/LLMRouter/i.test(s)) {
    const task = c.split("|")[0]!;
    if (task === "gsm8k" || task === "agentverse-mgsm") return "gsm8k";
    if (task === "math") return "math";
    if (task === "agentverse-logicgrid") return "logic-grid";
    return task.replace(/_/g, "-");
  }
  if (/RouteLLM/i.test(s)) return /gsm8k/i.test(s) ? "gsm8k" : "mmlu";
  if (/math-l5/i.test(s)) return "math";
  if (/crux/i.test(s)) return "cruxeval";
  if (/FOLIO/i.test(s)) return "folio";
  if (/awesome-chatgpt-prompts/i.test(s)) return "roleplay";
  if (/anthropics\/evals/i.test(s)) return "persona";
  if (/grade-school-math|gsm8k/i.test(s)) return "gsm8k";
  if (/BIG-Bench-Hard|bbh/i.test(s)) return "bbh";
  if (/arena-hard/i.test(s)) return "arena-hard";
  if (/vicuna/i.test(s)) return "vicuna";
  if (/dolly/i.test(s)) return "dolly";
  if (/thinkgate\/own-cases/i.test(s)) return "own-cases";
  return s;
}

/**
 * The subject of an MMLU row, where the source records it (RouteLLM's files:
 * meta.subject); null otherwise (LLMRouter's MMLU rows have none, and other
 * families are not split by subject). The unit that the by-subject outcome
 * evaluation holds out.
 */
export function subjectOf(row: Pick<LabelledRow, "source" | "category" | "meta">): string | null {
  if (familyOf(row) !== "mmlu") return null;
  const m = row.meta as Record<string, unknown> | undefined;
  return m && typeof m.subject === "string" && m.subject !== "" ? m.subject : null;
}

/** Outcomes of a weak and a strong model on a prompt, when the source has them. */
export interface Outcome {
  weak: number;
  strong: number;
}

/**
 * LLMRouter's pairing: its strongest model on this mix against two 7B
 * generalists (not the RAG-tuned ChatQA models, whose failures are mostly
 * format failures). The weak side is right when either 7B model is.
 */
const LLMROUTER_STRONG = "llama-3.1-nemotron-51b-instruct";
const LLMROUTER_WEAK = ["mistral-7b-instruct-v0.3", "qwen2.5-7b-instruct"];

export function outcomeOf(row: Pick<LabelledRow, "meta">): Outcome | null {
  const m = row.meta as Record<string, unknown> | undefined;
  if (!m) return null;
  if (typeof m.weak_correct === "boolean" && typeof m.strong_correct === "boolean") {
    return { weak: m.weak_correct ? 1 : 0, strong: m.strong_correct ? 1 : 0 };
  }
  const scores = m.scores as Record<string, unknown> | undefined;
  if (scores && typeof scores[LLMROUTER_STRONG] === "number" && LLMROUTER_WEAK.every((k) => typeof scores[k] === "number")) {
    return { weak: Math.max(...LLMROUTER_WEAK.map((k) => scores[k] as number)), strong: scores[LLMROUTER_STRONG] as number };
  }
  return null;
}

/**
 * Which outcome makes an outcome-labelled row a reasoning row: "strong-only"
 * (the strong model right and the weak one wrong: a stronger configuration
 * changed the answer), or "weak-wrong" (the weak model wrong, whatever the
 * strong one did: the condition without which a strong call cannot help).
 */
export type OutcomeTarget = "strong-only" | "weak-wrong";

/** Whether a row's label comes from its outcomes (RouteLLM's MMLU, whose category label is a placeholder). */
export function labelFromOutcome(row: LabelledRow): boolean {
  return row.label !== null && /RouteLLM/i.test(row.source) && familyOf(row) === "mmlu" && outcomeOf(row) !== null;
}

/**
 * The label a row is trained with. Category labels say what a source
 * usually holds; where a source records outcomes and its category label is a
 * placeholder (RouteLLM's MMLU, labelled standard/low for every row), the
 * outcome decides: by default reasoning when the strong model is right and
 * the weak one wrong (a stronger configuration changed the answer), standard
 * otherwise. The evaluation always judges by that default.
 */
export function trainingLabel(row: LabelledRow, target: OutcomeTarget = "strong-only"): { label: "reasoning" | "standard"; confidence: "high" | "low" } | null {
  if (row.label === null) return null;
  if (labelFromOutcome(row)) {
    const o = outcomeOf(row)!;
    const reasoning = target === "weak-wrong" ? o.weak < 1 : o.strong > o.weak;
    return { label: reasoning ? "reasoning" : "standard", confidence: "low" };
  }
  return { label: row.label, confidence: row.label_confidence ?? "high" };
}
