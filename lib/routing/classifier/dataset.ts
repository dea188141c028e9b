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
  return loadLabelled([SHIPPED_DATA_DIR]);
}
