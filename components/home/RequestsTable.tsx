"use client";

import Link from "next/link";
import { useRowLink } from "@/components/hooks/useRowLink";
import { Badge, StatusDot } from "@/components/ui/Badge";
import { Table, TBody, TD, TH, THead, TR } from "@/components/ui/Table";
import { cn } from "@/lib/ui/cn";
import type { RequestRow } from "@/lib/ui/requests";
import { Untrusted } from "@/components/ui/Untrusted";
import { showBidiControls } from "@/lib/ui/bidi";

/** Wide screens: one request per row; the whole row opens the trace. Draws prepared rows only. */
export function RequestsTable({ rows }: { rows: RequestRow[] }) {
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
          <TH align="right" title="Input tokens">
            In
          </TH>
          <TH align="right" title="Output tokens">
            Out
          </TH>
          <TH align="right" title="Thinking tokens">
            Think
          </TH>
          <TH align="right">Cost</TH>
          <TH align="right">Latency</TH>
          <TH>Status</TH>
        </TR>
      </THead>
      <TBody>
        {rows.map((r) => (
          <TR
            key={r.id}
            onClick={(e) => onRowClick(e, r.href)}
            className="cursor-pointer transition-colors hover:bg-gray-50 has-[a:focus-visible]:bg-accent-50"
          >
            <TD className="whitespace-nowrap">
              <Link
                href={r.href}
                prefetch={false}
                title={r.timeTitle}
                className="text-gray-900 outline-none hover:underline"
              >
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
            <TD className="max-w-40 truncate" title={showBidiControls(r.route)}>
              <Untrusted text={r.route} />
            </TD>
            <TD className="font-mono text-[11px]">
              <ModelLabel model={r.model} />
            </TD>
            <TD className="hidden max-w-72 xl:table-cell">
              <p className="truncate text-gray-800" title={showBidiControls(r.prompt)}>
                {r.prompt ? <Untrusted text={r.prompt} /> : <span className="text-gray-400">—</span>}
              </p>
              {r.context ? <p className="truncate text-[11px] text-gray-500"><Untrusted text={r.context} /></p> : null}
            </TD>
            <TD align="right" title={r.tokens.title}>
              {r.tokens.input}
            </TD>
            <TD align="right" title={r.tokens.title}>
              {r.tokens.output}
            </TD>
            <TD align="right" title={r.tokens.title} className={cn(!r.tokens.hasThinking && "text-gray-400")}>
              {r.tokens.thinking}
            </TD>
            <TD align="right" title={r.cost.title} className={cn("whitespace-nowrap", r.cost.unpriced && "text-gray-500 italic")}>
              {r.cost.label}
            </TD>
            <TD align="right" className="whitespace-nowrap">
              {r.latency}
            </TD>
            <TD className="whitespace-nowrap">
              <StatusDot tone={r.status.tone} title={r.status.title}>
                {r.status.label}
              </StatusDot>
            </TD>
          </TR>
        ))}
      </TBody>
    </Table>
  );
}

export function ModelLabel({ model }: { model: RequestRow["model"] }) {
  if (!model.changed) return <span className="whitespace-nowrap text-gray-900">{model.served}</span>;
  return (
    <span title={`Requested ${model.requested}, served by ${model.served}`}>
      <span className="whitespace-nowrap text-gray-500">{model.requested}</span>{" "}
      <span aria-label="served by" className="text-gray-400">
        →
      </span>{" "}
      <span className="whitespace-nowrap text-gray-900">{model.served}</span>
    </span>
  );
}

export function EscalatedBadge() {
  return (
    <Badge tone="neutral" title="Answered by the standard route first, then escalated to reasoning">
      ↑ escalated
    </Badge>
  );
}
