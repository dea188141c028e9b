/**
 * Copies a deterministic sample of ../shared/data/router_v2 into the shipped
 * data folder (lib/routing/classifier/data/v2), so that a clone can train and
 * evaluate the router without ../shared. Licenses and sample sizes are in
 * data/LICENSES.md.
 *
 *   npx tsx scripts/import-router-data.ts [../shared/data/router_v2]
 *
 * Rows are chosen by a hash of their id (stable when the source files change
 * order), at most `perCategory` per source category, and only the meta fields
 * the training and evaluation code read are kept (the rest stays in the source
 * files, linked by id). Prompts are copied verbatim.
 */
import fs from "node:fs";
import path from "node:path";
import { fnv1a } from "../lib/routing/classifier/features";
import { SHIPPED_DATA_DIR } from "../lib/routing/classifier/dataset";

interface Raw {
  id: string;
  source: string;
  category: string;
  prompt: string;
  label: string;
  label_confidence: string;
  meta?: Record<string, unknown>;
}

interface Plan {
  file: string;
  /** Rows kept per category (the source's own category field). */
  perCategory: number;
  /** Meta fields kept. */
  meta: string[];
}

const PLANS: Plan[] = [
  { file: "llmrouter_dcrouter_train.jsonl", perCategory: 110, meta: ["task_name", "scores"] },
  { file: "routellm_mmlu_dev.jsonl", perCategory: 28, meta: ["subject", "weak_correct", "strong_correct"] },
  { file: "folio_train.jsonl", perCategory: 220, meta: ["gold"] },
  { file: "awesome_chatgpt_prompts_roleplay.jsonl", perCategory: 1, meta: ["technical_role"] },
  { file: "anthropic_persona_opinions.jsonl", perCategory: 6, meta: ["file"] },
  { file: "zeroeval_math_l5.jsonl", perCategory: 220, meta: [] },
  { file: "zeroeval_cruxeval.jsonl", perCategory: 220, meta: [] },
];

const from = process.argv[2] ?? path.join(process.cwd(), "..", "shared", "data", "router_v2");
const to = path.join(SHIPPED_DATA_DIR, "v2");
fs.mkdirSync(to, { recursive: true });

for (const plan of PLANS) {
  const rows = fs
    .readFileSync(path.join(from, plan.file), "utf8")
    .split("\n")
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as Raw);
  const byCategory = new Map<string, Raw[]>();
  for (const r of rows) {
    const list = byCategory.get(r.category) ?? [];
    list.push(r);
    byCategory.set(r.category, list);
  }
  const kept: Raw[] = [];
  for (const list of byCategory.values()) {
    const sorted = [...list].sort((a, b) => fnv1a("thinkgate-router-sample-v2:" + a.id) - fnv1a("thinkgate-router-sample-v2:" + b.id));
    kept.push(...sorted.slice(0, plan.perCategory));
  }
  // Output in the source file's order.
  const keep = new Set(kept.map((r) => r.id));
  const out = rows
    .filter((r) => keep.has(r.id))
    .map((r) => {
      const meta: Record<string, unknown> = {};
      for (const k of plan.meta) if (r.meta && k in r.meta) meta[k] = r.meta[k];
      return JSON.stringify({ id: r.id, source: r.source, category: r.category, prompt: r.prompt, label: r.label, label_confidence: r.label_confidence, meta });
    });
  fs.writeFileSync(path.join(to, plan.file), out.join("\n") + "\n");
  process.stdout.write(`${plan.file}: ${out.length} of ${rows.length} rows\n`);
}
