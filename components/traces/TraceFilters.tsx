"use client";

import { useEffect, useState, type FormEvent } from "react";
import { SelectField, TextField } from "@/components/form/Fields";
import { Button } from "@/components/ui/Button";
import type { TraceFacets } from "@/lib/traces/wire";
import { searchProblem } from "@/lib/traces/search";
import { activeFilterCount, filterSummary, RANGE_PRESETS, type Filters } from "@/lib/traces/url";

const ANY = { value: "", label: "Any" };
const STAGES = ["override", "pinned", "context", "rule", "classifier", "escalation", "background", "client", "default", "none"];

/**
 * The explorer's filter bar. Every control writes straight to the URL (the
 * parent owns it); the search box and the cost bounds apply on Enter or on
 * leaving the field, so typing does not fire a query per keystroke.
 */
export function TraceFilters({ filters, facets, onChange }: { filters: Filters; facets: TraceFacets | undefined; onChange: (f: Filters) => void }) {
  const [q, setQ] = useState(filters.q ?? "");
  const [costMin, setCostMin] = useState(filters.costMin ?? "");
  const [costMax, setCostMax] = useState(filters.costMax ?? "");
  const [open, setOpen] = useState(false);
  // A search the API would refuse (punctuation only) is refused here, said under the box, and not sent.
  const [qProblem, setQProblem] = useState<string | null>(null);
  // The URL can change under us (back button, a link): follow it.
  useEffect(() => setQ(filters.q ?? ""), [filters.q]);
  useEffect(() => setCostMin(filters.costMin ?? ""), [filters.costMin]);
  useEffect(() => setCostMax(filters.costMax ?? ""), [filters.costMax]);

  const set = (k: keyof Filters, v: string) => onChange({ ...filters, [k]: v || undefined });
  const count = activeFilterCount(filters);
  const summary = filterSummary(filters);

  function submitSearch(e: FormEvent) {
    e.preventDefault();
    const problem = searchProblem(q);
    setQProblem(problem);
    if (problem) return;
    onChange({ ...filters, q: q.trim() || undefined, costMin: costMin || undefined, costMax: costMax || undefined });
  }

  const select = (key: keyof Filters, label: string, options: { value: string; label: string }[]) => (
    <SelectField label={label} value={filters[key] ?? ""} onChange={(e) => set(key, e.target.value)} options={[ANY, ...options]} />
  );

  return (
    <form onSubmit={submitSearch} className="space-y-3" role="search" aria-label="Filter traces">
      <div className="flex flex-wrap items-end gap-2">
        <TextField
          label="Search"
          type="search"
          className="min-w-48 flex-[3_1_16rem]"
          placeholder="Words in prompts, answers and thinking"
          value={q}
          aria-invalid={qProblem ? true : undefined}
          aria-describedby={qProblem ? "trace-search-problem" : undefined}
          onChange={(e) => {
            setQ(e.target.value);
            setQProblem(null);
          }}
        />
        <SelectField
          label="Time range"
          className="min-w-36 flex-[1_1_10rem]"
          value={filters.range ?? (filters.from || filters.to ? "custom" : "")}
          onChange={(e) => onChange({ ...filters, range: e.target.value || undefined, ...(e.target.value !== "custom" ? { from: undefined, to: undefined } : {}) })}
          options={[{ value: "", label: "All time" }, ...RANGE_PRESETS.map((p) => ({ value: p.value, label: p.label })), ...(filters.from || filters.to ? [{ value: "custom", label: "Custom" }] : [])]}
        />
        <Button type="submit" variant="primary">
          Search
        </Button>
        <Button variant="secondary" className="sm:hidden" aria-expanded={open} aria-controls="trace-filters" onClick={() => setOpen((o) => !o)}>
          Filters{count ? ` (${count})` : ""}
        </Button>
      </div>

      {qProblem ? (
        <p id="trace-search-problem" role="alert" className="text-xs text-red-700">
          {qProblem.charAt(0).toUpperCase() + qProblem.slice(1)}.
        </p>
      ) : null}

      {/* As many columns as fit at 9 rem each: a fixed 15-column row left the
          selects at 1280 px too narrow to show "Any". */}
      <div id="trace-filters" className={`${open ? "grid" : "hidden"} grid-cols-2 gap-2 sm:grid sm:grid-cols-[repeat(auto-fill,minmax(9rem,1fr))]`}>
        <div className="sm:col-span-2">{select("route", "Route", (facets?.routes ?? []).map((r) => ({ value: r.id, label: r.name })).concat([{ value: "-", label: "(no route)" }]))}</div>
        {select("tier", "Tier", [
          { value: "reasoning", label: "Reasoning" },
          { value: "standard", label: "Standard" },
        ])}
        {select("stage", "Stage", STAGES.map((s) => ({ value: s, label: s })))}
        <div className="sm:col-span-2">{select("model", "Model", (facets?.models ?? []).map((m) => ({ value: m, label: m })))}</div>
        {select("app", "App", (facets?.apps ?? []).map((a) => ({ value: a, label: a })).concat([{ value: "-", label: "(no app)" }]))}
        {select("task", "Task", (facets?.tasks ?? []).map((t) => ({ value: t, label: t })))}
        {select("status", "Status", [
          { value: "ok", label: "ok" },
          { value: "partial", label: "partial" },
          { value: "error", label: "error" },
        ])}
        <TextField label="Min cost ($)" type="number" inputMode="decimal" min={0} step="any" placeholder="0" value={costMin} onChange={(e) => setCostMin(e.target.value)} onBlur={() => costMin !== (filters.costMin ?? "") && set("costMin", costMin)} />
        <TextField label="Max cost ($)" type="number" inputMode="decimal" min={0} step="any" placeholder="∞" value={costMax} onChange={(e) => setCostMax(e.target.value)} onBlur={() => costMax !== (filters.costMax ?? "") && set("costMax", costMax)} />
        {select("escalated", "Escalated", [
          { value: "true", label: "Escalated" },
          { value: "false", label: "Not escalated" },
        ])}
        {select("hedging", "Hedging", [
          { value: "true", label: "Has hedging" },
          { value: "false", label: "No hedging" },
        ])}
        {select("thinking", "Thinking", [
          { value: "true", label: "Has thinking" },
          { value: "false", label: "No thinking" },
        ])}
        {select("failureMin", "Likely wrong", [
          { value: "0.5", label: "≥ 50%" },
          { value: "0.3", label: "≥ 30%" },
          { value: "0.2", label: "≥ 20%" },
        ])}
        <SelectField
          label="Sort"
          value={filters.sort ?? ""}
          onChange={(e) => set("sort", e.target.value)}
          options={[{ value: "", label: "Newest first" }, { value: "failure", label: "Likely wrong first" }]}
        />
      </div>
      {summary ? (
        <div className="flex items-center gap-2 text-xs text-gray-500">
          <span>{summary}</span>
          <Button size="sm" variant="ghost" onClick={() => onChange({})}>
            Clear all
          </Button>
        </div>
      ) : null}
    </form>
  );
}
