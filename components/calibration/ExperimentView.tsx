"use client";

import Link from "next/link";
import { useState } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Badge } from "@/components/ui/Badge";
import { Button } from "@/components/ui/Button";
import { Card, CardBody, CardHeader } from "@/components/ui/Card";
import { ErrorState } from "@/components/ui/ErrorState";
import { Field, FormMessage, Select } from "@/components/ui/Form";
import { Table, TBody, TD, TH, THead, TR } from "@/components/ui/Table";
import { Untrusted } from "@/components/ui/Untrusted";
import { hasRole, ROUTE_EDITOR } from "@/lib/auth/roles";
import { sameModel } from "@/lib/models/catalog";
import { apiFetch } from "@/lib/ui/api-client";
import { showBidiControls } from "@/lib/ui/bidi";
import { formatDuration, formatTimestamp, formatUsd } from "@/lib/ui/format";
import { QualityChart } from "./QualityChart";
import type { ExperimentDetail, Role, RouteWindow } from "./types";

const pct = (x: number) => `${(x * 100).toFixed(1)} %`;

export function ExperimentView({ id, role }: { id: string; role: Role }) {
  const canRun = role === "editor" || role === "admin";
  // The id comes from the address, decoded: encoded again, a link's "../../keys" stays one segment instead of
  // sending this page's reads, and its POSTs with the CSRF header, to another endpoint.
  const path = `/api/calibration/experiments/${encodeURIComponent(id)}`;
  const qc = useQueryClient();
  const key = ["calibration", "experiment", id];
  const q = useQuery({
    queryKey: key,
    queryFn: ({ signal }) => apiFetch<ExperimentDetail>(path, { signal }),
    // Live progress while it runs.
    refetchInterval: (query) => {
      const s = query.state.data?.experiment.status;
      return s === "running" || s === "queued" ? 1_000 : false;
    },
  });
  const action = useMutation({
    mutationFn: (what: "cancel" | "resume") => apiFetch<ExperimentDetail>(`${path}/${what}`, { method: "POST" }),
    onSuccess: (d) => qc.setQueryData(key, d),
  });

  if (q.isError) return <ErrorState title="Could not load the experiment" error={q.error} onRetry={() => void q.refetch()} />;
  if (!q.data) return <p className="text-sm text-gray-500">Loading…</p>;
  const d = q.data;
  const e = d.experiment;
  const label = new Map(d.configs.map((c) => [c.key, c.label]));
  const finished = d.progress.done + d.progress.failed;
  const active = e.status === "running" || e.status === "queued";

  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-start justify-between gap-3">
        <div>
          <p className="text-xs text-gray-500">
            <Link href="/calibration" className="hover:underline">
              Calibration lab
            </Link>{" "}
            / {d.set?.name ?? "deleted set"}
          </p>
          <h1 className="text-xl font-semibold tracking-tight text-gray-900"><Untrusted text={e.name} /></h1>
          <p className="mt-1 text-sm text-gray-600">
            Grader: {d.grader.text} · tolerance {pct(e.tolerance)} · {e.concurrency} concurrent calls · {d.records} gateway records (app “calibration”) · spent{" "}
            {formatUsd(d.totalCostUsd)}
            {d.judgeCostUsd ? ` (judge ${formatUsd(d.judgeCostUsd)})` : ""}
          </p>
        </div>
        <div className="flex items-center gap-2">
          <Badge tone={e.status === "done" ? "success" : active ? "reasoning" : "warning"}>{e.status}</Badge>
          {canRun && active ? (
            <Button size="sm" onClick={() => action.mutate("cancel")} disabled={action.isPending}>
              Cancel
            </Button>
          ) : null}
          {canRun && (e.status === "cancelled" || (e.status === "done" && d.progress.failed > 0)) ? (
            <Button size="sm" onClick={() => action.mutate("resume")} disabled={action.isPending}>
              {e.status === "cancelled" ? "Resume" : "Retry failed calls"}
            </Button>
          ) : null}
        </div>
      </div>

      <div>
        <div className="h-2 w-full overflow-hidden rounded bg-gray-100" role="progressbar" aria-valuemin={0} aria-valuemax={d.progress.total} aria-valuenow={finished}>
          <div className="h-full bg-accent-600 transition-all" style={{ width: `${d.progress.total ? (finished / d.progress.total) * 100 : 0}%` }} />
        </div>
        <p className="mt-1 text-xs text-gray-600">
          {finished} of {d.progress.total} calls finished · {d.progress.running} running · {d.progress.failed} failed
        </p>
      </div>

      {d.knee ? (
        <Card>
          <CardHeader title="Recommendation" description="Best = highest accuracy. Recommended = the cheapest configuration whose accuracy is within the tolerance of the best." />
          <CardBody className="space-y-1 text-sm text-gray-800">
            {d.knee.explanation.map((line) => (
              <p key={line}>{line}</p>
            ))}
            <p className="pt-1 text-xs text-gray-500">
              Extra budget “stops paying” at the first step along the cost frontier whose accuracy gain is smaller than the tolerance, or whose 95 % interval
              reaches down to the cheaper configuration’s accuracy (the gain cannot be told from noise).
              {active ? " Results so far: they change until the experiment finishes." : ""}
            </p>
          </CardBody>
        </Card>
      ) : null}

      <Card>
        <CardHeader title="Accuracy against cost" description="Mean cost per request; bars are 95 % Wilson intervals; the ringed point is the recommendation." />
        <CardBody>{d.chart.length ? <QualityChart series={d.chart} /> : <p className="text-sm text-gray-500">No graded calls yet.</p>}</CardBody>
      </Card>

      <Card>
        <CardHeader title="Results per configuration" />
        <CardBody className="p-0">
          <Table>
            <THead>
              <TR>
                <TH>Configuration</TH>
                <TH align="right">Graded</TH>
                <TH align="right">Accuracy</TH>
                <TH align="right">95 % interval</TH>
                <TH align="right">Mean cost</TH>
                <TH align="right">p95 cost</TH>
                <TH align="right">Thinking (mean / p95)</TH>
                <TH align="right">Latency (mean / p95)</TH>
                <TH align="right">Failed</TH>
              </TR>
            </THead>
            <TBody>
              {d.stats.map((s) => (
                <TR key={s.key}>
                  <TD>
                    {label.get(s.key)}
                    {d.knee?.recommended === s.key ? <Badge tone="success" className="ml-2">recommended</Badge> : null}
                    {d.knee?.best === s.key && d.knee.recommended !== s.key ? <Badge className="ml-2">best</Badge> : null}
                  </TD>
                  <TD align="right">{s.n}</TD>
                  <TD align="right">{s.n ? pct(s.accuracy) : "—"}</TD>
                  <TD align="right">{s.n ? `${pct(s.ci[0])} – ${pct(s.ci[1])}` : "—"}</TD>
                  <TD align="right">{formatUsd(s.meanCost)}</TD>
                  <TD align="right">{formatUsd(s.p95Cost)}</TD>
                  <TD align="right">
                    {s.meanThinking.toLocaleString("en-US")} / {s.p95Thinking.toLocaleString("en-US")}
                  </TD>
                  <TD align="right">
                    {formatDuration(s.meanLatencyMs)} / {formatDuration(s.p95LatencyMs)}
                  </TD>
                  <TD align="right">{s.failed}</TD>
                </TR>
              ))}
            </TBody>
          </Table>
        </CardBody>
      </Card>

      {d.categories.length > 1 ? (
        <Card>
          <CardHeader title="Accuracy by category" />
          <CardBody className="p-0">
            <Table>
              <THead>
                <TR>
                  <TH>Category</TH>
                  {d.stats.map((s) => (
                    <TH key={s.key} align="right">
                      {label.get(s.key)}
                    </TH>
                  ))}
                </TR>
              </THead>
              <TBody>
                {d.categories.map((c) => (
                  <TR key={c.category}>
                    <TD>{c.category}</TD>
                    {c.stats.map((s) => (
                      <TD key={s.key} align="right">
                        {s.n ? `${pct(s.accuracy)} (${s.n})` : "—"}
                      </TD>
                    ))}
                  </TR>
                ))}
              </TBody>
            </Table>
          </CardBody>
        </Card>
      ) : null}

      <ApplyPanel detail={d} canApply={hasRole(role, ROUTE_EDITOR)} onApplied={() => void qc.invalidateQueries({ queryKey: key })} />
    </div>
  );
}

/** Applying changes a route, so it takes the role that edits routes (lib/auth/roles.ts), as the API does. */
function ApplyPanel({ detail, canApply, onApplied }: { detail: ExperimentDetail; canApply: boolean; onApplied: () => void }) {
  const e = detail.experiment;
  const recommended = detail.configs.find((c) => c.key === detail.knee?.recommended);
  const routes = useQuery({
    queryKey: ["routes"],
    queryFn: ({ signal }) => apiFetch<{ data: { id: string; name: string; model: string }[] }>("/api/routes", { signal }),
    enabled: canApply && !!recommended,
  });
  const [routeId, setRouteId] = useState("");
  const apply = useMutation({
    mutationFn: () => apiFetch<{ note: string; ruleVersion: number }>(`/api/calibration/experiments/${encodeURIComponent(e.id)}/apply`, { body: { routeId } }),
    onSuccess: onApplied,
  });
  // A route may name the model by its alias (claude-haiku-4-5) where the experiment used the dated id, or the other way round.
  const fitting = (routes.data?.data ?? []).filter((r) => recommended && sameModel(r.model, recommended.config.model));

  return (
    <Card>
      <CardHeader
        title="Apply to a route"
        description="Sets only the route's thinking (off, budget or effort) to the recommended configuration, as a new rule version linked to this experiment. The route must serve the same model."
      />
      <CardBody className="space-y-3 text-sm">
        {e.appliedAt && e.appliedChange ? (
          <p>
            Applied {formatTimestamp(e.appliedAt)} to route <span className="font-mono">{e.appliedRouteId}</span> (rule version {e.appliedRuleVersion}): {e.appliedChange.note}
          </p>
        ) : null}
        {canApply && recommended && e.status === "done" ? (
          <div className="flex flex-wrap items-end gap-3">
            <Field label={`Route serving ${recommended.config.model}`}>
              {(p) => (
                <Select {...p} value={routeId} onChange={(ev) => setRouteId(ev.target.value)}>
                  <option value="">Choose a route…</option>
                  {fitting.map((r) => (
                    <option key={r.id} value={r.id}>
                      {showBidiControls(r.name)} ({r.id})
                    </option>
                  ))}
                </Select>
              )}
            </Field>
            <Button variant="primary" disabled={!routeId || apply.isPending} onClick={() => apply.mutate()}>
              Apply {recommended.label}
            </Button>
            {routes.data && fitting.length === 0 ? <p className="text-xs text-gray-500">No route serves {recommended.config.model}; create one under Settings first.</p> : null}
          </div>
        ) : null}
        {!canApply && recommended && e.status === "done" ? <p className="text-xs text-gray-500">Applying changes a route&apos;s settings, which takes the {ROUTE_EDITOR} role.</p> : null}
        {apply.isError ? <FormMessage tone="error">{(apply.error as Error).message}</FormMessage> : null}
        {detail.beforeAfter ? <BeforeAfter data={detail.beforeAfter} /> : null}
      </CardBody>
    </Card>
  );
}

function BeforeAfter({ data }: { data: NonNullable<ExperimentDetail["beforeAfter"]> }) {
  const row = (name: string, w: RouteWindow) => (
    <TR>
      <TD>{name}</TD>
      <TD align="right">{w.requests}</TD>
      <TD align="right">{formatUsd(w.costPerRequest)}</TD>
      <TD align="right">{w.escalationRate === null ? "—" : pct(w.escalationRate)}</TD>
    </TR>
  );
  return (
    <div>
      <h3 className="mb-1 text-sm font-semibold text-gray-900">
        Route <span className="font-mono">{data.routeId}</span>, {data.days} days before and after the apply
      </h3>
      <Table>
        <THead>
          <TR>
            <TH>Window</TH>
            <TH align="right">Requests</TH>
            <TH align="right">Cost per request</TH>
            <TH align="right">Escalated</TH>
          </TR>
        </THead>
        <TBody>
          {row("Before", data.before)}
          {row("After", data.after)}
        </TBody>
      </Table>
      <p className="mt-1 text-xs text-gray-500">Requests served by the route, calibration calls excluded; escalated = the share whose answer came after an escalation.</p>
    </div>
  );
}
