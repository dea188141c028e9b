/**
 * Plain-text tables and per-group metrics for the training and eval scripts.
 */
import { confusionAt, type ConfusionAt, type ScoredItem } from "./calibrate";

/** Short display names for the known sources (the shipped files); unknown sources keep their full name. */
export function sourceName(source: string): string {
  const known: [RegExp, string][] = [
    [/grade-school-math|gsm8k/i, "gsm8k"],
    [/BIG-Bench-Hard|bbh/i, "bbh"],
    [/arena-hard/i, "arena-hard"],
    [/vicuna/i, "vicuna"],
    [/dolly/i, "dolly"],
    [/thinkgate\/own-cases/i, "own-cases"],
    [/alpaca/i, "alpaca"],
  ];
  for (const [re, name] of known) if (re.test(source)) return name;
  return source;
}

export const pct = (x: number, digits = 1) => (Number.isFinite(x) ? `${(100 * x).toFixed(digits)}%` : "-");
export const num = (x: number, digits = 3) => (Number.isFinite(x) ? x.toFixed(digits) : "-");
export const usd = (x: number) => `$${x.toFixed(2)}`;

/** Renders rows as an aligned table; numbers-looking cells are right-aligned. */
export function table(header: string[], rows: (string | number)[][]): string {
  const cells = [header, ...rows.map((r) => r.map(String))];
  const widths = header.map((_, c) => Math.max(...cells.map((r) => (r[c] ?? "").length)));
  const numeric = (s: string) => /^[-+$]?[\d.,]+(%|pp)?$|^-$/.test(s);
  const line = (r: string[]) =>
    r.map((cell, c) => (c > 0 && numeric(cell) ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!))).join("  ").trimEnd();
  return [line(header), widths.map((w) => "-".repeat(w)).join("  "), ...cells.slice(1).map(line)].join("\n");
}

export interface GroupedItem extends ScoredItem {
  group: string;
}

export interface GroupRow {
  group: string;
  n: number;
  reasoning: number;
  standard: number;
  c: ConfusionAt;
}

export function byGroup(items: readonly GroupedItem[], threshold: number): GroupRow[] {
  const groups = new Map<string, GroupedItem[]>();
  for (const it of items) {
    const g = groups.get(it.group);
    if (g) g.push(it);
    else groups.set(it.group, [it]);
  }
  return [...groups.entries()]
    .sort((a, b) => a[0].localeCompare(b[0]))
    .map(([group, its]) => ({
      group,
      n: its.length,
      reasoning: its.filter((i) => i.label === "reasoning").length,
      standard: its.filter((i) => i.label === "standard").length,
      c: confusionAt(its, threshold),
    }));
}

/** The per-source figure: recall >= 0.90 (if the group has reasoning rows) and standard->reasoning <= 10% (if it has standard rows). */
export function figureCheck(r: GroupRow, minRecall = 0.9, maxFpr = 0.1): string {
  const okR = r.reasoning === 0 || r.c.recall >= minRecall;
  const okF = r.standard === 0 || r.c.fpr <= maxFpr;
  return okR && okF ? "ok" : `FAIL${okR ? "" : " recall"}${okF ? "" : " fpr"}`;
}

export function groupTable(rows: GroupRow[], withCheck = true): string {
  return table(
    ["group", "n", "reas", "std", "recall", "std->reas", "share", "precision", "F1", "acc", ...(withCheck ? ["figure"] : [])],
    rows.map((r) => [
      r.group,
      r.n,
      r.reasoning,
      r.standard,
      pct(r.c.recall),
      pct(r.c.fpr),
      pct(r.c.share),
      pct(r.c.precision),
      num(r.c.f1),
      pct(r.c.accuracy),
      ...(withCheck ? [figureCheck(r)] : []),
    ]),
  );
}

/** Area under the ROC curve (ties count half); NaN without both classes. */
export function auc(items: readonly ScoredItem[]): number {
  const sorted = [...items].sort((a, b) => a.score - b.score);
  let rankSumPos = 0;
  let nPos = 0;
  let i = 0;
  while (i < sorted.length) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1]!.score === sorted[i]!.score) j++;
    const avgRank = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) {
      if (sorted[k]!.label === "reasoning") {
        rankSumPos += avgRank;
        nPos++;
      }
    }
    i = j + 1;
  }
  const nNeg = sorted.length - nPos;
  if (nPos === 0 || nNeg === 0) return Number.NaN;
  return (rankSumPos - (nPos * (nPos + 1)) / 2) / (nPos * nNeg);
}
