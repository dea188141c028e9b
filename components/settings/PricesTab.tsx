"use client";

import { useMemo, useState, type FormEvent } from "react";
import { Badge } from "@/components/ui/Badge";
import { Button } from "@/components/ui/Button";
import { Card, CardHeader } from "@/components/ui/Card";
import { EmptyState } from "@/components/ui/EmptyState";
import { Field, FormMessage, TextInput } from "@/components/ui/Form";
import { Table, TBody, TD, TH, THead, TR } from "@/components/ui/Table";
import { isApiError } from "@/lib/ui/api-client";
import { FEE_FIELDS, LONG_RATE_FIELDS, longContextSummary, PRICE_LABELS, priceBodyFromDraft, priceDraft, type PriceDraft, type PriceDraftField } from "@/lib/ui/prices";
import { cacheRatesFromInput, fieldErrors, pricesInEffect, type PriceView } from "@/lib/ui/settings";
import { FormPanel, QueryBody, ReadOnlyNote } from "./common";
import { addPrice, settingsKeys, useChange, usePrices } from "./useSettings";

const rate = (v: number) => `$${v.toLocaleString("en-US", { maximumFractionDigits: 4 })}`;
const day = (iso: string) => iso.slice(0, 10);

/** The price table with its effective dates. Prices are never edited: a new row from a later date replaces one. */
export function PricesTab({ isAdmin }: { isAdmin: boolean }) {
  const prices = usePrices();
  const [filter, setFilter] = useState("");
  const [adding, setAdding] = useState<string | null>(null);

  return (
    <Card>
      <CardHeader
        title="Prices"
        description="USD per million tokens. The newest price whose date has come applies; past requests keep the price they were billed at."
        actions={
          isAdmin ? (
            <Button size="sm" variant="primary" onClick={() => setAdding(filter.trim())}>
              Add price
            </Button>
          ) : null
        }
      />
      {!isAdmin ? <ReadOnlyNote>Only admins add prices.</ReadOnlyNote> : null}
      <div className="px-4 pt-3">
        <Field label="Filter by model" className="max-w-xs">
          {(c) => <TextInput {...c} type="search" value={filter} onChange={(e) => setFilter(e.target.value)} placeholder="opus" />}
        </Field>
      </div>
      {isAdmin && adding !== null ? <PriceForm key={adding} initialModel={adding} current={inEffectFor(prices.data?.data ?? [], adding)} onDone={() => setAdding(null)} /> : null}
      <QueryBody query={prices} what="prices">
        {(data) => <PriceTable rows={data.data} filter={filter} onAdd={isAdmin ? (model) => setAdding(model) : undefined} />}
      </QueryBody>
    </Card>
  );
}

/** The row in effect for exactly this model, which a new price starts from. */
function inEffectFor(rows: PriceView[], model: string): PriceView | null {
  const ids = pricesInEffect(rows, Date.now());
  return rows.find((r) => r.model === model && ids.has(r.id)) ?? null;
}

function PriceTable({ rows, filter, onAdd }: { rows: PriceView[]; filter: string; onAdd?: (model: string) => void }) {
  const inEffect = useMemo(() => pricesInEffect(rows, Date.now()), [rows]);
  const shown = useMemo(() => {
    const f = filter.trim().toLowerCase();
    return rows
      .filter((r) => !f || r.model.toLowerCase().includes(f))
      .sort((a, b) => a.model.localeCompare(b.model) || b.effectiveFrom.localeCompare(a.effectiveFrom));
  }, [rows, filter]);
  if (!rows.length) return <EmptyState title="No prices">Every request is shown as unpriced until its model has a price.</EmptyState>;
  if (!shown.length) return <EmptyState title={`No price for a model matching “${filter}”`}>Requests on such a model are shown as unpriced, never as $0.</EmptyState>;
  return (
    <Table>
      <THead>
        <TR>
          <TH>Model</TH>
          <TH>From</TH>
          <TH align="right">Input</TH>
          <TH align="right">Cache write 5m</TH>
          <TH align="right">Cache write 1h</TH>
          <TH align="right">Cache read</TH>
          <TH align="right">Output</TH>
          <TH align="right">Long context in / out</TH>
          <TH align="right">Fast</TH>
          <TH align="right">Web search / fetch</TH>
          {onAdd ? <TH align="right">Actions</TH> : null}
        </TR>
      </THead>
      <TBody>
        {shown.map((p) => {
          const future = Date.parse(p.effectiveFrom) > Date.now();
          return (
            <TR key={p.id} className={!inEffect.has(p.id) && !future ? "text-gray-400" : undefined}>
              <TD className="font-mono text-[11px] whitespace-nowrap text-gray-900">{p.model}</TD>
              <TD className="whitespace-nowrap">
                {day(p.effectiveFrom)} {inEffect.has(p.id) ? <Badge tone="success">in effect</Badge> : future ? <Badge tone="warning">scheduled</Badge> : <Badge>past</Badge>}
              </TD>
              <TD align="right">{rate(p.input)}</TD>
              <TD align="right">{rate(p.cacheWrite5m)}</TD>
              <TD align="right">{rate(p.cacheWrite1h)}</TD>
              <TD align="right">{rate(p.cacheRead)}</TD>
              <TD align="right">{rate(p.output)}</TD>
              <TD align="right" className="whitespace-nowrap">{longContextSummary(p)}</TD>
              <TD align="right" className="whitespace-nowrap">{p.fastMultiplier === null ? "not set" : `×${p.fastMultiplier}`}</TD>
              <TD align="right">{fees(p)}</TD>
              {onAdd ? (
                <TD align="right">
                  {inEffect.has(p.id) ? (
                    <Button size="sm" variant="ghost" onClick={() => onAdd(p.model)} aria-label={`Add a new price for ${p.model}`}>
                      New price
                    </Button>
                  ) : null}
                </TD>
              ) : null}
            </TR>
          );
        })}
      </TBody>
    </Table>
  );
}

/** Server tools' fees per use; a request that used a tool without a fee is unpriced. */
function fees(p: PriceView): string {
  const one = (v: number | null) => (v === null ? "not set" : `$${v}`);
  return `${one(p.webSearchFee)} / ${one(p.webFetchFee)}`;
}

function PriceForm({ initialModel, current, onDone }: { initialModel: string; current: PriceView | null; onDone: () => void }) {
  const [f, setF] = useState<PriceDraft>(() => priceDraft(initialModel, new Date().toISOString().slice(0, 10), current));
  const [invalid, setInvalid] = useState<Partial<Record<PriceDraftField, string>>>({});
  const save = useChange(addPrice, [settingsKeys.prices]);
  const errors: Partial<Record<string, string>> = { ...(save.error && isApiError(save.error) ? fieldErrors(save.error.message) : {}), ...invalid };
  const set = (patch: Partial<PriceDraft>) => setF({ ...f, ...patch });

  function fillCache() {
    const input = Number(f.input);
    if (!Number.isFinite(input) || f.input === "") return;
    const c = cacheRatesFromInput(input);
    set({ cacheWrite5m: String(c.cacheWrite5m), cacheWrite1h: String(c.cacheWrite1h), cacheRead: String(c.cacheRead) });
  }

  function submit(e: FormEvent) {
    e.preventDefault();
    const r = priceBodyFromDraft(f);
    setInvalid(r.ok ? {} : r.errors);
    if (r.ok) save.mutate(r.body, { onSuccess: onDone });
  }

  const num = (key: PriceDraftField, label: string, o: { required?: boolean; placeholder?: string; step?: string; min?: number } = {}) => (
    <Field key={key} label={label} error={errors[key]}>
      {(c) => (
        <TextInput
          {...c}
          type="number"
          min={o.min ?? 0}
          step={o.step ?? "any"}
          inputMode="decimal"
          value={f[key]}
          onChange={(e) => set({ [key]: e.target.value })}
          required={o.required}
          placeholder={o.placeholder}
        />
      )}
    </Field>
  );
  const rate = (key: "input" | "cacheWrite5m" | "cacheWrite1h" | "cacheRead" | "output") => num(key, `${PRICE_LABELS[key]} $/MTok`, { required: true });

  return (
    <FormPanel title="Add a price">
      <form onSubmit={submit} noValidate className="grid gap-3 sm:grid-cols-2 lg:grid-cols-4">
        <Field label="Model" error={errors["model"]}>
          {(c) => <TextInput {...c} value={f.model} onChange={(e) => set({ model: e.target.value })} className="font-mono text-xs" placeholder="claude-opus-4-7" required />}
        </Field>
        <Field label="Effective from (UTC)" error={errors["effectiveFrom"]}>
          {(c) => <TextInput {...c} type="date" value={f.effectiveFrom} onChange={(e) => set({ effectiveFrom: e.target.value })} required />}
        </Field>
        {rate("input")}
        {rate("output")}
        {rate("cacheWrite5m")}
        {rate("cacheWrite1h")}
        {rate("cacheRead")}
        <div className="flex items-end">
          <Button size="sm" variant="ghost" onClick={fillCache} disabled={f.input === ""}>
            Fill cache rates from input
          </Button>
        </div>
        <fieldset className="grid gap-3 sm:col-span-2 sm:grid-cols-2 lg:col-span-4 lg:grid-cols-4">
          <legend className="mb-1 text-xs font-medium text-gray-700">Long context (optional): past the threshold, the whole request bills at these rates; a rate left empty stays the standard one</legend>
          {num("longContextThreshold", "Threshold (prompt tokens)", { placeholder: "none", step: "1", min: 1 })}
          {LONG_RATE_FIELDS.map((key) => num(key, `${PRICE_LABELS[key]} $/MTok`, { placeholder: "standard" }))}
        </fieldset>
        {num("fastMultiplier", "Fast mode multiplier (optional)", { placeholder: "not set", min: 1 })}
        {FEE_FIELDS.map((key) => num(key, key === "webSearchFee" ? "Web search $/use (optional)" : "Web fetch $/use (optional)", { placeholder: "not set" }))}
        <Field label="Source (optional)" error={errors["source"]}>
          {(c) => <TextInput {...c} value={f.source} onChange={(e) => set({ source: e.target.value })} placeholder="where the price comes from" />}
        </Field>
        <div className="flex flex-wrap items-center gap-2 sm:col-span-2 lg:col-span-4">
          <Button type="submit" variant="primary" disabled={save.isPending}>
            {save.isPending ? "Adding…" : "Add price"}
          </Button>
          <Button variant="ghost" onClick={onDone}>
            Cancel
          </Button>
          {Object.keys(invalid).length ? <FormMessage tone="error">Check the fields marked above.</FormMessage> : null}
          {save.error ? <FormMessage tone="error">{isApiError(save.error) ? save.error.message : "Could not add the price."}</FormMessage> : null}
        </div>
      </form>
    </FormPanel>
  );
}
