"use client";

import Link from "next/link";
import { useMemo, useState } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { Badge } from "@/components/ui/Badge";
import { Button } from "@/components/ui/Button";
import { Card, CardBody, CardHeader } from "@/components/ui/Card";
import { EmptyState } from "@/components/ui/EmptyState";
import { ErrorState } from "@/components/ui/ErrorState";
import { Field, FormMessage, Select, TextArea, TextInput } from "@/components/ui/Form";
import { Table, TBody, TD, TH, THead, TR } from "@/components/ui/Table";
import { Untrusted } from "@/components/ui/Untrusted";
import { DEFAULT_BUDGETS, configKey, type CalibrationConfig } from "@/lib/calibration/grid";
import { apiFetch } from "@/lib/ui/api-client";
import { showBidiControls } from "@/lib/ui/bidi";
import { formatRelativeTime } from "@/lib/ui/format";
import type { ExperimentSummary, ModelThinking, Role, SetSummary } from "./types";

const keys = { sets: ["calibration", "sets"] as const, experiments: ["calibration", "experiments"] as const, models: ["calibration", "models"] as const };

function statusTone(s: ExperimentSummary["status"]) {
  return s === "done" ? "success" : s === "running" ? "reasoning" : s === "cancelled" ? "warning" : "neutral";
}

export function CalibrationHome({ role }: { role: Role }) {
  const canRun = role === "editor" || role === "admin";
  const sets = useQuery({ queryKey: keys.sets, queryFn: ({ signal }) => apiFetch<{ data: SetSummary[] }>("/api/calibration/sets", { signal }) });
  const experiments = useQuery({
    queryKey: keys.experiments,
    queryFn: ({ signal }) => apiFetch<{ data: ExperimentSummary[] }>("/api/calibration/experiments", { signal }),
    // Live while something runs.
    refetchInterval: (q) => (q.state.data?.data.some((e) => e.status === "running" || e.status === "queued") ? 2_000 : false),
  });

  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-xl font-semibold tracking-tight text-gray-900">Calibration lab</h1>
        <p className="mt-1 max-w-3xl text-sm text-gray-600">
          How much thinking does your task need? Run your own prompts with expected answers across thinking budgets, effort levels and models, see
          accuracy against cost, and apply the cheapest configuration that is as good as the best to a route.
          {!canRun ? <Badge className="ml-2">read-only: your role is {role}</Badge> : null}
        </p>
      </div>

      <Card>
        <CardHeader title="Experiments" description="Each runs a set across a grid of configurations; every call is recorded as gateway traffic with app “calibration”." />
        <CardBody className="p-0">
          {experiments.isError ? (
            <ErrorState title="Could not load experiments" error={experiments.error} onRetry={() => void experiments.refetch()} />
          ) : !experiments.data ? (
            <p className="px-4 py-6 text-sm text-gray-500">Loading…</p>
          ) : experiments.data.data.length === 0 ? (
            <EmptyState title="No experiments yet">Upload a set, then start one below.</EmptyState>
          ) : (
            <Table>
              <THead>
                <TR>
                  <TH>Experiment</TH>
                  <TH>Status</TH>
                  <TH align="right">Progress</TH>
                  <TH align="right">Configurations</TH>
                  <TH>Started</TH>
                </TR>
              </THead>
              <TBody>
                {experiments.data.data.map((e) => (
                  <TR key={e.id}>
                    <TD>
                      <Link className="font-medium text-accent-700 hover:underline" href={`/calibration/experiments/${e.id}`}>
                        <Untrusted text={e.name} />
                      </Link>
                      {e.appliedAt ? <Badge tone="success" className="ml-2">applied</Badge> : null}
                    </TD>
                    <TD>
                      <Badge tone={statusTone(e.status)}>{e.status}</Badge>
                    </TD>
                    <TD align="right">
                      {e.progress.done + e.progress.failed} / {e.progress.total}
                    </TD>
                    <TD align="right">{e.configs.length}</TD>
                    <TD>{formatRelativeTime(e.createdAt)}</TD>
                  </TR>
                ))}
              </TBody>
            </Table>
          )}
        </CardBody>
      </Card>

      <div className="grid gap-6 lg:grid-cols-2">
        <Card>
          <CardHeader title="Evaluation sets" description="Prompts with expected answers and one grader. Add items from traces or the playground too." />
          <CardBody className="space-y-4">
            {sets.isError ? <ErrorState title="Could not load sets" error={sets.error} /> : null}
            {sets.data?.data.length ? (
              <ul className="divide-y divide-gray-100 text-sm">
                {sets.data.data.map((s) => (
                  <li key={s.id} className="flex items-center justify-between py-2">
                    <span>
                      <Untrusted className="font-medium text-gray-900" text={s.name} /> <span className="text-gray-500">· {s.items} items · {s.grader.kind}</span>
                    </span>
                    <span className="font-mono text-[11px] text-gray-400">{s.id}</span>
                  </li>
                ))}
              </ul>
            ) : sets.data ? (
              <p className="text-sm text-gray-500">No sets yet.</p>
            ) : null}
            {canRun ? <UploadSet /> : null}
            {canRun && sets.data?.data.length ? <AddFromRequests sets={sets.data.data} /> : null}
          </CardBody>
        </Card>
        {canRun ? <NewExperiment sets={sets.data?.data ?? []} /> : null}
      </div>
    </div>
  );
}

function UploadSet() {
  const qc = useQueryClient();
  const [name, setName] = useState("");
  const [kind, setKind] = useState("number");
  const [param, setParam] = useState("");
  const [jsonl, setJsonl] = useState<string | null>(null);
  const upload = useMutation({
    mutationFn: () => {
      const grader =
        kind === "regex"
          ? { kind, ...(param ? { pattern: param } : {}) }
          : kind === "json_schema"
            ? { kind, schema: JSON.parse(param || "{}") as unknown }
            : kind === "judge"
              ? { kind, routeId: param.split("|")[0]?.trim(), rubric: param.split("|").slice(1).join("|").trim() }
              : { kind };
      return apiFetch<SetSummary>("/api/calibration/sets", { body: { name, grader, jsonl: jsonl ?? "" } });
    },
    onSuccess: () => {
      setName("");
      setJsonl(null);
      void qc.invalidateQueries({ queryKey: keys.sets });
    },
  });
  return (
    <form
      className="space-y-3 border-t border-gray-100 pt-4"
      onSubmit={(e) => {
        e.preventDefault();
        upload.mutate();
      }}
    >
      <h3 className="text-sm font-semibold text-gray-900">Upload a set</h3>
      <Field label="Name">{(p) => <TextInput {...p} value={name} onChange={(e) => setName(e.target.value)} required />}</Field>
      <Field label="Items (JSONL)" hint='One item a line: {"prompt", "expected", "category"?, "system"?, "id"?}'>
        {(p) => (
          <input
            {...p}
            type="file"
            accept=".jsonl,.json,.txt"
            className="block text-sm"
            onChange={(e) => {
              const f = e.target.files?.[0];
              if (f) void f.text().then(setJsonl);
            }}
          />
        )}
      </Field>
      <div className="grid grid-cols-2 gap-3">
        <Field label="Grader">
          {(p) => (
            <Select {...p} value={kind} onChange={(e) => setKind(e.target.value)}>
              <option value="number">Same number</option>
              <option value="exact">Exact match</option>
              <option value="contains">Contains</option>
              <option value="regex">Regular expression</option>
              <option value="json_schema">JSON schema</option>
              <option value="judge">LLM judge</option>
            </Select>
          )}
        </Field>
        {kind === "regex" || kind === "json_schema" || kind === "judge" ? (
          <Field label={kind === "regex" ? "Pattern (empty: each item's expected)" : kind === "json_schema" ? "Schema (JSON)" : "Judge route | rubric"}>
            {(p) => <TextInput {...p} value={param} onChange={(e) => setParam(e.target.value)} placeholder={kind === "judge" ? "reasoning-sonnet | Same final value" : ""} />}
          </Field>
        ) : null}
      </div>
      {upload.isError ? <FormMessage tone="error">{(upload.error as Error).message}</FormMessage> : null}
      {upload.isSuccess ? <FormMessage tone="success">Uploaded {upload.data.items} items.</FormMessage> : null}
      <Button type="submit" variant="primary" disabled={!name || jsonl === null || upload.isPending}>
        Upload
      </Button>
    </form>
  );
}

/**
 * Items from stored requests: ids copied from the trace explorer, one a line,
 * each optionally followed by the expected answer (else the record's own
 * answer is taken as the expected one).
 */
function AddFromRequests({ sets }: { sets: SetSummary[] }) {
  const qc = useQueryClient();
  const [setId, setSetId] = useState("");
  const [text, setText] = useState("");
  const picks = text
    .split("\n")
    .map((l) => l.trim())
    .filter(Boolean)
    .map((l) => {
      const [requestId, ...rest] = l.split(/\s+/);
      const expected = rest.join(" ");
      return { requestId: requestId!, ...(expected ? { expected } : {}) };
    });
  const add = useMutation({
    mutationFn: () => apiFetch<{ added: number; items: number }>(`/api/calibration/sets/${setId || sets[0]!.id}/items`, { body: { fromRequests: picks } }),
    onSuccess: () => {
      setText("");
      void qc.invalidateQueries({ queryKey: keys.sets });
    },
  });
  return (
    <form
      className="space-y-3 border-t border-gray-100 pt-4"
      onSubmit={(e) => {
        e.preventDefault();
        add.mutate();
      }}
    >
      <h3 className="text-sm font-semibold text-gray-900">Add items from stored requests</h3>
      <Field label="Add to set">
        {(p) => (
          <Select {...p} value={setId || sets[0]!.id} onChange={(e) => setSetId(e.target.value)}>
            {sets.map((s) => (
              <option key={s.id} value={s.id}>
                {showBidiControls(s.name)}
              </option>
            ))}
          </Select>
        )}
      </Field>
      <Field label="Request ids" hint="One a line, from the trace explorer; optionally followed by the expected answer (otherwise the recorded answer is the expected one).">
        {(p) => <TextArea {...p} rows={3} value={text} onChange={(e) => setText(e.target.value)} placeholder="req_0mwwv… 1517" />}
      </Field>
      {add.isError ? <FormMessage tone="error">{(add.error as Error).message}</FormMessage> : null}
      {add.isSuccess ? <FormMessage tone="success">Added {add.data.added} items; the set has {add.data.items}.</FormMessage> : null}
      <Button type="submit" disabled={!picks.length || add.isPending}>
        Add {picks.length || ""} item{picks.length === 1 ? "" : "s"}
      </Button>
    </form>
  );
}

function NewExperiment({ sets }: { sets: SetSummary[] }) {
  const qc = useQueryClient();
  const router = useRouter();
  const models = useQuery({ queryKey: keys.models, queryFn: ({ signal }) => apiFetch<{ data: ModelThinking[] }>("/api/calibration/models", { signal }), staleTime: Infinity });
  const [setId, setSetId] = useState("");
  const [grid, setGrid] = useState<CalibrationConfig[]>([]);
  const [model, setModel] = useState("");
  const [tolerance, setTolerance] = useState("2");
  const [concurrency, setConcurrency] = useState("4");
  const m = models.data?.data.find((x) => x.model === model);
  const options = useMemo<CalibrationConfig[]>(() => {
    if (!m) return [];
    const out: CalibrationConfig[] = [];
    if (m.off) out.push({ model: m.model, thinking: "off" });
    if (m.control === "budget") for (const b of DEFAULT_BUDGETS) if (m.maxBudget === null || b <= m.maxBudget) out.push({ model: m.model, thinking: "budget", budgetTokens: b });
    if (m.control === "effort") for (const e of m.efforts) out.push({ model: m.model, thinking: "effort", effort: e });
    return out;
  }, [m]);
  const has = (c: CalibrationConfig) => grid.some((g) => configKey(g) === configKey(c));
  const toggle = (c: CalibrationConfig) => setGrid(has(c) ? grid.filter((g) => configKey(g) !== configKey(c)) : [...grid, c]);
  const create = useMutation({
    mutationFn: () =>
      apiFetch<{ id: string }>("/api/calibration/experiments", {
        body: { setId: setId || sets[0]?.id, configs: grid, tolerance: Number(tolerance) / 100, concurrency: Number(concurrency) },
      }),
    onSuccess: (e) => {
      void qc.invalidateQueries({ queryKey: keys.experiments });
      router.push(`/calibration/experiments/${e.id}`);
    },
  });
  return (
    <Card>
      <CardHeader title="New experiment" description="Pick a set and the configurations to compare. Budgets apply to models that take budget_tokens; adaptive models take effort levels." />
      <CardBody className="space-y-3">
        <Field label="Set">
          {(p) => (
            <Select {...p} value={setId || sets[0]?.id || ""} onChange={(e) => setSetId(e.target.value)}>
              {sets.map((s) => (
                <option key={s.id} value={s.id}>
                  {showBidiControls(s.name)} ({s.items} items)
                </option>
              ))}
            </Select>
          )}
        </Field>
        <Field label="Model">
          {(p) => (
            <Select {...p} value={model} onChange={(e) => setModel(e.target.value)}>
              <option value="">Choose a model…</option>
              {models.data?.data.map((x) => (
                <option key={x.model} value={x.model}>
                  {x.displayName} — {x.control === "budget" ? "thinking budgets" : x.control === "effort" ? "effort levels" : "thinking off only"}
                </option>
              ))}
            </Select>
          )}
        </Field>
        {options.length ? (
          <div className="flex flex-wrap gap-2" role="group" aria-label="Configurations of this model">
            {options.map((c) => (
              <label key={configKey(c)} className="inline-flex items-center gap-1 rounded border border-gray-200 px-2 py-1 text-xs">
                <input type="checkbox" checked={has(c)} onChange={() => toggle(c)} />
                {c.thinking === "off" ? "thinking off" : c.thinking === "budget" ? c.budgetTokens.toLocaleString("en-US") : `effort ${c.effort}`}
              </label>
            ))}
          </div>
        ) : null}
        <p className="text-xs text-gray-600">
          Grid: {grid.length ? grid.map(configKey).join(", ") : "nothing chosen yet"}
          {grid.length ? (
            <Button size="sm" variant="ghost" className="ml-2" onClick={() => setGrid([])}>
              Clear
            </Button>
          ) : null}
        </p>
        <div className="grid grid-cols-2 gap-3">
          <Field label="Tolerance (accuracy points)" hint="How far below the best still counts as as good">
            {(p) => <TextInput {...p} type="number" min={0} max={50} step={0.5} value={tolerance} onChange={(e) => setTolerance(e.target.value)} />}
          </Field>
          <Field label="Concurrent calls">{(p) => <TextInput {...p} type="number" min={1} max={32} value={concurrency} onChange={(e) => setConcurrency(e.target.value)} />}</Field>
        </div>
        {create.isError ? <FormMessage tone="error">{(create.error as Error).message}</FormMessage> : null}
        <Button variant="primary" disabled={!sets.length || !grid.length || create.isPending} onClick={() => create.mutate()}>
          Run experiment
        </Button>
      </CardBody>
    </Card>
  );
}
