/**
 * The bench report: the machine it ran on and, for every figure, its values
 * over repeated runs summarised as median and spread. Written as JSON and as
 * a Markdown table to bench/results/ (git-ignored).
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { percentile } from "./load";

export interface Figure {
  name: string;
  unit: string;
  /** One value per run (or per sample, for the micro-benchmarks). */
  samples: number[];
  /** Which bench produced it: gateway, signals, router. */
  group?: string;
  note?: string;
}

export interface Summary {
  name: string;
  unit: string;
  group?: string;
  runs: number;
  median: number;
  min: number;
  max: number;
  p25: number;
  p75: number;
  /** What the Markdown "spread" column shows. */
  spread: "min–max" | "p25–p75";
  note?: string;
  samples: number[];
}

export interface Machine {
  cores: number;
  cpuModel: string;
  totalMemoryGiB: number;
  node: string;
  os: string;
  hostname: string;
}

export function describeMachine(): Machine {
  const cpus = os.cpus();
  return {
    cores: os.availableParallelism?.() ?? cpus.length,
    cpuModel: cpus[0]?.model.trim() ?? "unknown",
    totalMemoryGiB: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
    node: process.version,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    hostname: os.hostname(),
  };
}

export function machineLine(m: Machine): string {
  return `${m.cores} cores, ${m.cpuModel}, ${m.totalMemoryGiB} GiB RAM, Node ${m.node}, ${m.os}`;
}

export function summarize(f: Figure): Summary {
  const s = f.samples.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  return {
    name: f.name,
    unit: f.unit,
    group: f.group,
    runs: s.length,
    median: percentile(s, 0.5),
    min: s[0] ?? NaN,
    max: s[s.length - 1] ?? NaN,
    p25: percentile(s, 0.25),
    p75: percentile(s, 0.75),
    // Over a handful of runs the whole range is the honest spread; over many
    // samples (micro-benchmarks) the interquartile range is less noisy.
    spread: s.length >= 10 ? "p25–p75" : "min–max",
    note: f.note,
    samples: f.samples,
  };
}

export function fmt(v: number): string {
  if (!Number.isFinite(v)) return "n/a";
  const a = Math.abs(v);
  if (a === 0) return "0";
  if (Number.isInteger(v) && a >= 1) return String(v);
  if (a >= 1000) return v.toFixed(0);
  if (a >= 100) return v.toFixed(1);
  if (a >= 1) return v.toFixed(2);
  return v.toPrecision(3);
}

export function markdownTable(rows: Summary[]): string {
  const lines = ["| figure | unit | median | spread | runs |", "|---|---|---:|---|---:|"];
  for (const r of rows) {
    const spread = r.runs <= 1 ? "—" : r.spread === "min–max" ? `${fmt(r.min)}–${fmt(r.max)} (min–max)` : `${fmt(r.p25)}–${fmt(r.p75)} (p25–p75)`;
    lines.push(`| ${r.name} | ${r.unit} | ${fmt(r.median)} | ${spread} | ${r.runs} |`);
  }
  return lines.join("\n");
}

export interface Report {
  startedAt: string;
  finishedAt: string;
  durationS: number;
  command: string;
  machine: Machine;
  /** os.loadavg() (1, 5, 15 min) before and after: other work on the machine shows here. */
  loadAverage: { before: number[]; after: number[] };
  settings: Record<string, unknown>;
  figures: Summary[];
  notes: string[];
  /** Raw per-run details of the gateway bench (counts, errors, shutdown). */
  runs: unknown[];
}

export function renderMarkdown(r: Report): string {
  const parts = [
    `# thinkgate bench — ${r.startedAt}`,
    "",
    `Machine: ${machineLine(r.machine)}`,
    "",
    `Command: \`${r.command}\` — ${r.durationS.toFixed(0)} s; load average before ${r.loadAverage.before.map((v) => v.toFixed(2)).join(" / ")}, after ${r.loadAverage.after.map((v) => v.toFixed(2)).join(" / ")}`,
    "",
    markdownTable(r.figures),
  ];
  if (r.notes.length) parts.push("", "Notes:", "", ...r.notes.map((n) => `- ${n}`));
  return parts.join("\n") + "\n";
}

export function writeReport(r: Report, dir: string): { json: string; md: string } {
  fs.mkdirSync(dir, { recursive: true });
  const stamp = r.startedAt.replace(/[:.]/g, "-");
  const json = path.join(dir, `bench-${stamp}.json`);
  const md = path.join(dir, `bench-${stamp}.md`);
  const text = JSON.stringify(r, null, 2) + "\n";
  const mdText = renderMarkdown(r);
  fs.writeFileSync(json, text);
  fs.writeFileSync(md, mdText);
  fs.writeFileSync(path.join(dir, "latest.json"), text);
  fs.writeFileSync(path.join(dir, "latest.md"), mdText);
  return { json, md };
}
