"use client";

import Link from "next/link";
import { useRowLink } from "@/components/hooks/useRowLink";
import type { ReactNode } from "react";
import { EscalatedBadge, ModelLabel } from "@/components/home/RequestsTable";
import { Badge, StatusDot } from "@/components/ui/Badge";
import { Table, TBody, TD, TH, THead, TR } from "@/components/ui/Table";
import { cn } from "@/lib/ui/cn";
import type { RequestRow } from "@/lib/ui/requests";
import { Untrusted } from "@/components/ui/Untrusted";
import { showBidiControls } from "@/lib/ui/bidi";

/** A request row plus what the explorer adds: how much the trace hedged. */
export interface TraceRowView extends RequestRow {
  hedging: { label: string; title: string; level: "none" | "some" | "many" | "unknown" };
  failure: { label: string; title: string; level: "low" | "medium" | "high" | "unknown" };
}

/** "42%" with a level: the explorer's failure-score column. */
export function failureOf(score: number | null): TraceRowView["failure"] {
  if (score === null) return { label: "—", title: "No failure score: no thinking text to read", level: "unknown" };
  const pct = Math.round(score * 100);
  return {
    label: `${pct}%`,
    title: `${pct}% likely wrong, judged from the signals in the thinking (open the trace for why)`,
    level: score >= 0.5 ? "high" : score >= 0.3 ? "medium" : "low",
  };
}

function FailureCell({ f }: { f: TraceRowView["failure"] }) {
  return (
    <span
      title={f.title}
      className={cn(
        "tabular-nums",
        f.level === "unknown" && "text-gray-400",
        f.level === "low" && "text-gray-600",
        f.level === "medium" && "font-medium text-amber-800",
        f.level === "high" && "font-medium text-red-700",
      )}
    >
      {f.label}
    </span>
  );
}

/** "3 hedges" with a level: the explorer's hedging indicator. */
export function hedgingOf(hedgeCount: number | null): TraceRowView["hedging"] {
  if (hedgeCount === null) return { label: "—", title: "No thinking or answer text to read", level: "unknown" };
  if (hedgeCount === 0) return { label: "0", title: "No hedges found in the thinking or the answer", level: "none" };
  return {
    label: `${hedgeCount}`,
    title: `${hedgeCount} hedge${hedgeCount === 1 ? "" : "s"} (I think, maybe, probably, …) in the thinking and the answer`,
    level: hedgeCount >= 5 ? "many" : "some",
  };
}

function HedgingCell({ h }: { h: TraceRowView["hedging"] }) {
  if (h.level === "unknown" || h.level === "none") return <span className="text-gray-400" title={h.title}>{h.label}</span>;
  return (
    <span
      title={h.title}
      className={cn(
        "inline-flex min-w-6 items-center justify-center rounded px-1.5 text-[11px] leading-4 font-medium ring-1 ring-inset",
        h.level === "many" ? "bg-amber-100 text-amber-900 ring-amber-300" : "bg-amber-50 text-amber-800 ring-amber-200",
      )}
    >
      {h.label}
      <span className="sr-only"> hedges</span>
    </span>
  );
}

/** Wide screens: one request per row; the row opens the trace. */
export function TraceTable({ rows }: { rows: TraceRowView[] }) {
  // The time cell holds the row's real link; a click anywhere else on the row follows it too.
  const onRowClick = useRowLink();
  return (
    <Table>
      <THead>
        <TR>
          <TH>Time</TH>
          <TH>Tier</TH>
          <TH>Stage</TH>
          <TH>Route</TH>
          <TH>Model</TH>
          <TH className="hidden xl:table-cell">Prompt</TH>
          <TH align="right" title="Input tokens">In</TH>
          <TH align="right" title="Output tokens (without thinking)">Out</TH>
          <TH align="right" title="Thinking tokens">Think</TH>
          <TH align="right">Cost</TH>
          <TH align="right">Latency</TH>
          <TH>Status</TH>
          <TH align="right" title="Hedges in the thinking and the answer">Hedges</TH>
          <TH align="right" title="Probability that the answer is wrong, from the thinking's signals">Wrong?</TH>
        </TR>
      </THead>
      <TBody>
        {rows.map((r) => (
          <TR key={r.id} onClick={(e) => onRowClick(e, r.href)} className="cursor-pointer transition-colors hover:bg-gray-50 has-[a:focus-visible]:bg-accent-50">
            <TD className="whitespace-nowrap">
              <Link href={r.href} prefetch={false} title={r.timeTitle} className="text-gray-900 outline-none hover:underline">
                {r.time}
                <span className="sr-only">, open trace</span>
              </Link>
            </TD>
            <TD>
              <span className="flex flex-wrap gap-1">
                <Badge tone={r.tier.tone}>{r.tier.label}</Badge>
                {r.escalated ? <EscalatedBadge /> : null}
              </span>
            </TD>
            <TD className="whitespace-nowrap">{r.stage}</TD>
            {/* A table cell does not clip its own text: the name truncates in a block inside, as the prompt does.
                Below 1280 px the prompt column is hidden, so this one takes the room the others leave
                (max-w-0 with w-full) and carries the app and task the prompt cell shows there: at
                1024 px the fixed 9 rem width left the table 28 px wider than its card. */}
            <TD className="w-full max-w-0 xl:w-auto xl:max-w-36">
              <p className="truncate" title={showBidiControls(r.route)}><Untrusted text={r.route} /></p>
              {r.context ? <p className="truncate text-[11px] text-gray-500 xl:hidden" title={showBidiControls(r.context)}><Untrusted text={r.context} /></p> : null}
            </TD>
            <TD className="font-mono text-[11px]"><ModelLabel model={r.model} /></TD>
            {/* The prompt takes the room the other columns leave (max-w-0 with w-full) and truncates
                in it, so the table fits its card at 1280 px whatever the routes and models are called. */}
            <TD className="hidden w-full max-w-0 xl:table-cell">
              <p className="truncate text-gray-800" title={showBidiControls(r.prompt)}>{r.prompt ? <Untrusted text={r.prompt} /> : <span className="text-gray-400">—</span>}</p>
              {r.context ? <p className="truncate text-[11px] text-gray-500" title={showBidiControls(r.context)}><Untrusted text={r.context} /></p> : null}
            </TD>
            <TD align="right" title={r.tokens.title}>{r.tokens.input}</TD>
            <TD align="right" title={r.tokens.title}>{r.tokens.output}</TD>
            <TD align="right" title={r.tokens.title} className={cn(!r.tokens.hasThinking && "text-gray-400")}>{r.tokens.thinking}</TD>
            <TD align="right" title={r.cost.title} className={cn("whitespace-nowrap", r.cost.unpriced && "text-gray-500 italic")}>{r.cost.label}</TD>
            <TD align="right" className="whitespace-nowrap">{r.latency}</TD>
            <TD className="whitespace-nowrap"><StatusDot tone={r.status.tone} title={r.status.title}>{r.status.label}</StatusDot></TD>
            <TD align="right"><HedgingCell h={r.hedging} /></TD>
            <TD align="right"><FailureCell f={r.failure} /></TD>
          </TR>
        ))}
      </TBody>
    </Table>
  );
}

/** Narrow screens: one card per request. */
export function TraceCards({ rows }: { rows: TraceRowView[] }) {
  return (
    <ul className="divide-y divide-gray-100">
      {rows.map((r) => (
        <li key={r.id}>
          <Link href={r.href} prefetch={false} className="block px-4 py-3 transition-colors hover:bg-gray-50 focus-visible:bg-accent-50 focus-visible:outline-none">
            <div className="flex items-center justify-between gap-2">
              <span className="flex min-w-0 flex-wrap items-center gap-1">
                <Badge tone={r.tier.tone}>{r.tier.label}</Badge>
                {r.escalated ? <EscalatedBadge /> : null}
                <span className="truncate text-xs text-gray-500">
                  {r.stage}
                  {r.route !== "—" ? <> · <Untrusted text={r.route} /></> : null}
                </span>
              </span>
              <span className="shrink-0 text-xs text-gray-500" title={r.timeTitle}>{r.time}</span>
            </div>
            {r.prompt ? <p className="mt-1.5 line-clamp-2 text-sm text-gray-800"><Untrusted text={r.prompt} /></p> : null}
            <p className="mt-1 truncate font-mono text-[11px]"><ModelLabel model={r.model} /></p>
            <dl className="mt-2 grid grid-cols-5 gap-2 text-xs tabular-nums">
              <Stat label="Cost" title={r.cost.title}><span className={cn(r.cost.unpriced && "text-gray-500 italic")}>{r.cost.label}</span></Stat>
              <Stat label="Latency">{r.latency}</Stat>
              <Stat label="Status" title={r.status.title}><StatusDot tone={r.status.tone}>{r.status.label}</StatusDot></Stat>
              <Stat label="Hedges" title={r.hedging.title}><HedgingCell h={r.hedging} /></Stat>
              <Stat label="Wrong?" title={r.failure.title}><FailureCell f={r.failure} /></Stat>
            </dl>
          </Link>
        </li>
      ))}
    </ul>
  );
}

function Stat({ label, title, children }: { label: string; title?: string; children: ReactNode }) {
  return (
    <div className="min-w-0" title={title}>
      <dt className="text-[10px] tracking-wide text-gray-500 uppercase">{label}</dt>
      <dd className="truncate text-gray-800">{children}</dd>
    </div>
  );
}
