"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useCallback, useMemo, useState, type ReactNode } from "react";
import { Segmented, SelectField, TextField } from "@/components/form/Fields";
import { Badge } from "@/components/ui/Badge";
import { Button, buttonClasses } from "@/components/ui/Button";
import { Card, CardBody, CardHeader } from "@/components/ui/Card";
import { EmptyState } from "@/components/ui/EmptyState";
import { ErrorState } from "@/components/ui/ErrorState";
import { Spinner } from "@/components/ui/Spinner";
import { Table, TBody, TD, TH, THead, TR } from "@/components/ui/Table";
import { apiFetch, isApiError } from "@/lib/ui/api-client";
import { cn } from "@/lib/ui/cn";
import { formatRelativeTime, formatTimestamp, formatUsd } from "@/lib/ui/format";
import { downloadFile } from "@/lib/ui/raw-fetch";
import { formatShare, prepareBucketSeries, prepareGroupSeries, prepareGroupTable, projectMonthly, PROJECTION_DAYS, toCents } from "@/lib/costs/prepare";
import { MIN_SAMPLES } from "@/lib/costs/estimate";
import type { CostSummary, GroupBy, TopRequest } from "@/lib/costs/types";
import { COST_RANGES, costControlsToApiQuery, costControlsToSearch, readCostControls, type CostControls } from "@/lib/costs/url";
import { RequestsChart, SpendByBucketChart, SpendByGroupChart } from "./Charts";
import { Untrusted } from "@/components/ui/Untrusted";
import { showBidiControls } from "@/lib/ui/bidi";

const GROUP_LABEL: Record<GroupBy, string> = { route: "route", model: "model", tier: "tier" };

const BASIS_SHORT: Record<TopRequest["reasoningBasis"], string> = {
  actual: "actual (reasoned)",
  cell: "measured (same size, task, app)",
  size: "measured (same prompt size)",
  all: "measured (all reasoning)",
  literature: "literature default",
  "not compared": "not compared (failed)",
  unpriced: "reasoning model unpriced",
};

/** /costs: spend over time by route, model or tier, what reasoning cost, what routing saved, and a projection. */
export function CostsDashboard() {
  const params = useSearchParams();
  const router = useRouter();
  const pathname = usePathname();
  const controls = useMemo(() => readCostControls(new URLSearchParams(params.toString())), [params]);
  const setControls = useCallback((c: CostControls) => router.replace(`${pathname}${costControlsToSearch(c)}`, { scroll: false }), [router, pathname]);
  const apiQuery = useMemo(() => costControlsToApiQuery(controls, Date.now()), [controls]);
  const query = useQuery({
    queryKey: ["costs", "summary", apiQuery],
    queryFn: ({ signal }) => apiFetch<CostSummary>("/api/costs/summary", { query: { ...apiQuery, top: 10 }, signal }),
    placeholderData: (prev) => prev,
  });
  const [exporting, setExporting] = useState<string | null>(null);

  async function exportCsv() {
    setExporting("Exporting…");
    try {
      await downloadFile(`/api/costs/export.csv?${new URLSearchParams(apiQuery).toString()}`, "thinkgate-costs.csv");
      setExporting(null);
    } catch (err) {
      setExporting(`Export failed: ${(err as Error).message}`);
    }
  }

  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-end justify-between gap-3">
        <div>
          <h1 className="text-xl font-semibold tracking-tight text-gray-900">Costs</h1>
          <p className="mt-1 max-w-3xl text-sm text-gray-600">
            What the gateway spent, in exclusive buckets (input, cache, output, thinking), and what routing saved against sending everything to the reasoning route. Times are UTC.
          </p>
        </div>
        <div className="flex items-center gap-2">
          {exporting ? <span className="text-xs text-gray-500" aria-live="polite">{exporting}</span> : null}
          <Button onClick={() => void exportCsv()} disabled={exporting === "Exporting…"}>
            Export CSV
          </Button>
        </div>
      </div>
      <Card className="p-4">
        <Controls controls={controls} onChange={setControls} />
      </Card>
      <Body query={query} controls={controls} onChange={setControls} />
    </div>
  );
}

function Controls({ controls, onChange }: { controls: CostControls; onChange: (c: CostControls) => void }) {
  return (
    <div className="flex flex-wrap items-end gap-3">
      <SelectField
        label="Date range"
        className="w-44"
        value={controls.range}
        onChange={(e) => {
          const v = e.target.value;
          const preset = COST_RANGES.find((r) => r.value === v);
          onChange(preset ? { range: v, granularity: preset.granularity, groupBy: controls.groupBy } : { ...controls, range: "custom" });
        }}
        options={[...COST_RANGES.map((r) => ({ value: r.value, label: r.label })), { value: "custom", label: "Custom dates" }]}
      />
      {controls.range === "custom" ? (
        <>
          <TextField label="From" type="date" className="w-40" value={controls.from ?? ""} onChange={(e) => onChange({ ...controls, from: e.target.value || undefined })} />
          <TextField label="To (included)" type="date" className="w-40" value={controls.to ?? ""} onChange={(e) => onChange({ ...controls, to: e.target.value || undefined })} />
        </>
      ) : null}
      <Segmented
        label="Granularity"
        value={controls.granularity}
        onChange={(granularity) => onChange({ ...controls, granularity })}
        options={[
          { value: "auto", label: "Auto" },
          { value: "hour", label: "Hour" },
          { value: "day", label: "Day" },
          { value: "week", label: "Week" },
        ]}
      />
      <Segmented
        label="Group by"
        value={controls.groupBy}
        onChange={(groupBy) => onChange({ ...controls, groupBy })}
        options={[
          { value: "route", label: "Route" },
          { value: "model", label: "Model" },
          { value: "tier", label: "Tier" },
        ]}
      />
    </div>
  );
}

function Body({ query, controls, onChange }: { query: ReturnType<typeof useQuery<CostSummary>>; controls: CostControls; onChange: (c: CostControls) => void }) {
  const s = query.data;
  if (query.error && !s) {
    const err = query.error;
    return (
      <Card>
        <ErrorState
          title={isApiError(err) && err.status === 401 ? "Sign in or save a gateway key to see costs" : isApiError(err) && err.status === 400 ? "This range cannot be shown" : "Could not load costs"}
          error={err}
          onRetry={() => void query.refetch()}
        >
          {isApiError(err) && err.isAuthError ? <Link href="/#gateway-key" className="text-accent-700 underline underline-offset-2">Save a gateway key</Link> : null}
        </ErrorState>
      </Card>
    );
  }
  if (!s) {
    return (
      <Card>
        <div className="flex items-center justify-center gap-2 py-16 text-sm text-gray-500">
          <Spinner label="Loading costs" /> Loading costs…
        </div>
      </Card>
    );
  }
  if (s.totals.requests === 0) {
    return (
      <div className="space-y-4">
        <Card>
          <EmptyState
            title="No requests in this range"
            action={<Link href="/" className={buttonClasses("secondary", "sm")}>Send demo traffic</Link>}
          >
            Pick a longer range, or send traffic through the gateway (<code className="text-xs">npm run demo</code>).
          </EmptyState>
        </Card>
        {/* The projection does not depend on the range: recent traffic outside it still has a month to show. */}
        {s.projection.basis.dayCount > 0 ? <ProjectionCard s={s} controls={controls} onChange={onChange} /> : null}
      </div>
    );
  }
  return (
    <div className={cn("space-y-4 transition-opacity", query.isFetching && "opacity-70")} aria-busy={query.isFetching}>
      {query.error ? <p role="alert" className="text-sm text-red-700">Could not refresh: {query.error.message}. Showing the previous answer.</p> : null}
      <SummaryCards s={s} />
      <SpendCharts s={s} />
      <div className="grid grid-cols-1 gap-4 xl:grid-cols-2">
        <GroupTableCard s={s} />
        <AverageCard s={s} />
      </div>
      <ProjectionCard s={s} controls={controls} onChange={onChange} />
      <TopRequestsCard s={s} />
    </div>
  );
}

/** A headline figure with what it counts and what it leaves out, where it stands. */
function Stat({ label, value, detail, note, tone }: { label: string; value: ReactNode; detail?: ReactNode; note: ReactNode; tone?: "good" }) {
  return (
    <Card className="px-4 py-3">
      <section aria-label={label}>
        <p className="text-[11px] font-medium tracking-wide text-gray-500 uppercase">{label}</p>
        <p className={cn("mt-1 text-2xl font-semibold tracking-tight tabular-nums", tone === "good" ? "text-emerald-700" : "text-gray-900")}>{value}</p>
        {detail ? <div className="mt-0.5 text-xs text-gray-600">{detail}</div> : null}
        <p className="mt-2 border-t border-gray-100 pt-1.5 text-[11px] leading-snug text-gray-500">{note}</p>
      </section>
    </Card>
  );
}

const count = (n: number, one: string, many = `${one}s`) => `${n.toLocaleString("en-US")} ${n === 1 ? one : many}`;
const tokens = (n: number | null) => (n === null ? "—" : Math.round(n).toLocaleString("en-US"));

function SummaryCards({ s }: { s: CostSummary }) {
  const t = s.totals;
  const v = s.savings;
  const p = s.projection;
  const literature = v.byBasis.literature;
  const measured = v.compared - literature;
  return (
    <div className="grid grid-cols-1 gap-3 sm:grid-cols-2 xl:grid-cols-5">
      <Stat
        label="Spend"
        value={formatUsd(toCents(t.costTotal))}
        detail={
          <>
            <span className="block">{count(t.priced, "priced request")}</span>
            {t.unpriced ? <span className="block text-amber-700">+ {count(t.unpriced, "unpriced request")} (cost unknown)</span> : null}
            {t.notBilled ? <span className="block">+ {count(t.notBilled, "failed request")}: $0, not billed</span> : null}
          </>
        }
        note="What the priced requests were billed: input, cache, output and thinking, every escalation, retry and fallback call included. Leaves out unpriced requests (no price for their model: unknown, never counted as $0); requests that failed before any upstream call cost nothing."
      />
      <Stat
        label="Requests"
        value={t.requests.toLocaleString("en-US")}
        detail={`${formatShare(t.reasoningShare)} reasoned · ${count(t.errors, "error")}`}
        note="Every request that presented a valid key in the range, failed ones included."
      />
      <Stat
        label="Avg cost / request"
        value={formatUsd(t.avgCostPerRequest)}
        detail="over priced requests"
        note="Spend ÷ priced requests. Leaves out unpriced requests and requests that failed before any upstream call."
      />
      <Stat
        label="Saved vs always reasoning"
        value={formatUsd(toCents(v.savings))}
        tone={v.savings > 0 ? "good" : undefined}
        detail={
          v.compared ? (
            <>
              <span className="block">95% interval {formatUsd(toCents(v.low))} to {formatUsd(toCents(v.high))}</span>
              <span className="block">reasoning them would have cost {formatUsd(toCents(v.counterfactual))}, routing paid {formatUsd(toCents(v.actual))}</span>
            </>
          ) : (
            "no complete standard request to compare"
          )
        }
        note={
          <>
            Over {count(v.compared, "complete standard request")}, priced as if {v.reasoningRoute ? `the route “${v.reasoningRoute}”` : "the reasoning route"} had answered.{" "}
            {measured > 0 ? `${count(measured, "request")} estimated from ${count(v.measured.requests, "measured reasoning request")} (mean ${tokens(v.measured.meanThinking)} thinking + ${tokens(v.measured.meanOutput)} output tokens). ` : ""}
            {literature > 0 ? `${count(literature, "request")} on the literature default (${v.thinkingTier} tier, ${LITERATURE_TEXT[v.thinkingTier] ?? "typical"} thinking tokens): fewer than ${MIN_SAMPLES} measured reasoning requests. ` : ""}
            Leaves out requests that reasoned (their cost is what reasoning cost), failed or cut-short answers, calibration and playground traffic.
          </>
        }
      />
      <Stat
        label="Per month at recent traffic"
        value={formatUsd(toCents(p.monthly))}
        detail={p.basis.dayCount > 0 ? projectionBasisText(p) : "no traffic in the last 7 days"}
        note={
          <>
            Spend per day over the recent days that had traffic × {PROJECTION_DAYS}; the same whatever range is shown.{" "}
            {p.basis.includeOneOff
              ? `Includes ${count(p.basis.oneOff.requests, "calibration or playground request")}.`
              : p.basis.oneOff.requests
                ? `Leaves out ${count(p.basis.oneOff.requests, "calibration or playground request")} (${formatUsd(toCents(p.basis.oneOff.cost))}): one-off traffic.`
                : "Leaves out calibration and playground traffic."}
            {p.unpricedPerDay ? ` Unpriced requests (${p.unpricedPerDay.toLocaleString("en-US", { maximumFractionDigits: 1 })}/day) are not in it.` : ""}
          </>
        }
      />
    </div>
  );
}

const LITERATURE_TEXT: Record<string, string> = { simple: "2,500 (2,000–4,000)", complex: "9,000 (8,000–16,000)", maximum: "20,000 (16,000–32,000)" };

function projectionBasisText(p: CostSummary["projection"]): string {
  const b = p.basis;
  const past = b.days.length - (b.todayHours === null ? 0 : 1);
  const parts = [past ? count(past, "day") : null, b.todayHours !== null ? `${b.todayHours} h of today` : null].filter(Boolean);
  return `from ${parts.join(" and ")} with traffic in the last 7 days (${count(b.requests, "request")}, ${formatUsd(toCents(b.cost))})`;
}

function SpendCharts({ s }: { s: CostSummary }) {
  const buckets = useMemo(() => prepareBucketSeries(s), [s]);
  const groups = useMemo(() => prepareGroupSeries(s), [s]);
  const requests = useMemo(() => buckets.map((b) => ({ ...b, standard: b.requests - b.reasoning })), [buckets]);
  const granularity = s.range.granularity;
  const range = `${formatTimestamp(s.range.from).slice(0, 10)} to ${formatTimestamp(s.range.to).slice(0, 10)}, by ${granularity}`;
  return (
    <>
      {s.range.hourlyFirstDays ? (
        <p role="note" className="rounded-md bg-sky-50 px-3 py-2 text-xs text-sky-900 ring-1 ring-sky-200">
          Hourly: less than two days of data (first request {s.range.dataSince ? formatTimestamp(s.range.dataSince) : "—"}), so the charts start at the first request&apos;s hour.
        </p>
      ) : null}
      <div className="grid grid-cols-1 gap-4 xl:grid-cols-2">
        <Card>
          <CardHeader title="Spend by cost bucket" description={`Input, cache, output and thinking, ${range}. Priced requests only.`} />
          <CardBody className="px-2 sm:px-4">
            <SpendByBucketChart data={buckets} label={`Spend per ${granularity}, stacked by cost bucket`} />
          </CardBody>
        </Card>
        <Card>
          <CardHeader title={`Spend by ${GROUP_LABEL[s.range.groupBy]}`} description={`Priced requests only; unpriced ones are counted in the tables.`} />
          <CardBody className="px-2 sm:px-4">
            <SpendByGroupChart series={groups} label={`Spend per ${granularity}, stacked by ${s.range.groupBy}`} />
          </CardBody>
        </Card>
      </div>
      <Card>
        <CardHeader title="Requests and the share that reasoned" description="Bars: requests per tier, failed ones included. Line: reasoning share." />
        <CardBody className="px-2 sm:px-4">
          <RequestsChart data={requests} label={`Requests per ${granularity} by tier, with the reasoning share`} />
        </CardBody>
      </Card>
    </>
  );
}

/** What a table's money leaves out, under it. */
function TableNote({ children }: { children: ReactNode }) {
  return <p className="border-t border-gray-100 px-4 py-2 text-[11px] leading-snug text-gray-500">{children}</p>;
}

function GroupTableCard({ s }: { s: CostSummary }) {
  const rows = useMemo(() => prepareGroupTable(s), [s]);
  const g = GROUP_LABEL[s.range.groupBy];
  return (
    <Card>
      <CardHeader title={`By ${g}`} description="Spend over the range, its share, and how much of each reasoned." />
      <Table>
        <THead>
          <TR>
            <TH className="capitalize">{g}</TH>
            <TH align="right">Requests</TH>
            <TH align="right">Reasoned</TH>
            <TH align="right">Spend</TH>
            <TH align="right">Share</TH>
          </TR>
        </THead>
        <TBody>
          {rows.map((r) => (
            <TR key={r.key}>
              <TD>
                <span className="inline-flex items-center gap-2">
                  <span aria-hidden className="size-2.5 shrink-0 rounded-sm" style={{ background: r.color }} />
                  <span className="truncate">{r.label}</span>
                </span>
              </TD>
              <TD align="right">{r.requests.toLocaleString("en-US")}</TD>
              <TD align="right">{formatShare(r.reasoningShare)}</TD>
              <TD align="right">
                {formatUsd(toCents(r.costTotal))}
                {r.unpriced ? <span className="block text-[11px] text-amber-700">+{r.unpriced} unpriced</span> : null}
                {r.notBilled ? <span className="block text-[11px] text-gray-500">{r.notBilled} not billed</span> : null}
              </TD>
              <TD align="right">{formatShare(r.share)}</TD>
            </TR>
          ))}
        </TBody>
      </Table>
      <TableNote>
        Spend counts priced requests. Unpriced: no price for the model, cost unknown (not $0). Not billed: failed before any upstream call, $0.
        {s.notServed.requests ? ` Not listed: ${count(s.notServed.requests, "request")} for model ids never served (${s.notServed.keys.join(", ")}), all failed before any upstream call.` : ""}
      </TableNote>
    </Card>
  );
}

function AverageCard({ s }: { s: CostSummary }) {
  const rows = useMemo(() => prepareGroupTable(s), [s]);
  const g = GROUP_LABEL[s.range.groupBy];
  return (
    <Card>
      <CardHeader title={`Average cost per request, by ${g}`} description="Spend ÷ priced requests." />
      <Table>
        <THead>
          <TR>
            <TH className="capitalize">{g}</TH>
            <TH align="right">Priced</TH>
            <TH align="right">Avg / request</TH>
            <TH align="right">Spend</TH>
          </TR>
        </THead>
        <TBody>
          {rows.map((r) => (
            <TR key={r.key}>
              <TD>{r.label}</TD>
              <TD align="right">
                {r.priced.toLocaleString("en-US")}
                {r.unpriced ? <span className="block text-[11px] text-amber-700">+{r.unpriced} unpriced</span> : null}
              </TD>
              <TD align="right" className={cn(r.avgCostPerRequest === null && "text-gray-500 italic")}>{formatUsd(r.avgCostPerRequest)}</TD>
              <TD align="right">{formatUsd(toCents(r.costTotal))}</TD>
            </TR>
          ))}
        </TBody>
      </Table>
      <TableNote>Leaves out unpriced requests (cost unknown) and requests that failed before any upstream call ($0, not billed): the average is over what was billed.</TableNote>
    </Card>
  );
}

function ProjectionCard({ s, controls, onChange }: { s: CostSummary; controls: CostControls; onChange: (c: CostControls) => void }) {
  const [overrides, setOverrides] = useState<Record<string, string>>({});
  const numeric = useMemo(
    () => Object.fromEntries(Object.entries(overrides).filter(([, v]) => v.trim() !== "").map(([k, v]) => [k, Number(v)])),
    [overrides],
  );
  const p = useMemo(() => projectMonthly(s.projection, numeric), [s, numeric]);
  return (
    <Card>
      <CardHeader
        title="Monthly projection"
        description={`What a month costs at recent traffic: spend per day over the recent days that had traffic × ${PROJECTION_DAYS}, per ${GROUP_LABEL[s.range.groupBy]}. It does not depend on the range above. Edit a rate to see what a change in traffic would cost.`}
        actions={Object.keys(overrides).length ? <Button size="sm" variant="ghost" onClick={() => setOverrides({})}>Reset rates</Button> : null}
      />
      <div className="flex flex-wrap items-center justify-between gap-2 border-b border-gray-100 px-4 py-2 text-xs text-gray-600">
        <span>{s.projection.basis.dayCount > 0 ? `Basis: ${projectionBasisText(s.projection)}.` : "No traffic in the last 7 days."}</span>
        <label className="inline-flex items-center gap-1.5">
          <input type="checkbox" checked={!!controls.oneOff} onChange={(e) => onChange({ ...controls, oneOff: e.target.checked || undefined })} />
          Include calibration and playground traffic
        </label>
      </div>
      <Table>
        <THead>
          <TR>
            <TH className="capitalize">{GROUP_LABEL[s.range.groupBy]}</TH>
            <TH align="right" title="Requests per day over the basis days">Seen / day</TH>
            <TH align="right">Requests / day</TH>
            <TH align="right">Avg / request</TH>
            <TH align="right">Per month</TH>
          </TR>
        </THead>
        <TBody>
          {p.rows.map((r) => (
            <TR key={r.key}>
              <TD>{r.label}</TD>
              <TD align="right">{r.observedPerDay.toLocaleString("en-US", { maximumFractionDigits: 1 })}</TD>
              <TD align="right">
                <label className="sr-only" htmlFor={`rate-${r.key}`}>Requests per day for {r.label}</label>
                <input
                  id={`rate-${r.key}`}
                  type="number"
                  inputMode="decimal"
                  min={0}
                  step="any"
                  value={overrides[r.key] ?? String(Math.round(r.observedPerDay * 10) / 10)}
                  onChange={(e) => setOverrides((o) => ({ ...o, [r.key]: e.target.value }))}
                  className={cn(
                    "h-7 w-24 rounded-md border-0 bg-white px-2 text-right text-xs tabular-nums shadow-xs ring-1 ring-inset focus:ring-2 focus:ring-accent-600 focus:outline-none",
                    r.edited ? "ring-accent-300" : "ring-gray-300",
                  )}
                />
              </TD>
              <TD align="right" className={cn(r.avgCostPerRequest === null && "text-gray-500 italic")}>{formatUsd(r.avgCostPerRequest)}</TD>
              <TD align="right" className={cn("font-medium", r.monthly === null && "font-normal text-gray-500 italic")}>{formatUsd(r.monthly === null ? null : toCents(r.monthly))}</TD>
            </TR>
          ))}
        </TBody>
        <tfoot>
          <tr className="border-t border-gray-300 text-xs">
            <th scope="row" colSpan={4} className="px-3 py-2 text-left font-medium" id="projection-total">
              Total per month{p.unpricedRoutes ? <span className="font-normal text-amber-700"> (without {p.unpricedRoutes} unpriced route{p.unpricedRoutes === 1 ? "" : "s"})</span> : null}
            </th>
            <td className="px-3 py-2 text-right font-semibold tabular-nums" aria-labelledby="projection-total" data-testid="projection-total">{formatUsd(toCents(p.monthly))}</td>
          </tr>
        </tfoot>
      </Table>
    </Card>
  );
}

function TopRequestsCard({ s }: { s: CostSummary }) {
  const now = Date.now();
  return (
    <Card>
      <CardHeader title="Most expensive requests" description="The priced requests that cost the most in this range." />
      {s.top.length === 0 ? (
        <EmptyState title="No priced requests in this range" />
      ) : (
        <Table>
          <THead>
            <TR>
              <TH>Time</TH>
              <TH>Tier</TH>
              <TH>Route</TH>
              <TH className="hidden md:table-cell">Model</TH>
              <TH className="hidden lg:table-cell">Prompt</TH>
              <TH align="right">Cost</TH>
              <TH align="right" title="What the reasoning route would have cost">Reasoning would cost</TH>
            </TR>
          </THead>
          <TBody>
            {s.top.map((r) => (
              <TR key={r.id}>
                <TD className="whitespace-nowrap">
                  <Link href={`/traces/${encodeURIComponent(r.id)}`} prefetch={false} title={formatTimestamp(r.createdAt)} className="text-accent-700 hover:underline">
                    {formatRelativeTime(r.createdAt, now)}
                  </Link>
                </TD>
                <TD><Badge tone={r.tier === "reasoning" ? "reasoning" : "standard"}>{r.tier}</Badge></TD>
                <TD><Untrusted text={r.routeName ?? r.routeId ?? "—"} /></TD>
                <TD className="hidden font-mono text-[11px] md:table-cell">{r.servedModel}</TD>
                <TD className="hidden max-w-80 lg:table-cell"><p className="truncate" title={showBidiControls(r.promptPreview)}>{r.promptPreview ? <Untrusted text={r.promptPreview} /> : "—"}</p></TD>
                <TD align="right" className="font-medium">{formatUsd(r.costTotal)}</TD>
                <TD align="right">
                  {formatUsd(r.reasoningWouldCost)}
                  <span className="block text-[11px] text-gray-500">{BASIS_SHORT[r.reasoningBasis]}</span>
                </TD>
              </TR>
            ))}
          </TBody>
        </Table>
      )}
      <TableNote>
        Reasoning would cost: for a request that reasoned, what it cost; for a complete standard answer, the estimate the savings use (measured or literature default);
        for a failed or cut-short answer, what it cost (nothing to compare).
      </TableNote>
    </Card>
  );
}
