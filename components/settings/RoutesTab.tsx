"use client";

import { useState, type FormEvent } from "react";
import { Badge } from "@/components/ui/Badge";
import { Button } from "@/components/ui/Button";
import { Card, CardHeader } from "@/components/ui/Card";
import { EmptyState } from "@/components/ui/EmptyState";
import { Field, FormMessage, Select, TextArea, TextInput } from "@/components/ui/Form";
import { Table, TBody, TD, TH, THead, TR } from "@/components/ui/Table";
import { isApiError } from "@/lib/ui/api-client";
import type { RouteView } from "@/lib/ui/rules";
import { fieldErrors } from "@/lib/ui/settings";
import { FormPanel, QueryBody, ReadOnlyNote } from "./common";
import { putRoute, settingsKeys, useChange, useRoutesList, type RouteInput } from "./useSettings";
import { Untrusted } from "@/components/ui/Untrusted";

const EMPTY: RouteInput = {
  name: "",
  description: "",
  tier: "reasoning",
  model: "",
  thinking: "on",
  budgetTier: "complex",
  budgetTokens: null,
  effort: null,
  display: "summarized",
  minMaxTokens: null,
  fallbackRouteIds: [],
};

function thinkingLabel(r: RouteView): string {
  if (r.thinking === "off") return "off";
  const parts = [r.budgetTier, r.budgetTokens ? `${r.budgetTokens.toLocaleString("en-US")} tokens` : null, r.effort ? `effort ${r.effort}` : null].filter(Boolean);
  return parts.length ? parts.join(", ") : "on";
}

/** Routes: a model plus a thinking intent. Admins edit them; rules and app policies point at them. */
export function RoutesTab({ isAdmin }: { isAdmin: boolean }) {
  const routes = useRoutesList();
  const [editing, setEditing] = useState<{ id: string; isNew: boolean } | null>(null);

  return (
    <Card>
      <CardHeader
        title="Routes"
        description="Where a decision sends a request: the model and how it thinks. The model's own limits are applied at request time."
        actions={
          isAdmin ? (
            <Button size="sm" variant="primary" onClick={() => setEditing({ id: "", isNew: true })}>
              Add route
            </Button>
          ) : null
        }
      />
      {!isAdmin ? <ReadOnlyNote>Only admins change routes.</ReadOnlyNote> : null}
      <QueryBody query={routes} what="routes">
        {(data) =>
          data.data.length === 0 ? (
            <EmptyState title="No routes">Add a route for each configuration requests can go to.</EmptyState>
          ) : (
            <Table>
              <THead>
                <TR>
                  <TH>Route</TH>
                  <TH>Tier</TH>
                  <TH>Model</TH>
                  <TH>Thinking</TH>
                  <TH>Used by</TH>
                  {isAdmin ? <TH align="right">Actions</TH> : null}
                </TR>
              </THead>
              <TBody>
                {data.data.map((r) => (
                  <TR key={r.id}>
                    <TD>
                      <div className="font-medium text-gray-900"><Untrusted text={r.name} /></div>
                      <div className="font-mono text-[11px] text-gray-500">{r.id}</div>
                      {data.tierRoutes.standard === r.id || data.tierRoutes.reasoning === r.id || data.defaultRouteId === r.id ? (
                        <div className="mt-1 flex flex-wrap gap-1">
                          {data.tierRoutes.standard === r.id ? <Badge>standard tier route</Badge> : null}
                          {data.tierRoutes.reasoning === r.id ? <Badge>reasoning tier route</Badge> : null}
                          {data.defaultRouteId === r.id ? <Badge>default</Badge> : null}
                        </div>
                      ) : null}
                    </TD>
                    <TD>
                      <Badge tone={r.tier}>{r.tier}</Badge>
                    </TD>
                    <TD className="font-mono text-[11px] whitespace-nowrap">{r.model === "*" ? "* (as requested)" : r.model}</TD>
                    <TD>
                      {thinkingLabel(r)}
                      {r.fallbackRouteIds.length ? (
                        <div className="mt-1 font-mono text-[11px] text-gray-500" title="Tried next when this route's upstream fails or its model's circuit is open">
                          falls back to {r.fallbackRouteIds.join(" → ")}
                        </div>
                      ) : null}
                    </TD>
                    <TD className="max-w-56 text-gray-600">{r.usedByRules.length ? r.usedByRules.join(", ") : <span className="text-gray-400">no rule</span>}</TD>
                    {isAdmin ? (
                      <TD align="right">
                        <Button size="sm" onClick={() => setEditing({ id: r.id, isNew: false })} aria-label={`Edit route ${r.name}`}>
                          Edit
                        </Button>
                      </TD>
                    ) : null}
                  </TR>
                ))}
              </TBody>
            </Table>
          )
        }
      </QueryBody>
      {isAdmin && editing && routes.data ? (
        <RouteForm
          key={editing.id || "new"}
          isNew={editing.isNew}
          initial={editing.isNew ? { id: "", ...EMPTY } : routes.data.data.find((r) => r.id === editing.id)!}
          routeIds={routes.data.data.map((r) => r.id)}
          onDone={() => setEditing(null)}
        />
      ) : null}
    </Card>
  );
}

function RouteForm({ initial, isNew, routeIds, onDone }: { initial: RouteInput & { id: string }; isNew: boolean; routeIds: string[]; onDone: () => void }) {
  const [id, setId] = useState(initial.id);
  const [fallbacks, setFallbacks] = useState(initial.fallbackRouteIds.join(", "));
  const [r, setR] = useState<RouteInput>({
    name: initial.name,
    description: initial.description,
    tier: initial.tier,
    model: initial.model,
    thinking: initial.thinking,
    budgetTier: initial.budgetTier,
    budgetTokens: initial.budgetTokens,
    effort: initial.effort,
    display: initial.display,
    minMaxTokens: initial.minMaxTokens,
    fallbackRouteIds: initial.fallbackRouteIds,
  });
  const save = useChange(putRoute, [settingsKeys.routes]);
  const errors = save.error && isApiError(save.error) ? fieldErrors(save.error.message) : {};
  const set = (patch: Partial<RouteInput>) => setR({ ...r, ...patch });
  const num = (v: string) => (v.trim() === "" ? null : Number(v));

  function submit(e: FormEvent) {
    e.preventDefault();
    const fallbackRouteIds = fallbacks.split(",").map((f) => f.trim()).filter(Boolean);
    save.mutate({ id: id.trim(), route: { ...r, fallbackRouteIds } }, { onSuccess: onDone });
  }

  return (
    <FormPanel title={isNew ? "New route" : <>Edit route <Untrusted text={initial.name} /></>}>
      <form onSubmit={submit} className="grid gap-3 sm:grid-cols-2 lg:grid-cols-4">
        {isNew ? (
          <Field label="Route id" hint="Letters, digits, . - _ ; fixed once created." error={errors[""]}>
            {(c) => <TextInput {...c} value={id} onChange={(e) => setId(e.target.value)} className="font-mono text-xs" required />}
          </Field>
        ) : null}
        <Field label="Name" error={errors["name"]}>
          {(c) => <TextInput {...c} value={r.name} onChange={(e) => set({ name: e.target.value })} />}
        </Field>
        <Field label="Tier" error={errors["tier"]}>
          {(c) => (
            <Select {...c} value={r.tier} onChange={(e) => set({ tier: e.target.value as RouteInput["tier"] })}>
              <option value="standard">standard</option>
              <option value="reasoning">reasoning</option>
            </Select>
          )}
        </Field>
        <Field label="Model" hint="* keeps the model the client asked for." error={errors["model"]}>
          {(c) => <TextInput {...c} value={r.model} onChange={(e) => set({ model: e.target.value })} className="font-mono text-xs" placeholder="claude-opus-4-7" />}
        </Field>
        <Field label="Thinking" error={errors["thinking"]}>
          {(c) => (
            <Select
              {...c}
              value={r.thinking}
              onChange={(e) => (e.target.value === "off" ? set({ thinking: "off", budgetTier: null, budgetTokens: null }) : set({ thinking: "on" }))}
            >
              <option value="on">on</option>
              <option value="off">off</option>
            </Select>
          )}
        </Field>
        <Field label="Budget tier" hint="simple 2–4k, complex 8–16k, maximum 16–32k" error={errors["budgetTier"]}>
          {(c) => (
            <Select {...c} value={r.budgetTier ?? ""} disabled={r.thinking === "off"} onChange={(e) => set({ budgetTier: (e.target.value || null) as RouteInput["budgetTier"] })}>
              <option value="">none</option>
              <option value="simple">simple</option>
              <option value="complex">complex</option>
              <option value="maximum">maximum</option>
            </Select>
          )}
        </Field>
        <Field label="Budget tokens" hint="At least 1,024; wins over the tier." error={errors["budgetTokens"]}>
          {(c) => (
            <TextInput {...c} type="number" min={1024} step={1024} value={r.budgetTokens ?? ""} disabled={r.thinking === "off"} onChange={(e) => set({ budgetTokens: num(e.target.value) })} />
          )}
        </Field>
        <Field label="Effort" hint="For models that take effort." error={errors["effort"]}>
          {(c) => (
            <Select {...c} value={r.effort ?? ""} onChange={(e) => set({ effort: (e.target.value || null) as RouteInput["effort"] })}>
              <option value="">model default</option>
              {["low", "medium", "high", "xhigh", "max"].map((v) => (
                <option key={v} value={v}>
                  {v}
                </option>
              ))}
            </Select>
          )}
        </Field>
        <Field label="Thinking display" error={errors["display"]}>
          {(c) => (
            <Select {...c} value={r.display} onChange={(e) => set({ display: e.target.value as RouteInput["display"] })}>
              <option value="summarized">summarized (trace kept)</option>
              <option value="omitted">omitted</option>
            </Select>
          )}
        </Field>
        <Field label="Min max_tokens" hint="Room the route keeps above the budget." error={errors["minMaxTokens"]}>
          {(c) => <TextInput {...c} type="number" min={1} value={r.minMaxTokens ?? ""} onChange={(e) => set({ minMaxTokens: num(e.target.value) })} />}
        </Field>
        <Field
          label="Fallback routes"
          className="sm:col-span-2"
          hint={`Route ids tried next, in order, when this route's upstream fails after its retries or its model is overloaded. Routes: ${routeIds.filter((x) => x !== initial.id).join(", ")}`}
          error={errors["fallbackRouteIds"]}
        >
          {(c) => <TextInput {...c} value={fallbacks} onChange={(e) => setFallbacks(e.target.value)} className="font-mono text-xs" placeholder="reasoning-sonnet, standard" />}
        </Field>
        <Field label="Description" className="sm:col-span-2" error={errors["description"]}>
          {(c) => <TextArea {...c} rows={2} value={r.description} onChange={(e) => set({ description: e.target.value })} />}
        </Field>
        <div className="flex flex-wrap items-end gap-2 sm:col-span-2 lg:col-span-4">
          <Button type="submit" variant="primary" disabled={save.isPending}>
            {save.isPending ? "Saving…" : isNew ? "Create route" : "Save route"}
          </Button>
          <Button variant="ghost" onClick={onDone}>
            Cancel
          </Button>
          {save.error && !Object.keys(errors).some((k) => k && k !== "") ? (
            <FormMessage tone="error">{isApiError(save.error) ? save.error.message : "Could not save the route."}</FormMessage>
          ) : null}
        </div>
      </form>
    </FormPanel>
  );
}
