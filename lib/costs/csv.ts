/** The cost summary as CSV: one row per time bucket and group, the numbers the charts draw. */
import type { CostSummary } from "./types";

const COLUMNS = [
  "bucket_start_utc", "group_by", "key", "label", "requests", "reasoning_requests", "priced_requests", "unpriced_requests",
  "error_requests", "input_usd", "cache_usd", "output_usd", "thinking_usd", "server_tools_usd", "total_usd",
  "input_tokens", "cache_tokens", "output_tokens", "thinking_tokens",
] as const;

/**
 * Quotes a text cell when it needs it, and defuses spreadsheet formulas: a
 * route name is user text, and "=HYPERLINK(...)" must stay text in Excel.
 * A formula after a ";" or a tab is defused too: Excel splits a .csv on ";"
 * where that is the list separator (much of Europe), and a tab splits it in
 * an import that takes tabs, so "x;=cmd|' /C calc'!A0;y" was three cells
 * there, the middle one a formula. Quoting does not help: Excel honours a
 * quote only at the start of a field it has split.
 */
export function csvCell(value: string | number): string {
  if (typeof value === "number") return Number.isFinite(value) ? String(value) : "";
  let v = value;
  if (/^[=+\-@\t\r]/.test(v)) v = `'${v}`;
  v = v.replace(/([;\t])(?=[=+\-@])/g, "$1'");
  return /[",\n\r]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

/** Micro-dollars: finer than any bill, without float noise such as 0.30000000000000004. */
const usd = (n: number) => Math.round(n * 1e6) / 1e6;

export function summaryToCsv(s: CostSummary): string {
  const lines = [COLUMNS.join(",")];
  for (const p of s.series) {
    lines.push(
      [
        p.bucket, s.range.groupBy, p.key, p.label, p.requests, p.reasoning, p.priced, p.unpriced, p.errors,
        usd(p.costInput), usd(p.costCache), usd(p.costOutput), usd(p.costThinking), usd(p.costServerTools), usd(p.costTotal),
        p.inputTokens, p.cacheTokens, p.outputTokens, p.thinkingTokens,
      ].map(csvCell).join(","),
    );
  }
  return lines.join("\r\n") + "\r\n";
}
