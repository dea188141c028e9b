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
import type { CostSummary, GroupBy } from "@/lib/costs/types";
import { COST_RANGES, costControlsToApiQuery, costControlsToSearch, readCostControls, type CostControls } from "@/lib/costs/url";
import { RequestsChart, SpendByBucketChart, SpendByGroupChart } from "./Charts";

const GROUP_LABEL: Record<GroupBy, string> = { route: "route", model: "model", tier: "tier" };

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
      <Body query={query} controls={controls} />
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

function Body({ query, controls }: { query: ReturnType<typeof useQuery<CostSummary>>; controls: CostControls }) {
  const s = query.data;
  if (query.error && !s) {
    const err = query.error;
    return (
      <Card>
        <ErrorState
          title={isApiError(err) && err.status === 401 ? "Sign in or save a gateway key to see costs" : isApiError(err) && err.status === 400 ? "This range cannot be shown" : "Could not load costs"}
          error={err}
          onRetry={isApiError(err) && err.status === 400 ? undefined : () => void query.refetch()}
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
      <Card>
        <EmptyState
          title="No requests in this range"
          action={<Link href="/" className={buttonClasses("secondary", "sm")}>Send demo traffic</Link>}
        >
          Pick a longer range, or send traffic through the gateway (<code className="text-xs">npm run demo</code>).
        </EmptyState>
      </Card>
    );
  }
  return (
    <div className={cn("space-y-4 transition-opacity", query.isFetching && "opacity-70")} aria-busy={query.isFetching}>
      {query.error ? <p role="alert" className="text-sm text-red-700">Could not refresh: {query.error.message}. Showing the previous answer.</p> : null}
      <SummaryCards s={s} />
      <SpendCharts s={s} controls={controls} />
      <div className="grid grid-cols-1 gap-4 xl:grid-cols-2">
        <GroupTableCard s={s} />
        <RouteAverageCard s={s} />
      </div>
      <ProjectionCard s={s} />
      <TopRequestsCard s={s} />
    </div>
  );
}

function Stat({ label, value, detail, tone }: { label: string; value: ReactNode; detail?: ReactNode; tone?: "good" }) {
  return (
    <Card className="px-4 py-3">
      <p className="text-[11px] font-medium tracking-wide text-gray-500 uppercase">{label}</p>
      <p className={cn("mt-1 text-2xl font-semibold tracking-tight tabular-nums", tone === "good" ? "text-emerald-700" : "text-gray-900")}>{value}</p>
      {detail ? <p className="mt-0.5 text-xs text-gray-500">{detail}</p> : null}
    </Card>
  );
}

function SummaryCards({ s }: { s: CostSummary }) {
  const t = s.totals;
  return (
    <div className="grid grid-cols-2 gap-3 lg:grid-cols-4">
      <Stat
        label="Spend"
        value={formatUsd(toCents(t.costTotal))}
        detail={t.unpriced ? <span className="text-amber-700">+ {t.unpriced.toLocaleString("en-US")} unpriced request{t.unpriced === 1 ? "" : "s"} (cost unknown)</span> : `${t.priced.toLocaleString("en-US")} priced requests`}
      />
      <Stat label="Requests" value={t.requests.toLocaleString("en-US")} detail={`${formatShare(t.reasoningShare)} reasoned · ${t.errors.toLocaleString("en-US")} errors`} />
      <Stat label="Avg cost / request" value={formatUsd(t.avgCostPerRequest)} detail="over priced requests" />
      <Stat
        label="Saved vs always reasoning"
        value={formatUsd(toCents(t.savings))}
        tone={t.savings > 0 ? "good" : undefined}
        detail={t.counterfactualCount ? `reasoning everything would have cost ${formatUsd(toCents(t.counterfactualCost))}` : "no counterfactual priced yet"}
      />
    </div>
  );
}

function SpendCharts({ s, controls }: { s: CostSummary; controls: CostControls }) {
  const buckets = useMemo(() => prepareBucketSeries(s), [s]);
  const groups = useMemo(() => prepareGroupSeries(s), [s]);
  const requests = useMemo(() => buckets.map((b) => ({ ...b, standard: b.requests - b.reasoning })), [buckets]);
  const range = `${formatTimestamp(s.range.from).slice(0, 10)} to ${formatTimestamp(s.range.to).slice(0, 10)}, by ${controls.granularity}`;
  return (
    <>
      <div className="grid grid-cols-1 gap-4 xl:grid-cols-2">
        <Card>
          <CardHeader title="Spend by cost bucket" description={`Input, cache, output and thinking, ${range}.`} />
          <CardBody className="px-2 sm:px-4">
            <SpendByBucketChart data={buckets} label={`Spend per ${controls.granularity}, stacked by cost bucket`} />
          </CardBody>
        </Card>
        <Card>
          <CardHeader title={`Spend by ${GROUP_LABEL[s.range.groupBy]}`} description={`Priced requests only; unpriced ones are counted in the tables.`} />
          <CardBody className="px-2 sm:px-4">
            <SpendByGroupChart series={groups} label={`Spend per ${controls.granularity}, stacked by ${s.range.groupBy}`} />
          </CardBody>
        </Card>
      </div>
      <Card>
        <CardHeader title="Requests and the share that reasoned" description="Bars: requests per tier. Line: reasoning share." />
        <CardBody className="px-2 sm:px-4">
          <RequestsChart data={requests} label={`Requests per ${controls.granularity} by tier, with the reasoning share`} />
        </CardBody>
      </Card>
    </>
  );
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
              </TD>
              <TD align="right">{formatShare(r.share)}</TD>
            </TR>
          ))}
        </TBody>
      </Table>
    </Card>
  );
}

function RouteAverageCard({ s }: { s: CostSummary }) {
  const rows = useMemo(() => prepareGroupTable(s, s.routes, "route"), [s]);
  return (
    <Card>
      <CardHeader title="Average cost per request, by route" description="Total spend over priced requests." />
      <Table>
        <THead>
          <TR>
            <TH>Route</TH>
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
    </Card>
  );
}

function ProjectionCard({ s }: { s: CostSummary }) {
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
        description={`Requests per day × average cost per request × ${PROJECTION_DAYS}, per route. Edit a rate to see what a change in traffic would cost.`}
        actions={Object.keys(overrides).length ? <Button size="sm" variant="ghost" onClick={() => setOverrides({})}>Reset rates</Button> : null}
      />
      <Table>
        <THead>
          <TR>
            <TH>Route</TH>
            <TH align="right">Seen / day</TH>
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
            <th scope="row" colSpan={4} className="px-3 py-2 text-left font-medium">
              Total per month{p.unpricedRoutes ? <span className="font-normal text-amber-700"> (without {p.unpricedRoutes} unpriced route{p.unpricedRoutes === 1 ? "" : "s"})</span> : null}
            </th>
            <td className="px-3 py-2 text-right font-semibold tabular-nums">{formatUsd(toCents(p.monthly))}</td>
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
                <TD>{r.routeName ?? r.routeId ?? "—"}</TD>
                <TD className="hidden font-mono text-[11px] md:table-cell">{r.servedModel}</TD>
                <TD className="hidden max-w-80 lg:table-cell"><p className="truncate" title={r.promptPreview}>{r.promptPreview || "—"}</p></TD>
                <TD align="right" className="font-medium">{formatUsd(r.costTotal)}</TD>
                <TD align="right">{r.tier === "reasoning" ? <span className="text-gray-400">—</span> : formatUsd(r.counterfactualCost)}</TD>
              </TR>
            ))}
          </TBody>
        </Table>
      )}
    </Card>
  );
}
