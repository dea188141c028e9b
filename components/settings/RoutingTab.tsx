"use client";

import { useState, type FormEvent } from "react";
import { Button } from "@/components/ui/Button";
import { Card, CardBody, CardHeader } from "@/components/ui/Card";
import { Field, FormMessage, Select, TextInput } from "@/components/ui/Form";
import { isApiError } from "@/lib/ui/api-client";
import type { RouteView } from "@/lib/ui/rules";
import { fieldErrors, parseUnit, type RoutingSettingsView } from "@/lib/ui/settings";
import { formatUsd } from "@/lib/ui/format";
import { pointAt, prepareCurve, thresholdChange, tierTraffic, toChartPoint } from "@/lib/ui/operating-point";
import { QueryBody, ReadOnlyNote, useFormKey, type FormEdits } from "./common";
import { OperatingCurveChart } from "./OperatingCurveChart";
import { putSettings, settingsKeys, useChange, useRoutesList, useRoutingSettings, useTierCosts } from "./useSettings";

/** The classifier threshold, the trace sampling rate, and which routes the tiers and the default stage use. */
export function RoutingTab({ isAdmin }: { isAdmin: boolean }) {
  const settings = useRoutingSettings();
  const routes = useRoutesList();
  // Here, not in the form: the form remounts with the saved values, and the "Saved." message must survive that.
  const save = useChange(putSettings, [settingsKeys.settings, settingsKeys.routes]);
  const formKey = useFormKey(settings);
  return (
    <Card>
      <CardHeader title="Routing and tracing" description="Deployment-wide settings. Changes apply to the next request." />
      {!isAdmin ? <ReadOnlyNote>Only admins change these settings.</ReadOnlyNote> : null}
      <QueryBody query={settings} what="settings">
        {(data) => <RoutingForm key={formKey.key} initial={data} routes={routes.data?.data ?? []} isAdmin={isAdmin} save={save} edits={formKey} />}
      </QueryBody>
    </Card>
  );
}

function RoutingForm({
  initial,
  routes,
  isAdmin,
  save,
  edits,
}: {
  initial: RoutingSettingsView;
  routes: RouteView[];
  isAdmin: boolean;
  save: ReturnType<typeof useChange<Partial<RoutingSettingsView>, RoutingSettingsView>>;
  edits: FormEdits;
}) {
  const [threshold, setThreshold] = useState(initial.classifierThreshold === null ? "" : String(initial.classifierThreshold));
  const [sample, setSample] = useState(String(initial.sampleRate));
  const [tierRoutes, setTierRoutes] = useState(initial.tierRoutes);
  const [defaultRouteId, setDefault] = useState(initial.defaultRouteId);
  const t = parseUnit(threshold);
  // The sampling rate always has a value; empty is not "default" here.
  const parsedSample = parseUnit(sample);
  const s = parsedSample === null ? undefined : parsedSample;
  const errors = save.error && isApiError(save.error) ? fieldErrors(save.error.message) : {};

  function submit(e: FormEvent) {
    e.preventDefault();
    if (t === undefined || s === undefined) return;
    save.mutate({ classifierThreshold: t, sampleRate: s, tierRoutes, defaultRouteId }, { onSuccess: edits.saving() });
  }

  const routeSelect = (value: string, onChange: (v: string) => void, tier: "standard" | "reasoning" | null, c: object) => (
    <Select {...c} value={value} onChange={(e) => onChange(e.target.value)}>
      {routes
        .filter((r) => tier === null || r.tier === tier)
        .map((r) => (
          <option key={r.id} value={r.id}>
            {r.name} ({r.id})
          </option>
        ))}
    </Select>
  );

  return (
    <CardBody>
      <form onSubmit={submit} {...edits.formProps} className="space-y-5">
        <fieldset disabled={!isAdmin} className="grid min-w-0 gap-4 sm:grid-cols-2">
          <Field
            label="Classifier threshold"
            hint={`0–1. Prompts scoring at or above it reason. Empty: the shipped threshold, ${initial.classifierThresholdDefault.toFixed(2)}.`}
            error={t === undefined ? "Enter a number between 0 and 1." : errors["classifierThreshold"]}
          >
            {(c) => (
              <div className="flex items-center gap-3">
                <input
                  type="range"
                  min={0}
                  max={1}
                  step={0.01}
                  value={t ?? initial.classifierThresholdDefault}
                  onChange={(e) => setThreshold(e.target.value)}
                  aria-label="Classifier threshold slider"
                  className="min-w-0 flex-1 accent-accent-600"
                />
                <div className="w-24 shrink-0">
                  <TextInput {...c} inputMode="decimal" value={threshold} onChange={(e) => setThreshold(e.target.value)} placeholder={initial.classifierThresholdDefault.toFixed(2)} />
                </div>
              </div>
            )}
          </Field>
          {initial.operatingCurve ? (
            <div className="sm:col-span-2">
              <OperatingPoint
                curve={initial.operatingCurve}
                team={initial.teamCurve ?? null}
                teamLabels={initial.teamLabels ?? 0}
                current={initial.classifierThreshold ?? initial.classifierThresholdDefault}
                proposed={t ?? initial.classifierThresholdDefault}
              />
            </div>
          ) : null}
          <Field
            label="Trace sampling rate"
            hint="0–1: the share of requests whose thinking text is stored (failures, escalations and heavy hedging are always kept)."
            error={s === undefined ? "Enter a number between 0 and 1." : errors["sampleRate"]}
          >
            {(c) => (
              <div className="flex items-center gap-3">
                <input
                  type="range"
                  min={0}
                  max={1}
                  step={0.05}
                  value={s ?? 0}
                  onChange={(e) => setSample(e.target.value)}
                  aria-label="Trace sampling rate slider"
                  className="min-w-0 flex-1 accent-accent-600"
                />
                <div className="w-24 shrink-0">
                  <TextInput {...c} inputMode="decimal" value={sample} onChange={(e) => setSample(e.target.value)} placeholder="0.1" />
                </div>
                <span className="w-12 text-right text-xs text-gray-500 tabular-nums">{s === undefined ? "" : `${Math.round(s * 100)}%`}</span>
              </div>
            )}
          </Field>
          <Field label="Standard tier route" hint="Where “standard” goes: overrides, app policies, the classifier." error={errors["tierRoutes.standard"]}>
            {(c) => routeSelect(tierRoutes.standard, (v) => setTierRoutes({ ...tierRoutes, standard: v }), "standard", c)}
          </Field>
          <Field label="Reasoning tier route" hint="Where “reasoning” goes; also priced as the counterfactual." error={errors["tierRoutes.reasoning"]}>
            {(c) => routeSelect(tierRoutes.reasoning, (v) => setTierRoutes({ ...tierRoutes, reasoning: v }), "reasoning", c)}
          </Field>
          <Field label="Default route" hint="When no stage decides." error={errors["defaultRouteId"]}>
            {(c) => routeSelect(defaultRouteId, setDefault, null, c)}
          </Field>
        </fieldset>
        {isAdmin ? (
          <div className="flex flex-wrap items-center gap-3">
            <Button type="submit" variant="primary" disabled={save.isPending || t === undefined || s === undefined}>
              {save.isPending ? "Saving…" : "Save settings"}
            </Button>
            {save.error ? <FormMessage tone="error">{isApiError(save.error) ? save.error.message : "Could not save."}</FormMessage> : null}
            {save.isSuccess ? <FormMessage tone="success">Saved.</FormMessage> : null}
          </div>
        ) : null}
      </form>
    </CardBody>
  );
}

/** The threshold as a cost/quality choice: the curve, the point in effect and the edited one, and the expected monthly cost change. */
function OperatingPoint({
  curve,
  team,
  teamLabels,
  current,
  proposed,
}: {
  curve: NonNullable<RoutingSettingsView["operatingCurve"]>;
  team: RoutingSettingsView["operatingCurve"];
  teamLabels: number;
  current: number;
  proposed: number;
}) {
  const costs = useTierCosts();
  const traffic = costs.data ? tierTraffic(costs.data.groups, costs.data.range.days) : null;
  const change = thresholdChange(curve, current, proposed, traffic);
  const moved = Math.abs(proposed - current) > 1e-9;
  const pct = (x: number) => `${Math.round(x * 100)}%`;
  const describe = (p: typeof change.current) =>
    `${pct(p.share)} of prompts to reasoning, ${pct(p.recall)} of reasoning-worthy prompts caught, ${pct(p.fpr)} of standard ones sent to reasoning` +
    (p.pgr !== null ? `, ${pct(p.pgr)} of the quality gap recovered` : "");
  return (
    <section aria-label="Operating point" className="space-y-2 rounded border border-gray-200 p-3">
      <h3 className="text-sm font-medium text-gray-900">Operating point</h3>
      <p className="text-xs text-gray-500">Measured on prompts of sources the model was not trained on; quality recovered is on prompts where a weak and a strong model's answers are known.</p>
      <OperatingCurveChart
        points={prepareCurve(curve)}
        team={team ? prepareCurve(team) : null}
        current={toChartPoint(change.current)}
        proposed={moved ? toChartPoint(change.proposed) : null}
      />
      <p className="text-sm" data-testid="operating-now">
        Now ({current.toFixed(2)}): {describe(change.current)}.
      </p>
      {team ? (
        <p className="text-sm" data-testid="operating-team">
          On your {teamLabels.toLocaleString("en-US")} labelled prompts at {proposed.toFixed(2)}: {describe(pointAt(team, proposed))}.
        </p>
      ) : (
        <p className="text-xs text-gray-500">Label prompts in the trace explorer or the playground: with 20 or more of both kinds, the curve on your own prompts appears here.</p>
      )}
      {moved ? (
        <p className="text-sm" data-testid="operating-new">
          At {proposed.toFixed(2)}: {describe(change.proposed)}.{" "}
          {change.monthlyDelta !== null ? (
            <strong>
              Expected monthly cost {change.monthlyDelta >= 0 ? "+" : "−"}
              {formatUsd(Math.abs(change.monthlyDelta))} at {Math.round(traffic!.requestsPerMonth).toLocaleString("en-US")} requests a month.
            </strong>
          ) : costs.isPending ? (
            // Not "no traffic" while the costs are still being read: that said the opposite of the truth on a slow answer.
            <span className="text-gray-500">Reading the last 30 days' costs to estimate the monthly cost…</span>
          ) : costs.isError ? (
            <span className="text-gray-500">The monthly cost could not be estimated: {isApiError(costs.error) ? costs.error.message : "the costs could not be read"}.</span>
          ) : (
            <span className="text-gray-500">No priced traffic of both tiers in the last 30 days to estimate the monthly cost.</span>
          )}
        </p>
      ) : null}
    </section>
  );
}
