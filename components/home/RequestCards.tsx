import Link from "next/link";
import type { ReactNode } from "react";
import { Badge, StatusDot } from "@/components/ui/Badge";
import { cn } from "@/lib/ui/cn";
import type { RequestRow } from "@/lib/ui/requests";
import { EscalatedBadge, ModelLabel } from "./RequestsTable";
import { Untrusted } from "@/components/ui/Untrusted";

/** Narrow screens: one card per request instead of a twelve-column table. */
export function RequestCards({ rows }: { rows: RequestRow[] }) {
  return (
    <ul className="divide-y divide-gray-100">
      {rows.map((r) => (
        <li key={r.id}>
          <Link
            href={r.href}
            // Twenty rows that change every 5 s: prefetching each trace would
            // cost more than the click it speeds up.
            prefetch={false}
            className="block px-4 py-3 transition-colors hover:bg-gray-50 focus-visible:bg-accent-50 focus-visible:outline-none"
          >
            <div className="flex items-center justify-between gap-2">
              <span className="flex min-w-0 flex-wrap items-center gap-1">
                <Badge tone={r.tier.tone}>{r.tier.label}</Badge>
                {r.escalated ? <EscalatedBadge /> : null}
                <span className="truncate text-xs text-gray-500">
                  {r.stage}
                  {r.route !== "—" ? <> · <Untrusted text={r.route} /></> : null}
                </span>
              </span>
              <span className="shrink-0 text-xs text-gray-500" title={r.timeTitle}>
                {r.time}
              </span>
            </div>
            {r.prompt ? <p className="mt-1.5 line-clamp-2 text-sm text-gray-800"><Untrusted text={r.prompt} /></p> : null}
            <p className="mt-1 truncate font-mono text-[11px]">
              <ModelLabel model={r.model} />
            </p>
            <dl className="mt-2 grid grid-cols-3 gap-2 text-xs tabular-nums sm:grid-cols-[minmax(0,1.7fr)_repeat(3,minmax(0,1fr))]">
              <Stat label="Tokens in / out / think" title={r.tokens.title} className="col-span-3 sm:col-span-1">
                {r.tokens.input} / {r.tokens.output} /{" "}
                <span className={cn(!r.tokens.hasThinking && "text-gray-400")}>{r.tokens.thinking}</span>
              </Stat>
              <Stat label="Cost" title={r.cost.title}>
                <span className={cn(r.cost.unpriced && "text-gray-500 italic")}>{r.cost.label}</span>
              </Stat>
              <Stat label="Latency">{r.latency}</Stat>
              <Stat label="Status" title={r.status.title}>
                <StatusDot tone={r.status.tone}>{r.status.label}</StatusDot>
              </Stat>
            </dl>
          </Link>
        </li>
      ))}
    </ul>
  );
}

function Stat({ label, title, className, children }: { label: string; title?: string; className?: string; children: ReactNode }) {
  return (
    <div className={cn("min-w-0", className)} title={title}>
      <dt className="text-[10px] tracking-wide text-gray-500 uppercase">{label}</dt>
      <dd className="truncate text-gray-800">{children}</dd>
    </div>
  );
}
