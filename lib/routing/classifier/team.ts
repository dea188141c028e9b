/**
 * The team's labels (LabelledExample rows: the trace explorer, the playground,
 * successful escalations) as training rows, and their train/test split.
 *
 * - One row per prompt: the same prompt labelled twice (on two requests, or
 *   by a person and by an escalation) is one example. A person's label
 *   (trace, playground) wins over an escalation's; among equals, the most
 *   recently updated wins (the repository's "last word wins").
 * - The row id is a hash of the prompt, and the split is the shipped split
 *   rule on that id (splitOf: 30% test), so a prompt stays on the same side
 *   across runs, relabels and databases, and a prompt is never on both sides.
 * - A team prompt that is also a prompt of the shipped test split is kept out
 *   of training (put in the team test side), so it cannot leak into the
 *   shipped evaluation.
 * - All team rows share one source, TEAM_SOURCE, with the label's origin
 *   (trace / playground / escalation) as the category: balancedWeights then
 *   weighs them as a source of their own (a group of n rows weighs n^0.25,
 *   its origins sharing that by sqrt(size)), and the threshold calibration
 *   requires the recall target on them like on every other source.
 *
 * The text is the prompt as stored: the latest user turn, what the gateway's
 * classifier stage judges.
 */
import crypto from "node:crypto";
import { splitOf, type LabelledRow, type Split } from "./dataset";

export const TEAM_SOURCE = "team";

export type TeamOrigin = "trace" | "playground" | "escalation";

/** The fields of a stored labelled example the training uses. */
export interface TeamExample {
  id: string;
  prompt: string;
  label: "reasoning" | "standard";
  source: TeamOrigin | string;
  updatedAt: Date;
}

export interface TeamRows {
  rows: (LabelledRow & { split: Split })[];
  train: LabelledRow[];
  test: LabelledRow[];
  /** Examples read, examples skipped (empty prompt or unknown label), duplicates merged, prompts whose labels disagreed. */
  stats: { read: number; skipped: number; merged: number; conflicts: number; forcedToTest: number };
}

const isHuman = (source: string) => source !== "escalation";

/** The row id of a team prompt: stable for the same text. */
export function teamRowId(prompt: string): string {
  return `team:${crypto.createHash("sha256").update(prompt).digest("hex").slice(0, 16)}`;
}

export function teamRows(examples: readonly TeamExample[], shippedTestPrompts: ReadonlySet<string> = new Set()): TeamRows {
  let skipped = 0;
  const byPrompt = new Map<string, TeamExample[]>();
  for (const e of examples) {
    const prompt = e.prompt.trim();
    if (!prompt || (e.label !== "reasoning" && e.label !== "standard")) {
      skipped++;
      continue;
    }
    const list = byPrompt.get(prompt);
    if (list) list.push(e);
    else byPrompt.set(prompt, [e]);
  }
  let merged = 0;
  let conflicts = 0;
  let forcedToTest = 0;
  const rows: TeamRows["rows"] = [];
  for (const [prompt, list] of byPrompt) {
    merged += list.length - 1;
    if (new Set(list.map((e) => e.label)).size > 1) conflicts++;
    const winner = [...list].sort(
      (a, b) => Number(isHuman(b.source)) - Number(isHuman(a.source)) || b.updatedAt.getTime() - a.updatedAt.getTime() || a.id.localeCompare(b.id),
    )[0]!;
    const id = teamRowId(prompt);
    let split = splitOf(id);
    if (split === "train" && shippedTestPrompts.has(prompt)) {
      split = "test";
      forcedToTest++;
    }
    rows.push({ id, source: TEAM_SOURCE, category: String(winner.source), prompt, label: winner.label, label_confidence: "high", split });
  }
  // A stable order (training is order-sensitive only in floating-point sums, but keep runs identical).
  rows.sort((a, b) => a.id.localeCompare(b.id));
  return {
    rows,
    train: rows.filter((r) => r.split === "train"),
    test: rows.filter((r) => r.split === "test"),
    stats: { read: examples.length, skipped, merged, conflicts, forcedToTest },
  };
}
