"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useMemo, useState } from "react";
import { SelectField } from "@/components/form/Fields";
import { Badge } from "@/components/ui/Badge";
import { Card, CardBody, CardHeader } from "@/components/ui/Card";
import { EmptyState } from "@/components/ui/EmptyState";
import { ErrorState } from "@/components/ui/ErrorState";
import { Spinner } from "@/components/ui/Spinner";
import { Table, TBody, TD, TH, THead, TR } from "@/components/ui/Table";
import { apiFetch } from "@/lib/ui/api-client";
import { routeLabel } from "@/lib/traces/patterns";
import { patternsView, pct, scopeTraceFilters, type AssumptionView, type PatternsResponse } from "@/lib/traces/patterns-view";
import { filtersToSearch } from "@/lib/traces/url";
import type { TraceFacets } from "@/lib/traces/wire";
import { Untrusted } from "@/components/ui/Untrusted";

const WINDOWS = [
  { value: "7", label: "Last 7 days" },
  { value: "30", label: "Last 30 days" },
  { value: "1", label: "Last 24 hours" },
];

/**
 * /patterns: what recurs across thinking traces, per route and app: which
 * premises the model keeps assuming (so the prompt should state them), which
 * of those go with likely-wrong answers, and the traces behind each.
 */
export function PatternsView() {
  const [days, setDays] = useState("7");
  const [routeId, setRouteId] = useState("");
  const [app, setApp] = useState("");
  // Fixed per choice of window, so a refetch asks for the same range.
  const from = useMemo(() => new Date(Date.now() - Number(days) * 86_400_000).toISOString(), [days]);
  const facets = useQuery({ queryKey: ["traces", "facets"], queryFn: ({ signal }) => apiFetch<TraceFacets>("/api/traces/facets", { signal }), staleTime: 60_000 });
  const query = useQuery({
    queryKey: ["traces", "patterns", from, routeId, app],
    queryFn: ({ signal }) =>
      apiFetch<PatternsResponse>("/api/traces/patterns", { query: { from, ...(routeId ? { routeId } : {}), ...(app ? { app } : {}) }, signal }),
  });
  const view = useMemo(() => (query.data ? patternsView(query.data) : null), [query.data]);

  return (
    <div className="space-y-4">
      <div>
        <h1 className="text-xl font-semibold tracking-tight text-gray-900">Patterns</h1>
        <p className="mt-1 max-w-3xl text-sm text-gray-600">
          What recurs across thinking traces: premises the model keeps assuming (state them in the prompt), the ones that go with likely-wrong
          answers, and the traces behind each.
        </p>
      </div>
      <div className="flex flex-wrap items-end gap-2" role="group" aria-label="Which traces">
        <SelectField label="Window" className="min-w-40" value={days} onChange={(e) => setDays(e.target.value)} options={WINDOWS} />
        <SelectField
          label="Route"
          className="min-w-48"
          value={routeId}
          onChange={(e) => setRouteId(e.target.value)}
          options={[{ value: "", label: "All routes" }, ...(facets.data?.routes ?? []).map((r) => ({ value: r.id, label: r.name }))]}
        />
        <SelectField
          label="App"
          className="min-w-40"
          value={app}
          onChange={(e) => setApp(e.target.value)}
          options={[{ value: "", label: "All apps" }, ...(facets.data?.apps ?? []).map((a) => ({ value: a, label: a }))]}
        />
      </div>
      {query.error ? (
        <Card>
          <ErrorState title="Could not load the patterns" error={query.error} onRetry={() => void query.refetch()} />
        </Card>
      ) : !view || !query.data ? (
        <div className="flex items-center justify-center gap-2 py-16 text-sm text-gray-500">
          <Spinner label="Loading patterns" /> Analysing traces…
        </div>
      ) : query.data.analysed.traces === 0 ? (
        <Card>
          <EmptyState title="No thinking traces in this window">Patterns appear once requests with thinking text have been recorded.</EmptyState>
        </Card>
      ) : (
        <>
          <p className="text-xs text-gray-500">
            {query.data.analysed.traces.toLocaleString("en-US")} traces with thinking analysed
            {query.data.analysed.truncated ? ` (the most recent ${query.data.analysed.limit.toLocaleString("en-US")})` : ""}.
          </p>
          <ScopesCard view={view} range={query.data.window} />
          <AssumptionsCard title="Failure-prone assumptions" testId="failure-prone" rows={view.failureProne} empty="No assumption goes with clearly more likely-wrong answers than its route's average." />
          <AssumptionsCard title="Recurring assumptions" testId="recurring-assumptions" rows={view.assumptions} empty="No assumption recurs in two or more traces of a route." />
        </>
      )}
    </div>
  );
}

/** Each row links to its own traces (scopeTraceFilters). */
function ScopesCard({ view, range }: { view: NonNullable<ReturnType<typeof patternsView>>; range: PatternsResponse["window"] }) {
  return (
    <Card>
      <CardHeader title="Per route and app" description="How often the thinking hedges, and how likely the answers are wrong (mean failure score)." />
      <Table>
        <THead>
          <TR>
            <TH>Route</TH>
            <TH>App</TH>
            <TH align="right">Traces</TH>
            <TH align="right">Hedging</TH>
            <TH align="right" title="Mean probability that the answer is wrong">Likely wrong</TH>
            <TH>Traces</TH>
          </TR>
        </THead>
        <TBody>
          {view.scopes.map((s) => (
            <TR key={`${s.routeId}-${s.app}`}>
              <TD>{routeLabel(s.routeId, s.routeName)}</TD>
              <TD>{s.app ? <Untrusted text={s.app} /> : <span className="text-gray-400">—</span>}</TD>
              <TD align="right" className="tabular-nums">{s.traces}</TD>
              <TD align="right" className="tabular-nums">{pct(s.hedgeRate)}</TD>
              <TD align="right" className="tabular-nums">{pct(s.meanFailureScore)}</TD>
              <TD>
                <Link className="text-accent-700 hover:underline" href={`/traces${filtersToSearch(scopeTraceFilters(range, s))}`}>
                  Likely wrong first →
                </Link>
              </TD>
            </TR>
          ))}
        </TBody>
      </Table>
    </Card>
  );
}

function AssumptionsCard({ title, rows, empty, testId }: { title: string; rows: AssumptionView[]; empty: string; testId: string }) {
  return (
    <Card>
      <section aria-label={title} data-testid={testId}>
        <CardHeader title={title} description="Each with the prompt suggestion and the traces that make it." />
        {rows.length === 0 ? (
          <CardBody>
            <p className="text-sm text-gray-600">{empty}</p>
          </CardBody>
        ) : (
          <ul className="divide-y divide-gray-100">
            {rows.map((a) => (
              <li key={`${a.routeId}-${a.key}`} className="space-y-1 px-4 py-3">
                <p className="flex flex-wrap items-center gap-2">
                  <span className="font-medium text-gray-900">“{a.key}”</span>
                  <span className="text-xs text-gray-500">route {routeLabel(a.routeId, a.routeName)}</span>
                  {a.failureProne ? <Badge tone="warning">failure-prone</Badge> : null}
                </p>
                <p className="text-sm text-gray-700">{a.suggestion}</p>
                <p className="text-xs text-gray-500">
                  {a.traces} of {a.scopeTraces} traces ({pct(a.share)}) · likely wrong {pct(a.meanFailureScore)} vs {pct(a.routeFailureScore)} on the route
                  {a.variants.length ? ` · also phrased: ${a.variants.map((v) => `“${v}”`).join(", ")}` : ""}
                </p>
                <p className="flex flex-wrap gap-2 text-xs">
                  {a.examples.map((id) => (
                    <Link key={id} href={`/traces/${id}`} className="font-mono text-accent-700 hover:underline">
                      {id}
                    </Link>
                  ))}
                </p>
              </li>
            ))}
          </ul>
        )}
      </section>
    </Card>
  );
}
